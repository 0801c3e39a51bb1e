// Template functions: Go's predefined ones (https://pkg.go.dev/text/template#hdr-Functions) and
// the ones docker/cli adds (https://docs.docker.com/config/formatting/), with the signatures Go
// checks arguments against and the error texts Go returns.

import { sprint, sprintf, sprintln, formatArg } from './go-fmt.js';
import { goJSON } from './go-json.js';
import {
  compareBytes, goTypeName, isTrue, kindOf, numberOf, ownField,
} from './go-value.js';

/**
 * Parameter types as Go's reflection sees them: 'any' is interface{} (a missing value arrives as
 * null), 'value' is reflect.Value (a missing value stays undefined), 'strings' is []string.
 */
export type ArgType = 'any' | 'value' | 'string' | 'int' | 'bool' | 'float' | 'strings';

export interface GoFunc {
  params: ArgType[];
  variadic?: ArgType;
  /** and/or short-circuit and call invokes a function value; the executor handles those. */
  special?: 'and' | 'or' | 'call';
  /** Returns the result; a thrown Error becomes Go's "error calling NAME: MESSAGE". */
  fn: (...args: unknown[]) => unknown;
}

export type FuncMap = Record<string, GoFunc>;

const fn = (params: ArgType[], f: GoFunc['fn'], variadic?: ArgType): GoFunc => ({ params, variadic, fn: f });

// --- comparisons (funcs.go: eq, lt, ...) -----------------------------------------------------

type BasicKind = 'bool' | 'int' | 'float' | 'string' | 'invalid';

function basicKind(v: unknown): BasicKind {
  const k = kindOf(v);
  return k === 'bool' || k === 'int' || k === 'float' || k === 'string' ? k : 'invalid';
}

/** indirectInterface: a nil interface is no value at all. */
const indirect = (v: unknown): unknown => (v === null ? undefined : v);

const bigOf = (v: unknown): bigint => (typeof v === 'bigint' ? v : BigInt(v as number));

function eq(arg1: unknown, ...rest: unknown[]): boolean {
  const a = indirect(arg1);
  if (rest.length === 0) throw new Error('missing argument for comparison');
  const k1 = basicKind(a);
  for (const r of rest) {
    const b = indirect(r);
    const k2 = basicKind(b);
    let truth: boolean;
    if (k1 !== k2) {
      if (a !== undefined && b !== undefined) throw new Error('incompatible types for comparison');
      truth = false;
    } else if (k1 === 'int') {
      truth = bigOf(a) === bigOf(b);
    } else if (k1 === 'float') {
      truth = numberOf(a) === numberOf(b);
    } else if (k1 !== 'invalid') {
      truth = a === b;
    } else if (a === undefined || b === undefined) {
      truth = a === b;
    } else if (kindOf(a) !== kindOf(b)) {
      throw new Error(`non-comparable types ${formatArg(a, 'v')}: ${goTypeName(a)}, ` +
        `${goTypeName(b)}: ${formatArg(b, 'v')}`);
    } else if (kindOf(b) === 'struct' || kindOf(b) === 'func') {
      truth = a === b;
    } else {
      throw new Error(`non-comparable type ${formatArg(b, 'v')}: ${goTypeName(b)}`);
    }
    if (truth) return true;
  }
  return false;
}

function lt(arg1: unknown, arg2: unknown): boolean {
  const a = indirect(arg1);
  const b = indirect(arg2);
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 === 'invalid' || k2 === 'invalid') throw new Error('invalid type for comparison');
  if (k1 !== k2) throw new Error('incompatible types for comparison');
  switch (k1) {
    case 'bool': throw new Error('invalid type for comparison');
    case 'int': return bigOf(a) < bigOf(b);
    case 'float': return numberOf(a) < numberOf(b);
    default: return compareBytes(a as string, b as string) < 0;
  }
}

const le = (a: unknown, b: unknown): boolean => lt(a, b) || eq(a, b);

// --- len, index, slice ------------------------------------------------------------------------

function length(v: unknown): number {
  if (v === null) throw new Error('len of nil pointer');
  if (v === undefined) throw new Error('reflect: call of reflect.Value.Type on zero Value');
  switch (kindOf(v)) {
    case 'string': return Buffer.byteLength(v as string);
    case 'slice': return (v as unknown[]).length;
    case 'map': return Object.keys(v as object).length;
    default: throw new Error(`len of type ${goTypeName(v)}`);
  }
}

