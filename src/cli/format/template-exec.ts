// Execution of a parsed template, after Go's text/template exec.go: the same evaluation order,
// the same argument checks, and errors located the way Go locates them
// (`template: :1:13: executing "" at <.X.b>: map has no entry for key "b"`).

import type {
  BranchNode, ChainNode, CommandNode, FieldNode, IdentifierNode, ListNode, Node, NumberNode,
  Operand, PipeNode, TemplateNode, VariableNode,
} from './template-ast.js';
import { nodeString } from './template-ast.js';
import type { ParsedTemplate } from './template-parser.js';
import type { ArgType, FuncMap, GoFunc } from './template-builtins.js';
import { formatArg, printValue } from './go-fmt.js';
import { quote } from './go-quote.js';
import {
  GoFloat, goTypeName, isStringSlice, isTrue, kindOf, methodOf, ownField, sortedKeys,
} from './go-value.js';

export class TemplateExecError extends Error {}

const MISSING = Symbol('missing');
type Final = unknown;
const BREAK = Symbol('break');
const CONTINUE = Symbol('continue');
const MAX_DEPTH = 100000;

export interface ExecOptions {
  funcs: FuncMap;
  /** Go's Option("missingkey=error"): a missing map key is an error instead of <no value>. */
  missingKeyError: boolean;
}

export function execute(t: ParsedTemplate, data: unknown, opts: ExecOptions, out: string[]): void {
  const s = new State(t, opts, out, data);
  try {
    s.walk(data, t.root);
  } catch (e) {
    if (e instanceof RangeError && /call stack/.test(e.message)) {
      throw new TemplateExecError(`template: ${t.name}: exceeded maximum template depth (${MAX_DEPTH})`);
    }
    throw e;
  }
}

class State {
  private vars: { name: string; value: unknown }[];
  private node: Node | undefined;
  private name: string;
  private depth = 0;

  constructor(
    private readonly t: ParsedTemplate,
    private readonly opts: ExecOptions,
    private readonly out: string[],
    data: unknown,
  ) {
    this.vars = [{ name: '$', value: data }];
    this.name = t.name;
  }

  private at(n: Node): void {
    this.node = n;
  }

  /** Go's ErrorContext: "name:line:col" with col the byte offset within the line (0-based). */
  private errorf(msg: string): never {
    const n = this.node;
    if (!n) throw new TemplateExecError(`template: ${this.name}: ${msg}`);
    const before = Buffer.from(this.t.source.slice(0, n.pos), 'utf8');
    const nl = before.lastIndexOf(0x0a);
    const col = nl < 0 ? before.length : before.length - (nl + 1);
    let line = 1;
    for (const b of before) if (b === 0x0a) line++;
    throw new TemplateExecError(
      `template: ${this.t.name}:${line}:${col}: executing ${quote(this.name)} at <${nodeString(n)}>: ${msg}`);
  }

  // --- variables ----------------------------------------------------------------------------

