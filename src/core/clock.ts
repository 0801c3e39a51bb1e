/**
 * Wall-clock time with nanosecond digits, for the timestamps Docker reports as Go's
 * RFC3339Nano (Created, StartedAt, FinishedAt, health log entries). Date.now() gives the
 * milliseconds; the monotonic clock fills in the digits below them.
 */
export function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
}

/**
 * RFC 3339 in UTC with all nine fractional digits (what Go parses as RFC3339Nano). Fixed width,
 * unlike Go's trimmed form, so that records compare and sort correctly as strings.
 */
export function rfc3339Nano(ns: bigint): string {
  const base = new Date(Number(ns / 1_000_000n)).toISOString().slice(0, 19);
  return `${base}.${(ns % 1_000_000_000n).toString().padStart(9, '0')}Z`;
}

export function nowRfc3339Nano(): string {
  return rfc3339Nano(nowNs());
}
