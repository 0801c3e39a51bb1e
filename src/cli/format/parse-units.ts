// Parsers for CLI flag values, matching the Go functions docker's flags use, including their
// error texts (the CLI prints `invalid argument "12x" for "-m, --memory" flag: <message>`):
//   parseBytes      = go-units RAMInBytes (--memory, --shm-size): 1k = 1024
//   parseHumanSize  = go-units FromHumanSize: 1k = 1000
//   parseDuration   = Go's time.ParseDuration (--health-interval, --stop-timeout style flags)

import { NumError, parseFloat64 } from './go-strconv.js';

const DECIMAL: Record<string, number> = { k: 1e3, m: 1e6, g: 1e9, t: 1e12, p: 1e15 };
const BINARY: Record<string, number> = { k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40, p: 2 ** 50 };

/** go-units parseSize: a number, an optional space, and a unit letter with optional "b"/"ib". */
function parseSize(s: string, units: Record<string, number>): number {
  let sep = -1;
  for (let i = s.length - 1; i >= 0; i--) {
    if ('0123456789. '.includes(s[i])) {
      sep = i;
      break;
    }
  }
  if (sep === -1) throw new Error(`invalid size: '${s}'`); // there must be at least one digit
  const num = s[sep] === ' ' ? s.slice(0, sep) : s.slice(0, sep + 1);
  let sfx = s.slice(sep + 1);
  const size = parseFloat64(num);
  if (size instanceof NumError) throw size;
  if (size < 0) throw new Error(`invalid size: '${s}'`); // negative sizes were always rejected
  if (sfx.length === 0) return toInt64(size);
  const bad = (): Error => new Error(`invalid suffix: '${sfx}'`);
  if (Buffer.byteLength(sfx) > 3) throw bad(); // reported before lower-casing, as go-units does
  sfx = sfx.toLowerCase();
  if (sfx[0] === 'b') {
    if (sfx.length > 1) throw bad();
    return toInt64(size);
  }
  const mul = Object.prototype.hasOwnProperty.call(units, sfx[0]) ? units[sfx[0]] : undefined;
  if (mul === undefined) throw bad();
  const len = Buffer.byteLength(sfx);
  if ((len === 2 && sfx[1] !== 'b') || (len === 3 && sfx.slice(1) !== 'ib')) throw bad();
  return toInt64(size * mul);
}

/** Go's int64(float64): truncation; out-of-range values become math.MinInt64 on amd64. */
function toInt64(x: number): number {
  if (x >= 2 ** 63 || x < -(2 ** 63)) return -(2 ** 63);
  return Math.trunc(x) + 0; // + 0 turns -0 into 0
}

/** go-units RAMInBytes: "512m", "1.5g", "64MiB", "1 kb" (binary multiples, case-insensitive). */
export function parseBytes(s: string): number {
  return parseSize(s, BINARY);
}

/** go-units FromHumanSize: like parseBytes with decimal multiples ("1kB" = 1000). */
export function parseHumanSize(s: string): number {
  return parseSize(s, DECIMAL);
}

const UNIT_NS: Record<string, bigint> = {
  ns: 1n, us: 1000n, 'µs': 1000n, 'μs': 1000n, ms: 1000000n, s: 1000000000n,
  m: 60000000000n, h: 3600000000000n,
};
const LIMIT = 1n << 63n;

/** The time package's quote(): non-ASCII and control bytes as \xNN. */
function timeQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0x80 || cp < 0x20) {
      for (const b of Buffer.from(ch, 'utf8')) out += '\\x' + b.toString(16).padStart(2, '0');
    } else {
      out += ch === '"' || ch === '\\' ? '\\' + ch : ch;
    }
  }
  return out + '"';
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/**
 * time.ParseDuration: a sequence of decimal numbers with units (ns, us/µs, ms, s, m, h),
 * optionally signed, e.g. "300ms", "-1.5h", "2h45m". Returns milliseconds, fractional when the
 * duration is not a whole number of them.
 */
export function parseDuration(input: string): number {
  const invalid = (): Error => new Error(`time: invalid duration ${timeQuote(input)}`);
  let s = input;
  let neg = false;
  if (s[0] === '-' || s[0] === '+') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw invalid();
  let d = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || isDigit(s[0]))) throw invalid();
    // Integer part; overflowing int64 makes the whole duration invalid.
    let v = 0n;
    let i = 0;
    for (; isDigit(s[i]); i++) {
      if (v > (LIMIT - 1n) / 10n) throw invalid();
      v = v * 10n + BigInt(s.charCodeAt(i) - 48);
      if (v > LIMIT) throw invalid();
    }
    const pre = i > 0;
    s = s.slice(i);
    // Fraction; digits past int64 precision are ignored.
    let f = 0n;
    let scale = 1;
    let post = false;
    if (s[0] === '.') {
      s = s.slice(1);
      let overflow = false;
      let j = 0;
      for (; isDigit(s[j]); j++) {
        if (overflow) continue;
        if (f > (LIMIT - 1n) / 10n) {
          overflow = true;
          continue;
        }
        const y = f * 10n + BigInt(s.charCodeAt(j) - 48);
        if (y > LIMIT) {
          overflow = true;
          continue;
        }
        f = y;
        scale *= 10;
      }
      post = j > 0;
      s = s.slice(j);
    }
    if (!pre && !post) throw invalid(); // no digits, e.g. ".s"
    let u = 0;
    while (u < s.length && s[u] !== '.' && !isDigit(s[u])) u++;
    if (u === 0) throw new Error(`time: missing unit in duration ${timeQuote(input)}`);
    const unitName = s.slice(0, u);
    s = s.slice(u);
    const unit = Object.prototype.hasOwnProperty.call(UNIT_NS, unitName) ? UNIT_NS[unitName] : undefined;
    if (unit === undefined) {
      throw new Error(`time: unknown unit ${timeQuote(unitName)} in duration ${timeQuote(input)}`);
    }
    if (v > LIMIT / unit) throw invalid();
    v *= unit;
    if (f > 0n) {
      // float64 arithmetic, as Go does it, so rounding of long fractions matches.
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > LIMIT) throw invalid();
    }
    d += v;
    if (d > LIMIT) throw invalid();
  }
  if (neg) return -Number(d) / 1e6;
  if (d > LIMIT - 1n) throw invalid();
  return Number(d) / 1e6;
}
