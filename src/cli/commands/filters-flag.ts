import { UsageError } from '../flags.js';

/** `--filter key=value` flags as the API's `filters` JSON ({"key":["value",...]}). */
export function filtersQuery(values: string[] | undefined): string | undefined {
  if (!values?.length) return undefined;
  const out: Record<string, string[]> = {};
  for (const v of values) {
    const i = v.indexOf('=');
    if (i <= 0) throw new UsageError(`invalid argument "${v}" for "-f, --filter" flag: bad format of filter (expected name=value)`);
    (out[v.slice(0, i).toLowerCase()] ??= []).push(v.slice(i + 1));
  }
  return JSON.stringify(out);
}
