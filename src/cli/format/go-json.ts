// Go's encoding/json output for template data (docker's `json` template function and the
// `--format json` rows). Differences from JSON.stringify that show in output: U+2028/U+2029 are
// always escaped, HTML characters are escaped when asked (json.Marshal does, docker's `json`
// function does not), -0 stays "-0", and an unsupported value (NaN, a function) fails the whole
// encoding, which docker's `json` function turns into an empty string.

import { GO_MARSHAL_JSON, GoFloat, isRecord } from './go-value.js';

class Unsupported extends Error {}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function encodeString(s: string, escapeHTML: boolean): string {
  // Go replaces invalid UTF-8 (a lone surrogate here) with U+FFFD.
  let out = JSON.stringify(s.replace(LONE_SURROGATE, '\ufffd'))
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  if (escapeHTML) {
    out = out.replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
  }
  return out;
}

function encodeNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Unsupported(`json: unsupported value: ${n}`);
  if (Object.is(n, -0)) return '-0';
  // JavaScript switches to exponent form at the same thresholds Go's encoder uses (1e21, 1e-6).
  return JSON.stringify(n);
}

function encode(v: unknown, escapeHTML: boolean): string {
  if (v === undefined || v === null) return 'null';
  if (isRecord(v) && typeof v[GO_MARSHAL_JSON] === 'function') {
    return String((v[GO_MARSHAL_JSON] as () => string)());
  }
  switch (typeof v) {
    case 'boolean': return v ? 'true' : 'false';
    case 'number': return encodeNumber(v);
    case 'bigint': return v.toString();
    case 'string': return encodeString(v, escapeHTML);
    case 'function': throw new Unsupported('json: unsupported type: func');
  }
  if (v instanceof GoFloat) return encodeNumber(v.value);
  if (Array.isArray(v)) return `[${v.map((e) => encode(e, escapeHTML)).join(',')}]`;
  if (isRecord(v)) {
    // Insertion order: data decoded from the Engine API keeps the daemon's field order, which is
    // Go's struct order for structs and sorted order for maps.
    const parts: string[] = [];
    for (const [k, e] of Object.entries(v)) {
      if (e === undefined) continue;
      parts.push(`${encodeString(k, escapeHTML)}:${encode(e, escapeHTML)}`);
    }
    return `{${parts.join(',')}}`;
  }
  throw new Unsupported(`json: unsupported type: ${typeof v}`);
}

/** json.Marshal-like encoding; undefined when Go's encoder would fail. */
export function goJSON(v: unknown, opts: { escapeHTML: boolean }): string | undefined {
  try {
    return encode(v, opts.escapeHTML);
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
}

/**
 * How docker encodes a list row: its fields gathered into a map (methods that take arguments,
 * here function values, are left out), then json.Marshal: keys sorted, HTML characters escaped.
 */
export function goMarshalMap(m: Record<string, unknown>): string {
  // Built by hand: a JS object would enumerate integer-like keys first, whatever their order.
  const keys = Object.keys(m)
    .filter((k) => typeof m[k] !== 'function' && m[k] !== undefined)
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  try {
    const parts = keys.map((k) => `${encodeString(k, true)}:${encode(m[k], true)}`);
    return `{${parts.join(',')}}`;
  } catch (e) {
    if (e instanceof Unsupported) return '';
    throw e;
  }
}
