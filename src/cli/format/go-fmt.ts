// Go's fmt package as templates reach it: fmt.Sprint for {{.}} and `print`, fmt.Sprintf for
// `printf`, fmt.Sprintln for `println` (https://pkg.go.dev/fmt). Values follow go-value.ts.
// Output is what Go prints, including the %!verb(type=value) complaints for mismatched verbs.

import { formatFloat } from './go-float.js';
import { quote, quoteRune, canBackquote, isPrint, runeCount } from './go-quote.js';
import { GoFloat, goTypeName, kindOf, numberOf, sortedKeys } from './go-value.js';

interface Flags {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  plusV: boolean;
  sharpV: boolean;
  wid?: number;
  prec?: number;
}

const noFlags = (): Flags => ({
  plus: false, minus: false, sharp: false, space: false, zero: false, plusV: false, sharpV: false,
});

/** Pads to the width in runes; zero padding only to the left, as fmt.pad does. */
function pad(s: string, f: Flags): string {
  if (f.wid === undefined) return s;
  const n = f.wid - runeCount(s);
  if (n <= 0) return s;
  if (f.minus) return s + ' '.repeat(n);
  return (f.zero ? '0' : ' ').repeat(n) + s;
}

function fmtInteger(v: bigint, base: number, verb: string, f: Flags): string {
  const negative = v < 0n;
  const u = negative ? -v : v;
  let prec = 0;
  if (f.prec !== undefined) {
    prec = f.prec;
    // Precision 0 and value 0 print nothing but padding.
    if (prec === 0 && u === 0n) return pad('', { ...f, zero: false });
  } else if (f.zero && !f.minus && f.wid !== undefined) {
    prec = f.wid;
    if (negative || f.plus || f.space) prec--; // room for the sign
  }
  let digits = u.toString(base);
  if (verb === 'X') digits = digits.toUpperCase();
  if (digits.length < prec) digits = '0'.repeat(prec - digits.length) + digits;
  if (f.sharp) {
    if (base === 2) digits = '0b' + digits;
    else if (base === 8 && digits[0] !== '0') digits = '0' + digits;
    else if (base === 16) digits = (verb === 'X' ? '0X' : '0x') + digits;
  }
  if (verb === 'O') digits = '0o' + digits;
  if (negative) digits = '-' + digits;
  else if (f.plus) digits = '+' + digits;
  else if (f.space) digits = ' ' + digits;
  return pad(digits, { ...f, zero: false });
}

function fmtFloatVerb(x: number, verb: string, defPrec: number, f: Flags): string {
  const prec = f.prec ?? defPrec;
  let num = formatFloat(x, verb === 'F' ? 'f' : verb, prec);
  if (num[0] !== '-' && num[0] !== '+') num = '+' + num;
  if (f.space && num[0] === '+' && !f.plus) num = ' ' + num.slice(1);
  if (num[1] === 'I' || num[1] === 'N') {
    // Infinities and NaN are never zero padded; NaN loses its sign unless asked for.
    if (num[1] === 'N' && !f.space && !f.plus) num = num.slice(1);
    return pad(num, { ...f, zero: false });
  }
  if (f.sharp) num = sharpFloat(num, verb, prec);
  if (f.plus || num[0] !== '+') {
    if (f.zero && !f.minus && f.wid !== undefined && f.wid > num.length) {
      return num[0] + '0'.repeat(f.wid - num.length) + num.slice(1);
    }
    return pad(num, f);
  }
  return pad(num.slice(1), f);
}

/** The '#' flag: always a decimal point, and %g keeps its trailing zeros (fmt.fmtFloat). */
function sharpFloat(num: string, verb: string, prec: number): string {
  // Go's switch lists 'v', 'g', 'G' and 'x' (not 'X'); %v arrives here as 'g'.
  let digits = 'gGx'.includes(verb) ? (prec < 0 ? 6 : prec) : 0;
  let body = num;
  let tail = '';
  for (let i = 1; i < body.length; i++) {
    const c = body[i];
    if (c === 'p' || c === 'P' || ((c === 'e' || c === 'E') && verb !== 'x' && verb !== 'X')) {
      tail = body.slice(i);
      body = body.slice(0, i);
      break;
    }
  }
  let hasPoint = false;
  let sawNonzero = false;
  for (const c of body.slice(1)) {
    if (c === '.') {
      hasPoint = true;
      continue;
    }
    if (c !== '0') sawNonzero = true;
    if (sawNonzero) digits--;
  }
  if (!hasPoint) {
    if (body.length === 2 && body[1] === '0') digits--;
    body += '.';
  }
  return body + '0'.repeat(Math.max(digits, 0)) + tail;
}

