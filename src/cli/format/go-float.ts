// Go's strconv.FormatFloat for the 'e', 'f', 'g' and 'x' formats, digit for digit.
//
// JavaScript's toFixed/toPrecision round exact ties away from zero, but Go rounds the exact binary
// value half-to-even (fmt.Sprintf("%.2f", 0.125) is "0.12", "%.0f" of 2.5 is "2"), and docker's
// sizes go through "%.*g" (go-units), so we expand the double exactly with BigInt and round the
// decimal digits ourselves. Shortest formatting (precision -1) takes JavaScript's shortest
// round-trip digits, which are the same digits Go's shortest algorithm picks.

/** A decimal number 0.d1d2d3... × 10^dp, digits without leading or trailing zeros ("" is zero). */
interface Decimal {
  d: string;
  dp: number;
}

const view = new DataView(new ArrayBuffer(8));

function bitsOf(x: number): { mant: bigint; exp: number } {
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (biased === 0) {
    exp = -1074; // subnormal
  } else {
    mant |= 1n << 52n;
    exp = biased - 1075;
  }
  return { mant, exp };
}

/** The exact decimal expansion of a finite, non-negative double. */
function exactDecimal(x: number): Decimal {
  if (x === 0) return { d: '', dp: 0 };
  const { mant, exp } = bitsOf(x);
  let digits: string;
  let dp: number;
  if (exp >= 0) {
    digits = (mant << BigInt(exp)).toString();
    dp = digits.length;
  } else {
    digits = (mant * 5n ** BigInt(-exp)).toString();
    dp = digits.length + exp;
  }
  return trim({ d: digits, dp });
}

function trim(a: Decimal): Decimal {
  const d = a.d.replace(/0+$/, '');
  return d === '' ? { d: '', dp: 0 } : { d, dp: a.dp };
}

/** Shortest digits that read back as x (x finite and non-negative). */
function shortestDecimal(x: number): Decimal {
  if (x === 0) return { d: '', dp: 0 };
  const m = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(x.toExponential());
  if (!m) throw new Error(`unexpected exponential form of ${x}`);
  return trim({ d: m[1] + (m[2] ?? ''), dp: Number(m[3]) + 1 });
}

/** Rounds to nd digits, half to even on exact ties, as Go's decimal.Round does. */
function round(a: Decimal, nd: number): Decimal {
  if (nd < 0 || nd >= a.d.length) return a;
  const next = a.d.charCodeAt(nd) - 48;
  let up: boolean;
  if (next === 5 && nd + 1 === a.d.length) {
    up = nd > 0 && (a.d.charCodeAt(nd - 1) - 48) % 2 === 1;
  } else {
    up = next >= 5;
  }
  if (!up) return trim({ d: a.d.slice(0, nd), dp: a.dp });
  for (let i = nd - 1; i >= 0; i--) {
    if (a.d[i] !== '9') {
      return { d: a.d.slice(0, i) + String.fromCharCode(a.d.charCodeAt(i) + 1), dp: a.dp };
    }
  }
  return { d: '1', dp: a.dp + 1 }; // all nines carried over
}

function fmtE(a: Decimal, prec: number, upper: boolean): string {
  let s = a.d.length === 0 ? '0' : a.d[0];
  if (prec > 0) {
    s += '.';
    for (let i = 1; i <= prec; i++) s += i < a.d.length ? a.d[i] : '0';
  }
  let exp = a.d.length === 0 ? 0 : a.dp - 1;
  const sign = exp < 0 ? '-' : '+';
  exp = Math.abs(exp);
  return `${s}${upper ? 'E' : 'e'}${sign}${exp < 10 ? '0' : ''}${exp}`;
}

function fmtF(a: Decimal, prec: number): string {
  let s = '';
  if (a.dp > 0) {
    const m = Math.min(a.d.length, a.dp);
    s = a.d.slice(0, m) + '0'.repeat(a.dp - m);
  } else {
    s = '0';
  }
  if (prec > 0) {
    s += '.';
    for (let i = 1; i <= prec; i++) {
      const j = a.dp + i - 1;
      s += j >= 0 && j < a.d.length ? a.d[j] : '0';
    }
  }
  return s;
}

/** Go's %x for floats with shortest precision: -0x1.8p+01. */
function fmtX(x: number, upper: boolean): string {
  let { mant, exp } = bitsOf(x);
  if (mant === 0n) exp = 0;
  else exp += 52;
  // Normalise so that the leading 1 sits at bit 52 (subnormals shift up).
  while (mant !== 0n && (mant & (1n << 52n)) === 0n) {
    mant <<= 1n;
    exp--;
  }
  const lead = mant === 0n ? '0' : '1';
  let frac = (mant & ((1n << 52n) - 1n)).toString(16).padStart(13, '0').replace(/0+$/, '');
  if (upper) frac = frac.toUpperCase();
  const sign = exp < 0 ? '-' : '+';
  const e = Math.abs(exp);
  const s = `0x${lead}${frac ? '.' + frac : ''}p${sign}${e < 10 ? '0' : ''}${e}`;
  return upper ? s.replace('0x', '0X').replace('p', 'P') : s;
}

/**
 * strconv.FormatFloat(x, verb, prec, 64) for verb e, E, f, g, G, x, X; prec -1 means shortest.
 * The sign is included ("-" only); Inf and NaN are "+Inf", "-Inf", "NaN" as in Go.
 */
export function formatFloat(x: number, verb: string, prec: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  const neg = x < 0 || Object.is(x, -0);
  const body = formatAbs(Math.abs(x), verb, prec);
  return neg ? '-' + body : body;
}

function formatAbs(x: number, verb: string, prec: number): string {
  if (verb === 'x' || verb === 'X') return fmtX(x, verb === 'X');
  const shortest = prec < 0;
  let a: Decimal;
  if (shortest) {
    a = shortestDecimal(x);
    if (verb === 'e' || verb === 'E') prec = Math.max(a.d.length - 1, 0);
    else if (verb === 'f') prec = Math.max(a.d.length - a.dp, 0);
    else prec = a.d.length;
  } else {
    a = exactDecimal(x);
    if (verb === 'e' || verb === 'E') a = round(a, prec + 1);
    else if (verb === 'f') a = round(a, a.dp + prec);
    else {
      if (prec === 0) prec = 1;
      a = round(a, prec);
    }
  }
  if (verb === 'e' || verb === 'E') return fmtE(a, prec, verb === 'E');
  if (verb === 'f') return fmtF(a, prec);
  // %g: exponent form when the exponent is < -4 or >= the precision (6 when shortest).
  let eprec = prec;
  if (eprec > a.d.length && a.d.length >= a.dp) eprec = a.d.length;
  if (shortest) eprec = 6;
  const exp = a.dp - 1;
  if (a.d.length > 0 && (exp < -4 || exp >= eprec)) {
    if (prec > a.d.length) prec = a.d.length;
    return fmtE(a, prec - 1, verb === 'G');
  }
  if (prec > a.dp) prec = a.d.length;
  return fmtF(a, Math.max(prec - a.dp, 0));
}
