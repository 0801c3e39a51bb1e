import { UsageError } from '../flags.js';
import { parseDuration } from '../format/human.js';

/**
 * docker's --since/--until values: a Unix timestamp, an RFC 3339 date, or a Go
 * duration relative to now ("10m"); sent to the API as seconds[.nanoseconds].
 */
export function sinceValue(v: string | undefined, flag: string): string | undefined {
  if (v === undefined || v === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return v;
  const ms = Date.parse(v);
  if (!Number.isNaN(ms) && /^\d{4}-/.test(v)) return (ms / 1000).toFixed(9);
  try {
    return ((Date.now() - parseDuration(v)) / 1000).toFixed(9);
  } catch {
    throw new UsageError(`invalid value for ${flag}: ${v}`);
  }
}
