// Parse tree of a template, shaped like Go's text/template/parse nodes. nodeString() reproduces
// Go's Node.String(), which appears in execution errors: `executing "" at <.State.Foo>: ...`.

import { quote } from './go-quote.js';

export interface Pos {
  /** Offset in the source (UTF-16 units). */
  pos: number;
  line: number;
}

export interface FieldNode extends Pos { kind: 'field'; ident: string[] }
export interface VariableNode extends Pos { kind: 'variable'; ident: string[] }
export interface DotNode extends Pos { kind: 'dot' }
export interface NilNode extends Pos { kind: 'nil' }
export interface BoolNode extends Pos { kind: 'bool'; value: boolean }
export interface StringNode extends Pos { kind: 'string'; quoted: string; text: string }
export interface IdentifierNode extends Pos { kind: 'identifier'; name: string }
export interface ChainNode extends Pos { kind: 'chain'; node: Operand; field: string[] }
export interface NumberNode extends Pos {
  kind: 'number';
  text: string;
  isInt: boolean;
  isUint: boolean;
  isFloat: boolean;
  int?: bigint;
  float?: number;
}

export type Operand =
  | FieldNode | VariableNode | DotNode | NilNode | BoolNode | StringNode | IdentifierNode
  | ChainNode | NumberNode | PipeNode;

export interface CommandNode extends Pos { kind: 'command'; args: Operand[] }
export interface PipeNode extends Pos {
  kind: 'pipe';
  isAssign: boolean;
  decl: VariableNode[];
  cmds: CommandNode[];
}

export interface TextNode extends Pos { kind: 'text'; text: string }
export interface ActionNode extends Pos { kind: 'action'; pipe: PipeNode }
export interface BranchNode extends Pos {
  kind: 'if' | 'range' | 'with';
  pipe: PipeNode;
  list: ListNode;
  elseList?: ListNode;
}
export interface TemplateNode extends Pos { kind: 'template'; name: string; pipe?: PipeNode }
export interface LoopControlNode extends Pos { kind: 'break' | 'continue' }
export interface ListNode extends Pos { kind: 'list'; nodes: Node[] }
/** Returned by the parser for {{end}} and {{else}}; never part of a finished tree. */
export interface EndOrElseNode extends Pos { kind: 'end' | 'else' }

export type Node =
  | TextNode | ActionNode | BranchNode | TemplateNode | LoopControlNode | ListNode | PipeNode
  | CommandNode | Operand;

export function nodeString(n: Node | EndOrElseNode): string {
  switch (n.kind) {
    case 'field': return n.ident.map((i) => '.' + i).join('');
    case 'variable': return n.ident.join('.');
    case 'dot': return '.';
    case 'nil': return 'nil';
    case 'bool': return String(n.value);
    case 'string': return n.quoted;
    case 'number': return n.text;
    case 'identifier': return n.name;
    case 'chain': {
      const head = n.node.kind === 'pipe' ? `(${nodeString(n.node)})` : nodeString(n.node);
      return head + n.field.map((f) => '.' + f).join('');
    }
    case 'command':
      return n.args.map((a) => (a.kind === 'pipe' ? `(${nodeString(a)})` : nodeString(a))).join(' ');
    case 'pipe': {
      let s = '';
      if (n.decl.length > 0) {
        s = n.decl.map((d) => nodeString(d)).join(', ') + (n.isAssign ? ' = ' : ' := ');
      }
      return s + n.cmds.map((c) => nodeString(c)).join(' | ');
    }
    case 'text': return n.text;
    case 'action': return `{{${nodeString(n.pipe)}}}`;
    case 'if':
    case 'range':
    case 'with': {
      let s = `{{${n.kind} ${nodeString(n.pipe)}}}${nodeString(n.list)}`;
      if (n.elseList) s += `{{else}}${nodeString(n.elseList)}`;
      return s + '{{end}}';
    }
    case 'template':
      return `{{template ${quote(n.name)}${n.pipe ? ' ' + nodeString(n.pipe) : ''}}}`;
    case 'break': return '{{break}}';
    case 'continue': return '{{continue}}';
    case 'list': return n.nodes.map((c) => nodeString(c)).join('');
    case 'end': return '{{end}}';
    case 'else': return '{{else}}';
  }
}
