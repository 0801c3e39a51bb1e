// The parser of Go's text/template/parse, following its grammar, its checks (undefined functions
// and variables, {{break}} outside {{range}}, ...) and its error texts, so a bad --format fails
// with the same message docker gives.

import type {
  ActionNode, BranchNode, ChainNode, CommandNode, EndOrElseNode, ListNode, Node, NumberNode,
  Operand, PipeNode, TemplateNode, VariableNode,
} from './template-ast.js';
import { nodeString } from './template-ast.js';
import { lex, T, tokenString, type Token } from './template-lexer.js';
import { NumError, parseFloat64, parseInt64, parseUint, unquote, unquoteChar } from './go-strconv.js';
import { quote } from './go-quote.js';

export interface ParsedTemplate {
  name: string;
  root: ListNode;
  /** Templates made by {{define}} and {{block}}, by name. */
  defs: Map<string, ListNode>;
  /** The source, for turning node offsets into Go's byte columns in execution errors. */
  source: string;
}

class ParseError extends Error {}

export function parseTemplate(
  source: string, name: string, hasFunction: (n: string) => boolean,
): ParsedTemplate {
  const defs = new Map<string, ListNode>();
  const root = new Parser(source, name, hasFunction, defs).parse();
  return { name, root, defs, source };
}

class Parser {
  private toks: Token[];
  private i = 0;
  private hi = 0;
  private vars: string[] = ['$'];
  private rangeDepth = 0;
  private actionLine = 0;

  constructor(
    source: string,
    private readonly name: string,
    private readonly hasFunction: (n: string) => boolean,
    private readonly defs: Map<string, ListNode>,
  ) {
    this.toks = lex(source);
  }

  // --- token stream -------------------------------------------------------------------------

  private next(): Token {
    const t = this.toks[Math.min(this.i, this.toks.length - 1)];
    this.i = Math.min(this.i + 1, this.toks.length);
    this.hi = Math.max(this.hi, this.i - 1);
    return t;
  }
  private backup(to?: number): void {
    this.i = to ?? this.i - 1;
  }
  private peek(): Token {
    const t = this.next();
    this.backup();
    return t;
  }
  private nextNonSpace(): Token {
    let t: Token;
    do t = this.next(); while (t.type === T.Space);
    return t;
  }
  private peekNonSpace(): Token {
    const t = this.nextNonSpace();
    this.backup();
    return t;
  }

  // --- errors -------------------------------------------------------------------------------

  /** Go reports the line of the furthest token read so far. */
  private errorf(msg: string): never {
    const line = this.toks[Math.min(this.hi, this.toks.length - 1)].line;
    throw new ParseError(`template: ${this.name}:${line}: ${msg}`);
  }
  private unexpected(t: Token, context: string): never {
    if (t.type === T.Error) {
      let extra = '';
      if (this.actionLine !== 0 && this.actionLine !== t.line) {
        extra = ` in action started at ${this.name}:${this.actionLine}`;
        if (t.val.endsWith(' action')) extra = extra.slice(' in action'.length);
      }
      this.errorf(t.val + extra);
    }
    this.errorf(`unexpected ${tokenString(t)} in ${context}`);
  }
  private expect(type: T, context: string): Token {
    const t = this.nextNonSpace();
    if (t.type !== type) this.unexpected(t, context);
    return t;
  }

  // --- structure ----------------------------------------------------------------------------

  parse(): ListNode {
    const root: ListNode = { kind: 'list', nodes: [], pos: this.peek().pos, line: this.peek().line };
    while (this.peek().type !== T.EOF) {
      if (this.peek().type === T.LeftDelim) {
        const at = this.i;
        this.next();
        if (this.nextNonSpace().type === T.Define) {
          this.parseDefinition();
          continue;
        }
        this.backup(at);
      }
      const n = this.textOrAction();
      if (isEndOrElse(n)) this.errorf(`unexpected ${nodeString(n)}`);
      else root.nodes.push(n);
    }
    return root;
  }