function indexArg(index: unknown, cap: number): number {
  const i = indirect(index);
  if (i === undefined) throw new Error('cannot index slice/array with nil');
  if (kindOf(i) !== 'int') throw new Error(`cannot index slice/array with type ${goTypeName(i)}`);
  const x = Number(i);
  if (x < 0 || x > cap) throw new Error(`index out of range: ${bigOf(i)}`);
  return x;
}

/** The zero value a typed map would return for a missing key; see index() below. */
function missingEntry(m: object): unknown {
  return Object.values(m).every((e) => typeof e === 'string') ? '' : undefined;
}

function index(item: unknown, ...indexes: unknown[]): unknown {
  let cur = indirect(item);
  if (cur === undefined) {
    // A JSON null where a map is expected is what a nil Go map (Config.Labels of an image)
    // decodes to; docker indexes that as an empty map[string]string and prints "".
    if (item === null && indexes.length > 0 && indexes.every((i) => typeof i === 'string')) return '';
    throw new Error('index of untyped nil');
  }
  for (const idx of indexes) {
    if (cur === null) throw new Error('index of nil pointer');
    const k = kindOf(cur);
    if (k === 'slice' || k === 'string') {
      const bytes = k === 'string' ? Buffer.from(cur as string, 'utf8') : undefined;
      const len = bytes ? bytes.length : (cur as unknown[]).length;
      const x = indexArg(idx, len);
      if (x === len) throw new Error(`reflect: ${k === 'string' ? 'string' : 'slice'} index out of range`);
      cur = bytes ? bytes[x] : (cur as unknown[])[x];
    } else if (k === 'map') {
      const key = indirect(idx);
      if (key === undefined) throw new Error('value is nil; should be of type string');
      if (typeof key !== 'string') throw new Error(`value has type ${goTypeName(key)}; should be string`);
      const m = cur as object;
      // Go returns the map's zero value for a missing key: "" for the string maps docker's
      // typed structs use (labels, options), nothing (<no value>) for an interface{} map.
      cur = Object.prototype.hasOwnProperty.call(m, key) ? ownField(m, key) : missingEntry(m);
    } else {
      throw new Error(`can't index item of type ${goTypeName(cur)}`);
    }
  }
  return cur;
}

function slice(item: unknown, ...indexes: unknown[]): unknown {
  const cur = indirect(item);
  if (cur === undefined) throw new Error('slice of untyped nil');
  if (indexes.length > 3) throw new Error(`too many slice indexes: ${indexes.length}`);
  const k = kindOf(cur);
  if (k === 'string' && indexes.length === 3) throw new Error('cannot 3-index slice a string');
  if (k !== 'string' && k !== 'slice') throw new Error(`can't slice item of type ${goTypeName(cur)}`);
  const bytes = k === 'string' ? Buffer.from(cur as string, 'utf8') : undefined;
  const len = bytes ? bytes.length : (cur as unknown[]).length;
  const idx = [0, len, len];
  indexes.forEach((x, i) => { idx[i] = indexArg(x, len); });
  if (idx[0] > idx[1]) throw new Error(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (indexes.length === 3 && idx[1] > idx[2]) throw new Error(`invalid slice index: ${idx[1]} > ${idx[2]}`);
  return bytes ? bytes.subarray(idx[0], idx[1]).toString('utf8') : (cur as unknown[]).slice(idx[0], idx[1]);
}

// --- escapers -------------------------------------------------------------------------------

/** evalArgs: one string argument is used as is, anything else goes through fmt.Sprint. */
const evalArgs = (args: unknown[]): string =>
  args.length === 1 && typeof args[0] === 'string'
    ? args[0]
    : sprint(args.map((a) => (a === null || a === undefined ? '<no value>' : a)));

const HTML_ESCAPES: Record<string, string> = {
  '"': '&#34;', "'": '&#39;', '&': '&amp;', '<': '&lt;', '>': '&gt;', '\0': '\ufffd',
};

function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    switch (ch) {
      case '\\': out += '\\\\'; continue;
      case "'": out += "\\'"; continue;
      case '"': out += '\\"'; continue;
      case '<': out += '\\u003C'; continue;
      case '>': out += '\\u003E'; continue;
      case '&': out += '\\u0026'; continue;
      case '=': out += '\\u003D'; continue;
    }
    if (r < 0x20) out += '\\u00' + r.toString(16).toUpperCase().padStart(2, '0');
    else if (r < 0x80 || /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch)) out += ch;
    else out += '\\u' + r.toString(16).toUpperCase().padStart(4, '0');
  }
  return out;
}

/** url.QueryEscape: space becomes '+', everything but A-Z a-z 0-9 - _ . ~ is %XX. */
function queryEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

