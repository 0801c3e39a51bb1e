import type { Ulimit } from '../core/container-types.js';
import { invalidArgument } from '../core/errors.js';
import { RLIM_INFINITY, type POSIXRlimit, type RlimitValue } from './runtime-spec.js';

/**
 * `--ulimit` names (docker run reference) to the setrlimit(2) resources named in
 * config.md#posix-process "rlimits".
 */
export const ULIMIT_NAMES: Readonly<Record<string, string>> = Object.freeze({
  as: 'RLIMIT_AS',
  core: 'RLIMIT_CORE',
  cpu: 'RLIMIT_CPU',
  data: 'RLIMIT_DATA',
  fsize: 'RLIMIT_FSIZE',
  locks: 'RLIMIT_LOCKS',
  memlock: 'RLIMIT_MEMLOCK',
  msgqueue: 'RLIMIT_MSGQUEUE',
  nice: 'RLIMIT_NICE',
  nofile: 'RLIMIT_NOFILE',
  nproc: 'RLIMIT_NPROC',
  rss: 'RLIMIT_RSS',
  rtprio: 'RLIMIT_RTPRIO',
  rttime: 'RLIMIT_RTTIME',
  sigpending: 'RLIMIT_SIGPENDING',
  stack: 'RLIMIT_STACK',
});

/** Docker's `-1` means unlimited (it reaches runc as uint64(-1), i.e. RLIM_INFINITY). */
function toRlimit(name: string, which: string, v: number): RlimitValue {
  if (!Number.isSafeInteger(v) || v < -1) throw invalidArgument(`invalid ${which} limit ${String(v)} for ulimit ${name}`);
  return v === -1 ? RLIM_INFINITY : v;
}

const show = (v: RlimitValue): string => (v === RLIM_INFINITY ? 'unlimited' : String(v));

/**
 * process.rlimits for the given --ulimit values. None at all when none are asked for: like
 * dockerd, berth never invents limits (on hosts where even root cannot raise a hard limit, an
 * invented one makes every container fail to start). A later entry for the same name wins.
 * `hardMax` (host hard limits by ulimit name) turns an impossible request into a clear error
 * instead of an opaque runc failure.
 */
export function buildRlimits(ulimits: readonly Ulimit[] | null | undefined, hardMax?: Readonly<Record<string, number>>): POSIXRlimit[] | undefined {
  if (!ulimits || ulimits.length === 0) return undefined;
  const byName = new Map<string, POSIXRlimit>();
  for (const u of ulimits) {
    const name = String(u.Name ?? '').toLowerCase();
    const type = ULIMIT_NAMES[name];
    if (!type) throw invalidArgument(`invalid ulimit type: ${JSON.stringify(u.Name)}`);
    const soft = toRlimit(name, 'soft', u.Soft);
    const hard = toRlimit(name, 'hard', u.Hard);
    if (BigInt(soft) > BigInt(hard)) {
      throw invalidArgument(`ulimit ${name}: soft limit must be less than or equal to hard limit: ${show(soft)} > ${show(hard)}`);
    }
    const max = hardMax?.[name];
    // A host maximum that is negative, infinite or beyond 2^53 is treated as unlimited.
    if (max !== undefined && Number.isSafeInteger(max) && max >= 0 && BigInt(hard) > BigInt(max)) {
      throw invalidArgument(`ulimit ${name}: hard limit ${show(hard)} exceeds the host maximum ${max}`);
    }
    byName.delete(name);
    byName.set(name, { type, hard, soft });
  }
  return [...byName.values()];
}