  private addDefinition(name: string, list: ListNode): void {
    const existing = this.defs.get(name);
    if (existing === undefined || isEmptyTree(existing)) this.defs.set(name, list);
    else if (!isEmptyTree(list)) this.errorf(`template: multiple definition of template ${quote(name)}`);
  }

  private parseDefinition(): void {
    const context = 'define clause';
    const t = this.nextNonSpace();
    if (t.type !== T.String && t.type !== T.RawString) this.unexpected(t, context);
    const name = this.unquoteOrFail(t.val);
    this.expect(T.RightDelim, context);
    const saved = this.vars;
    this.vars = ['$'];
    const [list, end] = this.itemList();
    this.vars = saved;
    if (end.kind !== 'end') this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    this.addDefinition(name, list);
  }

  private itemList(): [ListNode, EndOrElseNode] {
    const first = this.peekNonSpace();
    const list: ListNode = { kind: 'list', nodes: [], pos: first.pos, line: first.line };
    while (this.peekNonSpace().type !== T.EOF) {
      const n = this.textOrAction();
      if (isEndOrElse(n)) return [list, n];
      else list.nodes.push(n);
    }
    this.errorf('unexpected EOF');
  }

  private textOrAction(): Node | EndOrElseNode {
    const t = this.nextNonSpace();
    if (t.type === T.Text) return { kind: 'text', text: t.val, pos: t.pos, line: t.line };
    if (t.type === T.LeftDelim) {
      this.actionLine = t.line;
      try {
        return this.action();
      } finally {
        this.actionLine = 0;
      }
    }
    this.unexpected(t, 'input');
  }

  private action(): Node | EndOrElseNode {
    const t = this.nextNonSpace();
    switch (t.type) {
      case T.Block: return this.blockControl();
      case T.Break:
      case T.Continue: return this.loopControl(t);
      case T.Else: return this.elseControl();
      case T.End: {
        const e = this.expect(T.RightDelim, 'end');
        return { kind: 'end', pos: e.pos, line: e.line };
      }
      case T.If: return this.branch('if');
      case T.Range: return this.branch('range');
      case T.With: return this.branch('with');
      case T.Template: return this.templateControl();
    }
    this.backup();
    const first = this.peek();
    const pipe = this.pipeline('command', T.RightDelim);
    const node: ActionNode = { kind: 'action', pipe, pos: first.pos, line: first.line };
    return node;
  }

  private loopControl(t: Token): Node {
    const word = t.type === T.Break ? 'break' : 'continue';
    const n = this.nextNonSpace();
    if (n.type !== T.RightDelim) this.unexpected(n, `{{${word}}}`);
    if (this.rangeDepth === 0) this.errorf(`{{${word}}} outside {{range}}`);
    return { kind: word, pos: t.pos, line: t.line };
  }

  private elseControl(): EndOrElseNode {
    const p = this.peekNonSpace();
    // "{{else if ...}}" and "{{else with ...}}" act as "{{else}}{{if ...}}...{{end}}".
    if (p.type === T.If || p.type === T.With) return { kind: 'else', pos: p.pos, line: p.line };
    const t = this.expect(T.RightDelim, 'else');
    return { kind: 'else', pos: t.pos, line: t.line };
  }

  private branch(kind: 'if' | 'range' | 'with'): BranchNode {
    const mark = this.vars.length;
    try {
      const pipe = this.pipeline(kind, T.RightDelim);
      if (kind === 'range') this.rangeDepth++;
      const [list, next] = this.itemList();
      if (kind === 'range') this.rangeDepth--;
      let elseList: ListNode | undefined;
      if (next.kind === 'else') {
        const p = this.peek();
        if ((kind === 'if' && p.type === T.If) || (kind === 'with' && p.type === T.With)) {
          this.next();
          // The chained if/with consumes the single {{end}}.
          elseList = { kind: 'list', nodes: [this.branch(kind)], pos: next.pos, line: next.line };
        } else {
          let end: EndOrElseNode;
          [elseList, end] = this.itemList();
          if (end.kind !== 'end') this.errorf(`expected end; found ${nodeString(end)}`);
        }
      }
      return { kind, pipe, list, elseList, pos: pipe.pos, line: pipe.line };
    } finally {
      this.vars.length = mark;
    }
  }

