import { constants } from 'node:os';
import { invalidArgument } from '../../core/errors.js';

const SIGNALS = constants.signals as Record<string, number>;

/** Docker accepts KILL, SIGKILL, sigkill and 9 alike; returns the number. */
export function parseSignal(s: string | number | undefined, fallback = 'SIGKILL'): number {
  const raw = s === undefined || s === '' ? fallback : String(s);
  if (/^\d+$/.test(raw)) {
    const n = Number(raw);
    if (n > 0 && n <= 64) return n;
  } else {
    const name = raw.toUpperCase().startsWith('SIG') ? raw.toUpperCase() : `SIG${raw.toUpperCase()}`;
    const rt = /^SIGRTMIN\+(\d+)$/.exec(name);
    if (rt) return 34 + Number(rt[1]);
    if (SIGNALS[name] !== undefined) return SIGNALS[name]!;
  }
  throw invalidArgument(`Invalid signal: ${raw}`);
}