// --- docker's functions (docker/cli templates package) --------------------------------------

/** strings.Title: upper-cases the first letter of each word; '_' and letters join words. */
function title(s: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    out += isSeparator(prev) ? upperRune(ch) : ch;
    prev = ch;
  }
  return out;
}

function isSeparator(ch: string): boolean {
  const r = ch.codePointAt(0)!;
  if (r <= 0x7f) return !/[0-9a-zA-Z_]/.test(ch);
  if (/[\p{L}\p{Nd}]/u.test(ch)) return false;
  return /\s/u.test(ch);
}

// Go maps rune by rune; JavaScript's special cases that change length (ß -> SS) do not apply.
const upperRune = (ch: string): string => {
  const u = ch.toUpperCase();
  return [...u].length === 1 ? u : ch;
};
const lowerRune = (ch: string): string => {
  const l = ch.toLowerCase();
  return [...l].length === 1 ? l : ch;
};
const mapRunes = (s: string, f: (c: string) => string): string => [...s].map(f).join('');

/** strings.Split: an empty separator splits into characters; "" splits into [""]. */
function split(s: string, sep: string): string[] {
  return sep === '' ? [...s] : s.split(sep);
}

function repeat(n: number): string {
  if (n < 0) throw new Error('strings: negative Repeat count');
  return ' '.repeat(n);
}

/** docker's truncate cuts bytes, not characters: source[:length]. */
function truncate(s: string, n: number): string {
  const b = Buffer.from(s, 'utf8');
  if (b.length < n) return s;
  if (n < 0) throw new Error(`runtime error: slice bounds out of range [:${n}]`);
  return b.subarray(0, n).toString('utf8');
}

function jsonFunc(v: unknown): string {
  return goJSON(v, { escapeHTML: false }) ?? '';
}

const identity = (v: unknown): unknown => v;

export const BUILTINS: FuncMap = {
  and: { params: ['value'], variadic: 'value', special: 'and', fn: identity },
  or: { params: ['value'], variadic: 'value', special: 'or', fn: identity },
  call: { params: ['value'], variadic: 'value', special: 'call', fn: identity },
  not: fn(['value'], (v) => !isTrue(v)),
  len: fn(['value'], (v) => length(v)),
  index: fn(['value'], index, 'value'),
  slice: fn(['value'], slice, 'value'),
  eq: fn(['value'], eq, 'value'),
  ne: fn(['value', 'value'], (a, b) => !eq(a, b)),
  lt: fn(['value', 'value'], lt),
  le: fn(['value', 'value'], le),
  gt: fn(['value', 'value'], (a, b) => !le(a, b)),
  ge: fn(['value', 'value'], (a, b) => !lt(a, b)),
  print: fn([], (...a) => sprint(a), 'any'),
  printf: fn(['string'], (f, ...a) => sprintf(f as string, a), 'any'),
  println: fn([], (...a) => sprintln(a), 'any'),
  html: fn([], (...a) => evalArgs(a).replace(/["'&<>\0]/g, (c) => HTML_ESCAPES[c]), 'any'),
  js: fn([], (...a) => jsEscape(evalArgs(a)), 'any'),
  urlquery: fn([], (...a) => queryEscape(evalArgs(a)), 'any'),
  // docker/cli's additions
  json: fn(['any'], jsonFunc),
  split: fn(['string', 'string'], (s, sep) => split(s as string, sep as string)),
  join: fn(['strings', 'string'], (a, sep) => (a as string[]).join(sep as string)),
  title: fn(['string'], (s) => title(s as string)),
  lower: fn(['string'], (s) => mapRunes(s as string, lowerRune)),
  upper: fn(['string'], (s) => mapRunes(s as string, upperRune)),
  pad: fn(['string', 'int', 'int'], (s, l, r) =>
    (s === '' ? '' : repeat(Number(l)) + (s as string) + repeat(Number(r)))),
  truncate: fn(['string', 'int'], (s, n) => truncate(s as string, Number(n))),
};

/**
 * docker's HeaderFunctions: while rendering a table header, formatting functions return the
 * header text unchanged (pad is kept so headers line up with padded cells).
 */
export const HEADER_FUNCS: FuncMap = {
  json: fn(['string'], identity),
  split: fn(['string', 'string'], identity),
  join: fn(['string', 'string'], identity),
  title: fn(['string'], identity),
  lower: fn(['string'], identity),
  upper: fn(['string'], identity),
  truncate: fn(['string', 'int'], identity),
};

