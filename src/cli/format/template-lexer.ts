// The lexer of Go's text/template (https://pkg.go.dev/text/template), reimplemented so that the
// token stream, and therefore every parse error message, matches Go's: docker prints Go's
// messages verbatim ("template: :1: unexpected \"}\" in operand").

import { quote, runeName } from './go-quote.js';

export enum T {
  Error, Bool, Char, CharConstant, Comment, Complex, Assign, Declare, EOF, Field, Identifier,
  LeftDelim, LeftParen, Number, Pipe, RawString, RightDelim, RightParen, Space, String, Text,
  Variable,
  // Keywords: printed as <word> in error messages. Go lists '.' and nil among them.
  Keyword, Block, Break, Continue, Dot, Define, Else, End, If, Nil, Range, Template, With,
}

export interface Token {
  type: T;
  val: string;
  /** Offset in the source (UTF-16 units; converted to bytes only for error positions). */
  pos: number;
  line: number;
}

const KEYWORDS: Record<string, T> = {
  '.': T.Dot, block: T.Block, break: T.Break, continue: T.Continue, define: T.Define,
  else: T.Else, end: T.End, if: T.If, range: T.Range, nil: T.Nil, template: T.Template,
  with: T.With,
};

/** How Go's item.String() shows a token inside "unexpected %s in %s". */
export function tokenString(t: Token): string {
  if (t.type === T.EOF) return 'EOF';
  if (t.type === T.Error) return t.val;
  if (t.type > T.Keyword) return `<${t.val}>`;
  const runes = [...t.val];
  if (runes.length > 10) return quote(runes.slice(0, 10).join('')) + '...';
  return quote(t.val);
}

const isSpace = (c: string | undefined): boolean =>
  c === ' ' || c === '\t' || c === '\r' || c === '\n';
const ALNUM = /^[\p{L}\p{Nd}_]$/u;
const isAlphaNumeric = (c: string | undefined): boolean => c !== undefined && ALNUM.test(c);

const LEFT = '{{';
const RIGHT = '}}';