  private templateName(t: Token, context: string): string {
    if (t.type !== T.String && t.type !== T.RawString) this.unexpected(t, context);
    return this.unquoteOrFail(t.val);
  }

  private templateControl(): TemplateNode {
    const context = 'template clause';
    const t = this.nextNonSpace();
    const name = this.templateName(t, context);
    let pipe: PipeNode | undefined;
    if (this.nextNonSpace().type !== T.RightDelim) {
      this.backup();
      pipe = this.pipeline(context, T.RightDelim);
    }
    return { kind: 'template', name, pipe, pos: t.pos, line: t.line };
  }

  /** {{block "name" pipeline}} T {{end}} defines "name" as T and executes it in place. */
  private blockControl(): TemplateNode {
    const context = 'block clause';
    const t = this.nextNonSpace();
    const name = this.templateName(t, context);
    const pipe = this.pipeline(context, T.RightDelim);
    const saved = this.vars;
    this.vars = ['$'];
    const [list, end] = this.itemList();
    this.vars = saved;
    if (end.kind !== 'end') this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    this.addDefinition(name, list);
    return { kind: 'template', name, pipe, pos: t.pos, line: t.line };
  }

  // --- pipelines ----------------------------------------------------------------------------

  private pipeline(context: string, end: T): PipeNode {
    const first = this.peekNonSpace();
    const pipe: PipeNode = {
      kind: 'pipe', isAssign: false, decl: [], cmds: [], pos: first.pos, line: first.line,
    };
    for (;;) {
      const v = this.peekNonSpace();
      if (v.type !== T.Variable) break;
      const at = this.i;
      this.next();
      const next = this.peekNonSpace();
      if (next.type === T.Assign || next.type === T.Declare) {
        pipe.isAssign = next.type === T.Assign;
        this.nextNonSpace();
        pipe.decl.push(this.variable(v));
        this.vars.push(v.val);
        break;
      }
      if (next.type === T.Char && next.val === ',') {
        this.nextNonSpace();
        pipe.decl.push(this.variable(v));
        this.vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const p = this.peekNonSpace().type;
          if (p === T.Variable || p === T.RightDelim || p === T.RightParen) continue;
          this.errorf('range can only initialize variables');
        }
        this.errorf(`too many declarations in ${context}`);
      }
      this.backup(at); // "$x foo": the variable is an operand, not a declaration
      break;
    }
    for (;;) {
      const t = this.nextNonSpace();
      if (t.type === end) {
        this.checkPipeline(pipe, context);
        return pipe;
      }
      switch (t.type) {
        case T.Bool: case T.CharConstant: case T.Complex: case T.Dot: case T.Field:
        case T.Identifier: case T.Number: case T.Nil: case T.RawString: case T.String:
        case T.Variable: case T.LeftParen:
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(t, context);
      }
    }
  }

  private checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
    pipe.cmds.slice(1).forEach((c, i) => {
      if (['bool', 'dot', 'nil', 'number', 'string'].includes(c.args[0].kind)) {
        this.errorf(`non executable command in pipeline stage ${i + 2}`);
      }
    });
  }

  private command(): CommandNode {
    const first = this.peekNonSpace();
    const cmd: CommandNode = { kind: 'command', args: [], pos: first.pos, line: first.line };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) cmd.args.push(operand);
      const t = this.next();
      if (t.type === T.Space) continue;
      if (t.type === T.RightDelim || t.type === T.RightParen) this.backup();
      else if (t.type !== T.Pipe) this.unexpected(t, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.errorf('empty command');
    return cmd;
  }

  private operand(): Operand | undefined {
    const node = this.term();
    if (!node || this.peek().type !== T.Field) return node;
    const at = this.peek();
    const chain: ChainNode = { kind: 'chain', node, field: [], pos: at.pos, line: at.line };
    while (this.peek().type === T.Field) chain.field.push(this.next().val.slice(1));
    switch (node.kind) {
      case 'field':
        return { kind: 'field', ident: [...node.ident, ...chain.field], pos: chain.pos, line: chain.line };
      case 'variable':
        return { kind: 'variable', ident: [...node.ident, ...chain.field], pos: chain.pos, line: chain.line };
      case 'bool': case 'string': case 'number': case 'nil': case 'dot':
        this.errorf(`unexpected . after term ${quote(nodeString(node))}`);
    }
    return chain;
  }

  private term(): Operand | undefined {
    const t = this.nextNonSpace();
    const at = { pos: t.pos, line: t.line };
    switch (t.type) {
      case T.Identifier:
        if (!this.hasFunction(t.val)) this.errorf(`function ${quote(t.val)} not defined`);
        return { kind: 'identifier', name: t.val, ...at };
      case T.Dot: return { kind: 'dot', ...at };
      case T.Nil: return { kind: 'nil', ...at };
      case T.Variable: return this.useVar(t);
      case T.Field: return { kind: 'field', ident: [t.val.slice(1)], ...at };
      case T.Bool: return { kind: 'bool', value: t.val === 'true', ...at };
      case T.CharConstant: case T.Complex: case T.Number: return this.number(t);
      case T.LeftParen: return this.pipeline('parenthesized pipeline', T.RightParen);
      case T.String: case T.RawString:
        return { kind: 'string', quoted: t.val, text: this.unquoteOrFail(t.val), ...at };
    }
    this.backup();
    return undefined;
  }

  private variable(t: Token): VariableNode {
    return { kind: 'variable', ident: t.val.split('.'), pos: t.pos, line: t.line };
  }

  private useVar(t: Token): VariableNode {
    const v = this.variable(t);
    if (!this.vars.includes(v.ident[0])) this.errorf(`undefined variable ${quote(v.ident[0])}`);
    return v;
  }

  private unquoteOrFail(quoted: string): string {
    const s = unquote(quoted);
    if (s === undefined) this.errorf('invalid syntax');
    return s;
  }

  /** parse.NumberNode: which of int, uint and float the literal can be, as Go decides. */
  private number(t: Token): NumberNode {
    const text = t.val;
    const n: NumberNode = {
      kind: 'number', text, isInt: false, isUint: false, isFloat: false, pos: t.pos, line: t.line,
    };
    if (t.type === T.CharConstant) {
      const c = unquoteChar(text, 1, "'");
      if (!c) this.errorf('invalid syntax');
      if (text.slice(c.next) !== "'") this.errorf(`malformed character constant: ${text}`);
      const r = BigInt(c.ch.codePointAt(0)!);
      return { ...n, isInt: true, isUint: true, isFloat: true, int: r, float: Number(r) };
    }
    if (t.type === T.Complex || text.endsWith('i')) this.errorf(`illegal number syntax: ${quote(text)}`);
    const u = parseUint(text);
    const i = parseInt64(text);
    if (!(i instanceof NumError)) {
      return { ...n, isInt: true, isUint: i >= 0n, isFloat: true, int: i, float: Number(i) };
    }
    if (!(u instanceof NumError)) return { ...n, isUint: true, isFloat: true, int: u, float: Number(u) };
    const f = parseFloat64(text);
    if (!(f instanceof NumError)) {
      if (!/[.eEpP]/.test(text)) this.errorf(`integer overflow: ${quote(text)}`);
      const integral = Number.isInteger(f) && Math.abs(f) < 2 ** 63;
      return { ...n, isFloat: true, float: f, isInt: integral, int: integral ? BigInt(f) : undefined };
    }
    this.errorf(`illegal number syntax: ${quote(text)}`);
  }
}

function isEndOrElse(n: Node | EndOrElseNode): n is EndOrElseNode {
  return n.kind === 'end' || n.kind === 'else';
}

function isEmptyTree(list: ListNode): boolean {
  return list.nodes.every((n) => n.kind === 'text' && n.text.trim() === '');
}
