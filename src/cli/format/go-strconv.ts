// The parts of Go's strconv that decide what a template literal or a CLI size means:
// ParseInt/ParseUint with base 0 (0x, 0o, 0b, leading-0 octal, digit underscores), ParseFloat
// (decimal and hex, underscores) and Unquote. Results mirror Go's, including what is rejected.

export class NumError extends Error {
  constructor(fn: string, input: string, readonly reason: 'invalid syntax' | 'value out of range') {
    super(`strconv.${fn}: parsing ${JSON.stringify(input)}: ${reason}`);
  }
}

/** strconv's underscoreOK: '_' only between digits (or after a base prefix). */
function underscoreOK(s: string): boolean {
  let saw = '^';
  let i = 0;
  if (s[0] === '-' || s[0] === '+') s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'bBoOxX'.includes(s[1])) {
    i = 2;
    saw = '0';
    hex = s[1] === 'x' || s[1] === 'X';
  }
  for (; i < s.length; i++) {
    const c = s[i];
    if ((c >= '0' && c <= '9') || (hex && /[a-fA-F]/.test(c))) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

const DIGITS: Record<number, RegExp> = {
  2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/,
};

/** ParseUint(s, 0, 64) without the sign; undefined when the syntax is wrong. */
function parseUnsigned(s: string): bigint | undefined {
  let base = 10;
  let body = s;
  if (s[0] === '0' && s.length > 1) {
    const p = s[1].toLowerCase();
    if (p === 'x') { base = 16; body = s.slice(2); }
    else if (p === 'o') { base = 8; body = s.slice(2); }
    else if (p === 'b') { base = 2; body = s.slice(2); }
    else { base = 8; body = s.slice(1); }
  }
  if (body.includes('_')) {
    if (!underscoreOK(s)) return undefined;
    body = body.replace(/_/g, '');
  }
  if (!DIGITS[base].test(body)) return undefined;
  const prefix = base === 16 ? '0x' : base === 8 ? '0o' : base === 2 ? '0b' : '';
  return BigInt(prefix + body);
}

const UINT64_MAX = (1n << 64n) - 1n;
const INT64_MAX = (1n << 63n) - 1n;

/** strconv.ParseUint(s, 0, 64). */
export function parseUint(s: string): bigint | NumError {
  const v = s.startsWith('+') || s.startsWith('-') ? undefined : parseUnsigned(s);
  if (v === undefined) return new NumError('ParseUint', s, 'invalid syntax');
  return v > UINT64_MAX ? new NumError('ParseUint', s, 'value out of range') : v;
}

/** strconv.ParseInt(s, 0, 64). */
export function parseInt64(s: string): bigint | NumError {
  const neg = s[0] === '-';
  const body = s[0] === '-' || s[0] === '+' ? s.slice(1) : s;
  const u = parseUnsigned(body);
  if (u === undefined || body === '') return new NumError('ParseInt', s, 'invalid syntax');
  const v = neg ? -u : u;
  if (v > INT64_MAX || v < -INT64_MAX - 1n) return new NumError('ParseInt', s, 'value out of range');
  return v;
}

const DEC_FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX_FLOAT = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/;
const SPECIAL = /^([+-]?)(inf|infinity|nan)$/i;

/** strconv.ParseFloat(s, 64): decimal, hex (with p exponent), Inf, NaN. */
export function parseFloat64(s: string): number | NumError {
  const special = SPECIAL.exec(s);
  if (special) {
    if (special[2].toLowerCase() === 'nan') return NaN;
    return special[1] === '-' ? -Infinity : Infinity;
  }
  let body = s;
  if (body.includes('_')) {
    if (!underscoreOK(body)) return new NumError('ParseFloat', s, 'invalid syntax');
    body = body.replace(/_/g, '');
  }
  let v: number;
  const hex = HEX_FLOAT.exec(body);
  if (hex) {
    const [, sign, int, frac = '', exp] = hex;
    if (int === '' && frac === '') return new NumError('ParseFloat', s, 'invalid syntax');
    const mant = BigInt('0x' + (int + frac || '0'));
    v = Number(mant) * 2 ** (Number(exp) - 4 * frac.length);
    if (sign === '-') v = -v;
  } else if (DEC_FLOAT.test(body)) {
    v = Number(body);
  } else {
    return new NumError('ParseFloat', s, 'invalid syntax');
  }
  if (!Number.isFinite(v)) return new NumError('ParseFloat', s, 'value out of range');
  return v;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\',
};

/**
 * strconv.UnquoteChar: decodes one character or escape at s[i] inside a literal quoted with q.
 * Returns the decoded text and the next index, or undefined on invalid syntax.
 */
export function unquoteChar(s: string, i: number, q: string): { ch: string; next: number } | undefined {
  const c = s[i];
  if (c === undefined) return undefined;
  if (c === q && (q === "'" || q === '"')) return undefined;
  if (c !== '\\') {
    const cp = s.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    return { ch, next: i + ch.length };
  }
  const e = s[i + 1];
  if (e === undefined) return undefined;
  if (e in SIMPLE_ESCAPES) return { ch: SIMPLE_ESCAPES[e], next: i + 2 };
  if (e === "'" || e === '"') return e === q ? { ch: e, next: i + 2 } : undefined;
  const width = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
  if (width > 0) {
    const hex = s.slice(i + 2, i + 2 + width);
    if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width) return undefined;
    const v = parseInt(hex, 16);
    if (e === 'x') {
      // \xNN is a raw byte in Go; bytes above 0x7f cannot stand alone in a JS string.
      return v < 0x80 ? { ch: String.fromCharCode(v), next: i + 4 } : { ch: '\ufffd', next: i + 4 };
    }
    if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000)) return undefined;
    return { ch: String.fromCodePoint(v), next: i + 2 + width };
  }
  if (e >= '0' && e <= '7') {
    const oct = s.slice(i + 1, i + 4);
    if (!/^[0-7]{3}$/.test(oct)) return undefined;
    const v = parseInt(oct, 8);
    if (v > 255) return undefined;
    return { ch: v < 0x80 ? String.fromCharCode(v) : '\ufffd', next: i + 4 };
  }
  return undefined;
}

/** strconv.Unquote for "…", `…` and '…' literals; undefined means "invalid syntax". */
export function unquote(s: string): string | undefined {
  const q = s[0];
  if (s.length < 2 || s[s.length - 1] !== q) return undefined;
  const body = s.slice(1, -1);
  if (q === '`') return body.includes('`') ? undefined : body.replace(/\r/g, '');
  if (q !== '"' && q !== "'") return undefined;
  let out = '';
  for (let i = 0; i < body.length;) {
    if (body[i] === '\n') return undefined;
    const r = unquoteChar(body, i, q);
    if (!r) return undefined;
    out += r.ch;
    i = r.next;
    if (q === "'" && i < body.length) return undefined; // exactly one character
  }
  if (q === "'" && out.length === 0) return undefined;
  return out;
}