/** Tokenises the whole source; the stream ends with EOF or with the first Error token. */
export function lex(input: string): Token[] {
  const out: Token[] = [];
  let pos = 0;
  let start = 0;
  let line = 1;
  let startLine = 1;
  let parenDepth = 0;

  const peek = (): string | undefined => (pos < input.length ? codePointAt(pos) : undefined);
  const codePointAt = (i: number): string => String.fromCodePoint(input.codePointAt(i)!);
  const next = (): string | undefined => {
    if (pos >= input.length) return undefined;
    const c = codePointAt(pos);
    pos += c.length;
    if (c === '\n') line++;
    return c;
  };
  const backup = (c: string | undefined): void => {
    if (c === undefined) return;
    pos -= c.length;
    if (c === '\n') line--;
  };
  const emit = (type: T, val = input.slice(start, pos)): void => {
    out.push({ type, val, pos: start, line: startLine });
    start = pos;
    startLine = line;
  };
  const ignore = (): void => {
    line += countNewlines(input.slice(start, pos));
    start = pos;
    startLine = line;
  };
  const fail = (msg: string): false => {
    out.push({ type: T.Error, val: msg, pos: start, line: startLine });
    return false;
  };
  const hasLeftTrim = (i: number): boolean => input[i] === '-' && isSpace(input[i + 1]);
  const atRightDelim = (): { delim: boolean; trim: boolean } => {
    if (isSpace(input[pos]) && input[pos + 1] === '-' && input.startsWith(RIGHT, pos + 2)) {
      return { delim: true, trim: true };
    }
    return { delim: input.startsWith(RIGHT, pos), trim: false };
  };
  const atTerminator = (): boolean => {
    const c = peek();
    if (c === undefined || isSpace(c) || '.,|:()'.includes(c)) return true;
    return input.startsWith(RIGHT, pos);
  };
  // Skips the whitespace after a trim-marked right delimiter.
  const skipTrailingSpace = (): void => {
    while (isSpace(input[pos])) pos++;
    ignore();
  };

  /** Text up to the next action; returns false at EOF (after emitting EOF). */
  const lexText = (): boolean => {
    const x = input.indexOf(LEFT, pos);
    if (x < 0) {
      pos = input.length;
      if (pos > start) {
        line += countNewlines(input.slice(start, pos));
        emit(T.Text);
      }
      emit(T.EOF);
      return false;
    }
    if (x > pos) {
      pos = x;
      let end = pos;
      if (hasLeftTrim(pos + LEFT.length)) {
        while (end > start && isSpace(input[end - 1])) end--;
      }
      const text = input.slice(start, end);
      line += countNewlines(text);
      if (text.length > 0) out.push({ type: T.Text, val: text, pos: start, line: startLine });
      start = end;
      startLine = line;
      ignore(); // the trimmed whitespace still counts for line numbers
    }
    return lexLeftDelim();
  };

  const lexLeftDelim = (): boolean => {
    pos += LEFT.length;
    const trim = hasLeftTrim(pos);
    const after = trim ? 2 : 0;
    if (input.startsWith('/*', pos + after)) {
      pos += after;
      ignore();
      return lexComment();
    }
    emit(T.LeftDelim);
    pos += after;
    ignore();
    parenDepth = 0;
    return lexInsideAction();
  };

  const lexComment = (): boolean => {
    pos += 2;
    const x = input.indexOf('*/', pos);
    if (x < 0) return fail('unclosed comment');
    pos = x + 2;
    const { delim, trim } = atRightDelim();
    if (!delim) return fail('comment ends before closing delimiter');
    pos += (trim ? 2 : 0) + RIGHT.length;
    ignore();
    if (trim) skipTrailingSpace();
    return true;
  };

  const lexRightDelim = (trim: boolean): boolean => {
    if (trim) {
      pos += 2;
      ignore();
    }
    pos += RIGHT.length;
    emit(T.RightDelim);
    if (trim) skipTrailingSpace();
    return true;
  };

  /** One token inside an action; returns true when the action is closed. */
  const lexInsideAction = (): boolean => {
    for (;;) {
      const { delim, trim } = atRightDelim();
      if (delim) {
        if (parenDepth === 0) return lexRightDelim(trim);
        return fail('unclosed left paren');
      }
      const c = next();
      if (c === undefined) return fail('unclosed action');
      if (isSpace(c)) {
        backup(c);
        lexSpace();
      } else if (c === '=') {
        emit(T.Assign);
      } else if (c === ':') {
        if (next() !== '=') return fail('expected :=');
        emit(T.Declare);
      } else if (c === '|') {
        emit(T.Pipe);
      } else if (c === '"') {
        if (!lexQuote('"', 'unterminated quoted string', T.String)) return false;
      } else if (c === '`') {
        const x = input.indexOf('`', pos);
        if (x < 0) return fail('unterminated raw quoted string');
        line += countNewlines(input.slice(pos, x));
        pos = x + 1;
        emit(T.RawString);
      } else if (c === '$') {
        if (!lexFieldOrVariable(T.Variable)) return false;
      } else if (c === "'") {
        if (!lexQuote("'", 'unterminated character constant', T.CharConstant)) return false;
      } else if (c === '.' && pos < input.length && !(input[pos] >= '0' && input[pos] <= '9')) {
        if (!lexFieldOrVariable(T.Field)) return false;
      } else if (c === '.' || c === '+' || c === '-' || (c >= '0' && c <= '9')) {
        backup(c);
        if (!lexNumber()) return false;
      } else if (isAlphaNumeric(c)) {
        backup(c);
        if (!lexIdentifier()) return false;
      } else if (c === '(') {
        emit(T.LeftParen);
        parenDepth++;
      } else if (c === ')') {
        parenDepth--;
        if (parenDepth < 0) return fail('unexpected right paren');
        emit(T.RightParen);
      } else if (c.codePointAt(0)! <= 0x7f && c >= ' ' && c !== '\x7f') {
        emit(T.Char);
      } else {
        return fail(`unrecognized character in action: ${runeName(c.codePointAt(0)!)}`);
      }
    }
  };

  const lexSpace = (): void => {
    let n = 0;
    while (isSpace(peek())) {
      next();
      n++;
    }
    // A space followed by "-}}" belongs to the trim marker of the closing delimiter.
    if (input[pos] === '-' && input.startsWith(RIGHT, pos + 1)) {
      backup(input[pos - 1]);
      if (n === 1) return; // that space was the only one: nothing to emit
    }
    emit(T.Space);
  };

  const lexQuote = (q: string, unterminated: string, type: T): boolean => {
    for (;;) {
      let c = next();
      if (c === '\\') {
        c = next();
        if (c !== undefined && c !== '\n') continue;
        return fail(unterminated);
      }
      if (c === undefined || c === '\n') return fail(unterminated);
      if (c === q) break;
    }
    emit(type);
    return true;
  };

  const lexFieldOrVariable = (type: T.Field | T.Variable): boolean => {
    if (atTerminator()) {
      emit(type === T.Variable ? T.Variable : T.Dot);
      return true;
    }
    let c: string | undefined;
    for (;;) {
      c = next();
      if (!isAlphaNumeric(c)) {
        backup(c);
        break;
      }
    }
    if (!atTerminator()) return fail(`bad character ${runeName(c!.codePointAt(0)!)}`);
    emit(type);
    return true;
  };

  const lexIdentifier = (): boolean => {
    let c: string | undefined;
    do c = next(); while (isAlphaNumeric(c));
    backup(c);
    if (!atTerminator()) return fail(`bad character ${runeName(c!.codePointAt(0)!)}`);
    const word = input.slice(start, pos);
    const kw = KEYWORDS[word];
    if (kw !== undefined && Object.prototype.hasOwnProperty.call(KEYWORDS, word)) emit(kw);
    else if (word === 'true' || word === 'false') emit(T.Bool);
    else emit(T.Identifier);
    return true;
  };

  const accept = (valid: string): boolean => {
    const c = input[pos];
    if (c !== undefined && valid.includes(c)) {
      pos++;
      return true;
    }
    return false;
  };
  const acceptRun = (valid: string): void => {
    while (accept(valid));
  };
  const scanNumber = (): boolean => {
    accept('+-');
    let digits = '0123456789_';
    if (accept('0')) {
      if (accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (accept('oO')) digits = '01234567_';
      else if (accept('bB')) digits = '01_';
    }
    acceptRun(digits);
    if (accept('.')) acceptRun(digits);
    if (digits.length === 11 && accept('eE')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    if (digits.length === 23 && accept('pP')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    accept('i');
    if (isAlphaNumeric(peek())) {
      next();
      return false;
    }
    return true;
  };
  const lexNumber = (): boolean => {
    if (!scanNumber()) return fail(`bad number syntax: ${quote(input.slice(start, pos))}`);
    const sign = input[pos];
    if (sign === '+' || sign === '-') {
      if (!scanNumber() || input[pos - 1] !== 'i') {
        return fail(`bad number syntax: ${quote(input.slice(start, pos))}`);
      }
      emit(T.Complex);
    } else {
      emit(T.Number);
    }
    return true;
  };

  while (lexText());
  return out;
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}