function hexString(s: string, verb: string, f: Flags): string {
  let bytes = Buffer.from(s, 'utf8');
  if (f.prec !== undefined && f.prec < bytes.length) bytes = bytes.subarray(0, f.prec);
  if (bytes.length === 0) return f.wid !== undefined ? pad('', f) : '';
  const prefix = verb === 'X' ? '0X' : '0x';
  const parts = [...bytes].map((b) => {
    const h = b.toString(16).padStart(2, '0');
    return verb === 'X' ? h.toUpperCase() : h;
  });
  const out = f.space
    ? parts.map((p) => (f.sharp ? prefix + p : p)).join(' ')
    : (f.sharp ? prefix : '') + parts.join('');
  return pad(out, f);
}

function fmtString(s: string, verb: string, f: Flags): string | undefined {
  switch (verb) {
    case 'v':
      if (f.sharpV) return pad(quote(s), f);
      return fmtS(s, f);
    case 's': return fmtS(s, f);
    case 'x':
    case 'X': return hexString(s, verb, f);
    case 'q': {
      const t = truncRunes(s, f.prec);
      if (f.sharp && canBackquote(t)) return pad('`' + t + '`', f);
      return pad(quote(t, f.plus), f);
    }
    default: return undefined;
  }
}

function truncRunes(s: string, prec: number | undefined): string {
  if (prec === undefined) return s;
  return [...s].slice(0, prec).join('');
}

function fmtS(s: string, f: Flags): string {
  return pad(truncRunes(s, f.prec), f);
}

function runeOf(v: bigint): number {
  // Out-of-range code points and surrogates become U+FFFD, as utf8.AppendRune does.
  if (v < 0n || v > 0x10ffffn || (v >= 0xd800n && v <= 0xdfffn)) return 0xfffd;
  return Number(v);
}

function fmtIntVerb(v: bigint, verb: string, f: Flags): string | undefined {
  switch (verb) {
    case 'v':
    case 'd': return fmtInteger(v, 10, verb, f);
    case 'b': return fmtInteger(v, 2, verb, f);
    case 'o':
    case 'O': return fmtInteger(v, 8, verb, f);
    case 'x':
    case 'X': return fmtInteger(v, 16, verb, f);
    case 'c': return pad(String.fromCodePoint(runeOf(v)), f);
    case 'q': return pad(quoteRune(runeOf(v), f.plus), f);
    case 'U': {
      const u = v < 0n ? v + (1n << 64n) : v; // fmtUnicode takes the value as a uint64
      let s = 'U+' + u.toString(16).toUpperCase().padStart(4, '0');
      if (f.sharp && v >= 0n && v <= 0x10ffffn && isPrint(Number(v))) s += ` '${String.fromCodePoint(Number(v))}'`;
      return pad(s, { ...f, zero: false });
    }
    default: return undefined;
  }
}

function intValue(v: unknown): bigint {
  return typeof v === 'bigint' ? v : BigInt(v as number);
}

/** fmt's printArg: one operand under one verb. Compound values recurse element by element. */
export function formatArg(v: unknown, verb: string, f: Flags = noFlags(), depth = 0): string {
  const kind = kindOf(v);
  if (kind === 'invalid' || (kind === 'nil' && depth === 0)) {
    return verb === 'T' || verb === 'v' ? pad('<nil>', f) : badVerb(v, verb, f);
  }
  if (verb === 'T') return pad(goTypeName(v), f);
  let out: string | undefined;
  switch (kind) {
    case 'nil': return '<nil>'; // a nil interface inside a slice or map
    case 'bool':
      out = verb === 't' || verb === 'v' ? pad(String(v), f) : undefined;
      break;
    case 'int': out = fmtIntVerb(intValue(v), verb, f); break;
    case 'float': {
      const x = numberOf(v);
      if (verb === 'v') out = fmtFloatVerb(x, 'g', -1, f);
      else if ('bgGxX'.includes(verb)) out = fmtFloatVerb(x, verb, -1, f);
      else if ('feEF'.includes(verb)) out = fmtFloatVerb(x, verb, 6, f);
      break;
    }
    case 'string': out = fmtString(v as string, verb, f); break;
    case 'slice': {
      const items = (v as unknown[]).map((e) => formatArg(e, verb, f, depth + 1));
      return `[${items.join(' ')}]`;
    }
    case 'map': {
      const m = v as Record<string, unknown>;
      const items = sortedKeys(m).map(
        (k) => `${formatArg(k, verb, f, depth + 1)}:${formatArg(m[k], verb, f, depth + 1)}`);
      return `map[${items.join(' ')}]`;
    }
    case 'struct': {
      const s = v as Record<string, unknown>;
      const items = Object.keys(s).map(
        (k) => (f.plusV ? `${k}:` : '') + formatArg(s[k], verb, f, depth + 1));
      return `{${items.join(' ')}}`;
    }
    case 'func':
      out = verb === 'v' || verb === 'p' ? pad('0x1', f) : undefined;
      break;
  }
  return out ?? badVerb(v, verb, f);
}