  private setVar(name: string, value: unknown): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i].name === name) {
        this.vars[i].value = value;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }
  private varValue(name: string): unknown {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i].name === name) return this.vars[i].value;
    }
    this.errorf(`undefined variable: ${name}`);
  }

  // --- statements ---------------------------------------------------------------------------

  walk(dot: unknown, node: Node): void {
    this.at(node);
    switch (node.kind) {
      case 'action': {
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.print(node, val);
        return;
      }
      case 'break': throw BREAK;
      case 'continue': throw CONTINUE;
      case 'if':
      case 'with': return this.walkIfOrWith(dot, node);
      case 'range': return this.walkRange(dot, node);
      case 'list':
        for (const n of node.nodes) this.walk(dot, n);
        return;
      case 'template': return this.walkTemplate(dot, node);
      case 'text':
        this.out.push(node.text);
        return;
      default:
        this.errorf(`unknown node: ${nodeString(node)}`);
    }
  }

  private print(node: Node, v: unknown): void {
    this.at(node);
    if (kindOf(v) === 'func') this.errorf(`can't print ${nodeString(node)} of type ${goTypeName(v)}`);
    this.out.push(printValue(v));
  }

  private walkIfOrWith(dot: unknown, node: BranchNode): void {
    const mark = this.vars.length;
    try {
      const val = this.evalPipeline(dot, node.pipe);
      if (isTrue(val)) this.walk(node.kind === 'with' ? val : dot, node.list);
      else if (node.elseList) this.walk(dot, node.elseList);
    } finally {
      this.vars.length = mark;
    }
  }

  private walkRange(dot: unknown, r: BranchNode): void {
    this.at(r);
    const outer = this.vars.length;
    try {
      const val = this.evalPipeline(dot, r.pipe);
      const mark = this.vars.length;
      const { decl, isAssign } = r.pipe;
      const one = (index: unknown, elem: unknown): void => {
        if (decl.length > 0) {
          if (isAssign) this.setVar(decl[0].ident[0], decl.length > 1 ? index : elem);
          else this.vars[this.vars.length - 1].value = elem;
        }
        if (decl.length > 1) {
          if (isAssign) this.setVar(decl[1].ident[0], elem);
          else this.vars[this.vars.length - 2].value = index;
        }
        try {
          this.walk(elem, r.list);
        } catch (e) {
          if (e !== CONTINUE) throw e;
        } finally {
          this.vars.length = mark;
        }
      };
      try {
        if (this.iterate(val, decl.length, one)) return;
      } catch (e) {
        if (e === BREAK) return;
        throw e;
      }
      if (r.elseList) this.walk(dot, r.elseList);
    } finally {
      this.vars.length = outer;
    }
  }

  /** Runs one() per element; false when there was nothing to iterate (so {{else}} runs). */
  private iterate(val: unknown, nvars: number, one: (i: unknown, e: unknown) => void): boolean {
    switch (kindOf(val)) {
      case 'slice': {
        const a = val as unknown[];
        a.forEach((e, i) => one(i, e));
        return a.length > 0;
      }
      case 'map': {
        const m = val as Record<string, unknown>;
        const keys = sortedKeys(m);
        for (const k of keys) one(k, m[k]);
        return keys.length > 0;
      }
      case 'int': {
        // Go 1.22 added ranging over an integer.
        if (nvars > 1) this.errorf(`can't use ${formatArg(val, 'v')} to iterate over more than one variable`);
        const n = Number(val);
        for (let i = 0; i < n; i++) one(i, i);
        return n > 0;
      }
      case 'invalid':
        return false;
      default:
        this.errorf(`range can't iterate over ${formatArg(val, 'v')}`);
    }
  }

  private walkTemplate(dot: unknown, t: TemplateNode): void {
    this.at(t);
    const tmpl = this.t.defs.get(t.name);
    if (!tmpl) this.errorf(`template ${quote(t.name)} not defined`);
    if (this.depth >= MAX_DEPTH) this.errorf(`exceeded maximum template depth (${MAX_DEPTH})`);
    const newDot = t.pipe ? this.evalPipeline(dot, t.pipe) : undefined;
    const saved = { vars: this.vars, name: this.name };
    this.vars = [{ name: '$', value: newDot }];
    this.name = t.name;
    this.depth++;
    try {
      this.walk(newDot, tmpl as ListNode);
    } finally {
      this.depth--;
      this.vars = saved.vars;
      this.name = saved.name;
    }
  }

  // --- pipelines and commands -----------------------------------------------------------------

  private evalPipeline(dot: unknown, pipe: PipeNode): unknown {
    this.at(pipe);
    let value: unknown = MISSING;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value);
      // A nil interface{} result is no value at all (Go's "lovely!" unwrapping).
      if (value === null) value = undefined;
    }
    for (const v of pipe.decl) {
      if (pipe.isAssign) this.setVar(v.ident[0], value);
      else this.vars.push({ name: v.ident[0], value });
    }
    return value;
  }

  private evalCommand(dot: unknown, cmd: CommandNode, final: Final): unknown {
    const first = cmd.args[0];
    const args = cmd.args.slice(1);
    switch (first.kind) {
      case 'field': return this.evalFieldNode(dot, first, args, final);
      case 'chain': return this.evalChainNode(dot, first, args, final);
      case 'identifier': return this.evalFunction(dot, first, cmd, args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable': return this.evalVariableNode(dot, first, args, final);
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.kind) {
      case 'bool': return first.value;
      case 'dot': return dot;
      case 'nil': this.errorf('nil is not a command');
      case 'number': return this.idealConstant(first);
      case 'string': return first.text;
    }
  }

  private notAFunction(args: Operand[], final: Final): void {
    if (args.length > 1 || final !== MISSING) {
      this.errorf(`can't give argument to non-function ${nodeString(args[0])}`);
    }
  }

  /** An untyped number literal: float64 when written like one, else int. */
  private idealConstant(n: NumberNode): unknown {
    this.at(n);
    const isHexInt = /^0[xX]/.test(n.text) && !/[pP]/.test(n.text);
    if (n.isFloat && !isHexInt && !n.text.startsWith("'") && /[.eEpP]/.test(n.text)) {
      const f = n.float!;
      return Number.isInteger(f) ? new GoFloat(f) : f;
    }
    if (n.isInt) {
      const i = n.int!;
      return i >= BigInt(Number.MIN_SAFE_INTEGER) && i <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(i) : i;
    }
    this.errorf(`${n.text} overflows int`);
  }

  private evalFieldNode(dot: unknown, field: FieldNode, args: Operand[], final: Final): unknown {
    this.at(field);
    return this.evalFieldChain(dot, dot, field, field.ident, args, final);
  }

  private evalChainNode(dot: unknown, chain: ChainNode, args: Operand[], final: Final): unknown {
    this.at(chain);
    if (chain.node.kind === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArg(dot, undefined, chain.node);
    return this.evalFieldChain(dot, pipe, chain, chain.field, args, final);
  }

  private evalVariableNode(dot: unknown, v: VariableNode, args: Operand[], final: Final): unknown {
    this.at(v);
    const value = this.varValue(v.ident[0]);
    if (v.ident.length === 1) {
      this.notAFunction([v, ...args], final);
      return value;
    }
    return this.evalFieldChain(dot, value, v, v.ident.slice(1), args, final);
  }

  private evalFieldChain(
    dot: unknown, receiver: unknown, node: Node, ident: string[], args: Operand[], final: Final,
  ): unknown {
    let viaMap = false;
    for (let i = 0; i < ident.length - 1; i++) {
      const k = kindOf(receiver);
      receiver = this.evalField(dot, ident[i], node, [], MISSING, receiver, viaMap);
      viaMap = k === 'map';
    }
    return this.evalField(dot, ident[ident.length - 1], node, args, final, receiver, viaMap);
  }

  /**
   * .Name on a value: a method, a struct field or a map key. viaMap says the receiver came out of
   * a map, where Go holds it as interface{} (which is the type its errors name).
   */
  private evalField(
    dot: unknown, name: string, node: Node, args: Operand[], final: Final, receiver: unknown,
    viaMap: boolean,
  ): unknown {
    if (receiver === undefined) {
      if (this.opts.missingKeyError) this.errorf(`nil data; no entry for key ${quote(name)}`);
      return undefined;
    }
    if (receiver === null) this.errorf(`nil pointer evaluating interface {}.${name}`);
    const kind = kindOf(receiver);
    if (kind === 'map' || kind === 'struct') {
      const method = methodOf(receiver as object, name);
      if (method) {
        const n = method.length;
        const f: GoFunc = n === 0
          ? { params: [], variadic: 'any', fn: method } : { params: Array(n).fill('any'), fn: method };
        return this.evalCall(dot, f, node, name, args, final);
      }
    }
    const hasArgs = args.length > 0 || final !== MISSING;
    const own = kind === 'map' || kind === 'struct'
      ? Object.prototype.hasOwnProperty.call(receiver, name) : false;
    if (kind === 'struct' && own) {
      if (hasArgs) this.errorf(`${name} has arguments but cannot be invoked as function`);
      return ownField(receiver as object, name);
    }
    if (kind === 'map') {
      if (hasArgs) this.errorf(`${name} is not a method but has arguments`);
      const v = ownField(receiver as object, name);
      if (v === undefined && this.opts.missingKeyError) this.errorf(`map has no entry for key ${quote(name)}`);
      return v;
    }
    this.errorf(`can't evaluate field ${name} in type ${viaMap ? 'interface {}' : goTypeName(receiver)}`);
  }

  private evalFunction(
    dot: unknown, node: IdentifierNode, cmd: Node, args: Operand[], final: Final,
  ): unknown {
    this.at(node);
    const f = this.opts.funcs[node.name];
    if (!f || !Object.prototype.hasOwnProperty.call(this.opts.funcs, node.name)) {
      this.errorf(`${quote(node.name)} is not a defined function`);
    }
    return this.evalCall(dot, f, cmd, node.name, args, final);
  }

  private evalCall(
    dot: unknown, f: GoFunc, node: Node, name: string, args: Operand[], final: Final,
  ): unknown {
    const numIn = args.length + (final !== MISSING ? 1 : 0);
    let numFixed = args.length;
    if (f.variadic) {
      numFixed = f.params.length;
      if (numIn < numFixed) {
        this.errorf(`wrong number of args for ${name}: want at least ${f.params.length} got ${args.length}`);
      }
    } else if (numIn !== f.params.length) {
      this.errorf(`wrong number of args for ${name}: want ${f.params.length} got ${numIn}`);
    }
    if (f.special === 'and' || f.special === 'or') {
      let v: unknown;
      for (const a of args) {
        v = this.evalArg(dot, 'value', a);
        if (isTrue(v) === (f.special === 'or')) return v;
      }
      if (final !== MISSING) v = this.validateType(final, 'value');
      return v;
    }
    const argv: unknown[] = [];
    let i = 0;
    for (; i < numFixed && i < args.length; i++) argv.push(this.evalArg(dot, f.params[i], args[i]));
    for (; i < args.length; i++) argv.push(this.evalArg(dot, f.variadic!, args[i]));
    if (final !== MISSING) {
      const t = f.variadic && numIn - 1 >= numFixed ? f.variadic : f.params[numIn - 1];
      argv.push(this.validateType(final, t));
    }
    try {
      if (f.special === 'call') return this.callValue(args[0], argv);
      return f.fn(...argv);
    } catch (e) {
      if (e instanceof TemplateExecError || e === BREAK || e === CONTINUE) throw e;
      this.at(node);
      this.errorf(`error calling ${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** The call builtin: {{call .Fn arg...}} invokes a function value. */
  private callValue(fnNode: Operand, argv: unknown[]): unknown {
    const [target, ...rest] = argv;
    if (target === undefined || target === null) throw new Error('call of nil');
    if (typeof target !== 'function') {
      throw new Error(`non-function ${nodeString(fnNode)} of type ${goTypeName(target)}`);
    }
    return (target as (...a: unknown[]) => unknown)(...rest);
  }

  private evalArg(dot: unknown, typ: ArgType | undefined, n: Operand): unknown {
    this.at(n);
    switch (n.kind) {
      case 'dot': return this.validateType(dot, typ);
      case 'nil':
        if (typ === undefined || typ === 'any') return null;
        if (typ === 'value') return undefined;
        if (typ === 'strings') return [];
        this.errorf(`cannot assign nil to ${goArgType(typ)}`);
      case 'field': return this.validateType(this.evalFieldNode(dot, n, [], MISSING), typ);
      case 'variable': return this.validateType(this.evalVariableNode(dot, n, [], MISSING), typ);
      case 'pipe': return this.validateType(this.evalPipeline(dot, n), typ);
      case 'identifier': return this.validateType(this.evalFunction(dot, n, n, [], MISSING), typ);
      case 'chain': return this.validateType(this.evalChainNode(dot, n, [], MISSING), typ);
    }
    switch (typ) {
      case 'bool':
        if (n.kind === 'bool') return n.value;
        this.errorf(`expected bool; found ${nodeString(n)}`);
      case 'float':
        if (n.kind === 'number' && n.isFloat) return n.float;
        this.errorf(`expected float; found ${nodeString(n)}`);
      case 'int':
        if (n.kind === 'number' && n.isInt) return Number(n.int);
        this.errorf(`expected integer; found ${nodeString(n)}`);
      case 'string':
        if (n.kind === 'string') return n.text;
        this.errorf(`expected string; found ${nodeString(n)}`);
      case 'strings':
        this.errorf(`can't handle ${nodeString(n)} for arg of type []string`);
    }
    // interface{} and reflect.Value parameters take literals as they are.
    switch (n.kind) {
      case 'bool': return n.value;
      case 'number': return this.idealConstant(n);
      case 'string': return n.text;
    }
  }

  /** Checks a computed value against a parameter type, as Go's validateType does. */
  private validateType(value: unknown, typ: ArgType | undefined): unknown {
    if (typ === undefined) return value;
    if (value === undefined) {
      if (typ === 'any') return null;
      if (typ === 'value') return undefined;
      if (typ === 'strings') return [];
      this.errorf(`invalid value; expected ${goArgType(typ)}`);
    }
    if (typ === 'any' || typ === 'value') return value;
    const k = kindOf(value);
    const ok = (typ === 'string' && k === 'string')
      || (typ === 'int' && k === 'int')
      || (typ === 'float' && k === 'float')
      || (typ === 'bool' && k === 'bool')
      || (typ === 'strings' && (isStringSlice(value)));
    if (!ok) {
      const got = value === null ? 'interface {}' : goTypeName(value);
      this.errorf(`wrong type for value; expected ${goArgType(typ)}; got ${got}`);
    }
    if (typ === 'int') return Number(value);
    if (typ === 'float') return value instanceof GoFloat ? value.value : value;
    return value;
  }
}

function goArgType(t: ArgType): string {
  switch (t) {
    case 'strings': return '[]string';
    case 'float': return 'float64';
    case 'any': return 'interface {}';
    case 'value': return 'reflect.Value';
    default: return t;
  }
}