function badVerb(v: unknown, verb: string, f: Flags): string {
  if (v === undefined || v === null) return `%!${verb}(<nil>)`;
  return `%!${verb}(${goTypeName(v)}=${formatArg(v, 'v', f)})`;
}

/** fmt.Sprint: operands side by side, a space between two operands when neither is a string. */
export function sprint(args: unknown[]): string {
  let out = '';
  let prevString = false;
  args.forEach((a, i) => {
    const isString = typeof a === 'string';
    if (i > 0 && !isString && !prevString) out += ' ';
    out += formatArg(a, 'v');
    prevString = isString;
  });
  return out;
}

/** fmt.Sprintln: always a space between operands, and a trailing newline. */
export function sprintln(args: unknown[]): string {
  return args.map((a) => formatArg(a, 'v')).join(' ') + '\n';
}

function parseNum(s: string, i: number): { n?: number; i: number } {
  let j = i;
  while (j < s.length && s[j] >= '0' && s[j] <= '9') j++;
  if (j === i) return { i };
  const n = Number(s.slice(i, j));
  return n > 1e6 ? { i: j } : { n, i: j }; // fmt treats absurd widths as absent
}

function intFromArg(args: unknown[], argNum: number): { n?: number; argNum: number } {
  if (argNum >= args.length) return { argNum };
  const a = args[argNum];
  if (kindOf(a) !== 'int' || a instanceof GoFloat) return { argNum: argNum + 1 };
  const n = numberOf(a);
  return Math.abs(n) > 1e6 ? { argNum: argNum + 1 } : { n, argNum: argNum + 1 };
}

/** fmt.Sprintf, including %[n] argument indexes and * widths. */
export function sprintf(format: string, args: unknown[]): string {
  let out = '';
  let argNum = 0;
  let reordered = false;
  let i = 0;
  const end = format.length;
  while (i < end) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const f = noFlags();
    for (; i < end; i++) {
      const c = format[i];
      if (c === '#') f.sharp = true;
      else if (c === '0') f.zero = true;
      else if (c === '+') f.plus = true;
      else if (c === '-') f.minus = true;
      else if (c === ' ') f.space = true;
      else break;
    }
    let goodArgNum = true;
    const argIndex = (): boolean => {
      if (format[i] !== '[') return false;
      reordered = true;
      const close = format.indexOf(']', i);
      const n = close < 0 ? NaN : Number(format.slice(i + 1, close));
      if (!Number.isInteger(n) || n < 1 || n > args.length || close < 0) {
        goodArgNum = false;
        i = close < 0 ? end : close + 1;
        return true;
      }
      argNum = n - 1;
      i = close + 1;
      return true;
    };
    let afterIndex = argIndex();
    if (format[i] === '*') {
      i++;
      const r = intFromArg(args, argNum);
      argNum = r.argNum;
      if (r.n === undefined) out += '%!(BADWIDTH)';
      else if (r.n < 0) {
        f.wid = -r.n;
        f.minus = true;
        f.zero = false;
      } else f.wid = r.n;
      afterIndex = false;
    } else {
      const r = parseNum(format, i);
      f.wid = r.n;
      i = r.i;
      if (afterIndex && f.wid !== undefined) goodArgNum = false;
    }
    if (i + 1 < end && format[i] === '.') {
      i++;
      if (afterIndex) goodArgNum = false;
      afterIndex = argIndex();
      if (format[i] === '*') {
        i++;
        const r = intFromArg(args, argNum);
        argNum = r.argNum;
        // A negative precision argument makes no sense: Go reports it like a missing one.
        if (r.n === undefined || r.n < 0) out += '%!(BADPREC)';
        else f.prec = r.n;
        afterIndex = false;
      } else {
        const r = parseNum(format, i);
        f.prec = r.n ?? 0;
        i = r.i;
      }
    }
    if (!afterIndex) afterIndex = argIndex();
    if (i >= end) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') {
      out += '%';
    } else if (!goodArgNum) {
      out += `%!${verb}(BADINDEX)`;
    } else if (argNum >= args.length) {
      out += `%!${verb}(MISSING)`;
    } else {
      if (verb === 'v') {
        f.sharpV = f.sharp;
        f.sharp = false;
        f.plusV = f.plus;
        f.plus = false;
      }
      out += formatArg(args[argNum], verb, f);
      argNum++;
    }
  }
  if (!reordered && argNum < args.length) {
    const extra = args.slice(argNum).map((a) =>
      a === undefined || a === null ? '<nil>' : `${goTypeName(a)}=${formatArg(a, 'v')}`);
    out += `%!(EXTRA ${extra.join(', ')})`;
  }
  return out;
}

/** What {{.}} prints: fmt.Fprint of one value, with "<no value>" for a missing one. */
export function printValue(v: unknown): string {
  if (v === undefined) return '<no value>';
  return formatArg(v, 'v');
}
