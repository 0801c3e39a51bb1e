import { invalidArgument } from '../core/errors.js';

/**
 * Linux capability names, indexed by capability number (include/uapi/linux/capability.h;
 * CAP_LAST_CAP is CAP_CHECKPOINT_RESTORE = 40 since Linux 5.9). The index matters: it is the
 * bit position in /proc/<pid>/status CapEff/CapBnd masks.
 */
export const ALL_CAPABILITIES: readonly string[] = Object.freeze([
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_DAC_READ_SEARCH',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_LINUX_IMMUTABLE',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST',
  'CAP_NET_ADMIN',
  'CAP_NET_RAW',
  'CAP_IPC_LOCK',
  'CAP_IPC_OWNER',
  'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO',
  'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT',
  'CAP_SYS_NICE',
  'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG',
  'CAP_MKNOD',
  'CAP_LEASE',
  'CAP_AUDIT_WRITE',
  'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE',
  'CAP_MAC_ADMIN',
  'CAP_SYSLOG',
  'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ',
  'CAP_PERFMON',
  'CAP_BPF',
  'CAP_CHECKPOINT_RESTORE',
]);

/**
 * The capabilities Docker grants a non-privileged container, as listed in Docker's run reference
 * ("Runtime privilege and Linux capabilities").
 */
export const DEFAULT_CAPABILITIES: readonly string[] = Object.freeze([
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FSETID',
  'CAP_FOWNER',
  'CAP_MKNOD',
  'CAP_NET_RAW',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_KILL',
  'CAP_AUDIT_WRITE',
]);

const CAP_INDEX: ReadonlyMap<string, number> = new Map(ALL_CAPABILITIES.map((c, i) => [c, i]));

/**
 * Canonical form of a user-supplied capability name: upper case with a `CAP_` prefix, or `ALL`.
 * Docker accepts `net_raw`, `NET_RAW` and `CAP_NET_RAW` alike.
 */
export function normalizeCapability(name: string): string {
  const upper = name.trim().toUpperCase();
  if (upper === 'ALL') return 'ALL';
  const full = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
  if (!CAP_INDEX.has(full)) throw invalidArgument(`unknown capability: ${JSON.stringify(name)}`);
  return full;
}

/** Capability names in bit order, de-duplicated. */
function canonicalOrder(caps: Iterable<string>): string[] {
  return [...new Set(caps)].sort((a, b) => (CAP_INDEX.get(a) ?? 0) - (CAP_INDEX.get(b) ?? 0));
}

/**
 * The final capability set of a container, with Docker's semantics (docker run reference,
 * "--cap-add/--cap-drop"):
 *   - privileged: every capability (add/drop ignored, as Docker does);
 *   - ALL in cap-add: every capability except the ones named in cap-drop;
 *   - ALL in cap-drop (and not in cap-add): only the ones named in cap-add;
 *   - otherwise: the defaults minus cap-drop, then plus cap-add (so naming a capability in both
 *     keeps it: the add is applied last).
 * `available` is the set the engine itself holds (its bounding set). Capabilities outside it cannot be
 * granted by runc (capset fails with EPERM), so "every capability" and the defaults are trimmed to it,
 * and an explicit cap-add outside it is refused — Docker does the same in restricted environments.
 * The result is in capability-number order.
 */
export function resolveCapabilities(
  capAdd: readonly string[] | null | undefined,
  capDrop: readonly string[] | null | undefined,
  privileged: boolean,
  available?: readonly string[],
): string[] {
  const avail = available ? new Set(available.map((c) => normalizeCapability(c))) : undefined;
  const allCaps = ALL_CAPABILITIES.filter((c) => !avail || avail.has(c));
  if (privileged) return [...allCaps];

  const adds = (capAdd ?? []).map(normalizeCapability);
  const drops = (capDrop ?? []).map(normalizeCapability);
  if (avail) {
    for (const c of adds) {
      if (c !== 'ALL' && !avail.has(c)) {
        throw invalidArgument(`capability ${c} is not supported by the kernel or not available in this environment`);
      }
    }
  }

  let result: string[];
  if (adds.includes('ALL')) {
    result = allCaps.filter((c) => !drops.includes(c));
  } else if (drops.includes('ALL')) {
    result = adds;
  } else {
    result = DEFAULT_CAPABILITIES.filter((c) => !drops.includes(c) && (!avail || avail.has(c)));
    result.push(...adds);
  }
  return canonicalOrder(result);
}

/** Capability bit mask, as printed (in hex) by /proc/<pid>/status CapEff/CapBnd. */
export function capabilityMask(caps: Iterable<string>): bigint {
  let mask = 0n;
  for (const c of caps) {
    const idx = CAP_INDEX.get(normalizeCapability(c));
    if (idx !== undefined) mask |= 1n << BigInt(idx);
  }
  return mask;
}

/**
 * Capability names present in a mask: the inverse of capabilityMask. Accepts the hex text of
 * /proc/self/status CapBnd ("000001fffeffffff"), so the engine can compute `available`.
 * Bits above CAP_LAST_CAP that this table does not know are ignored.
 */
export function capabilitiesFromMask(mask: bigint | string): string[] {
  let m: bigint;
  if (typeof mask === 'bigint') {
    m = mask;
  } else {
    const text = mask.trim().replace(/^0x/i, '');
    if (!/^[0-9a-fA-F]+$/.test(text)) throw invalidArgument(`invalid capability mask ${JSON.stringify(mask)}`);
    m = BigInt(`0x${text}`);
  }
  return ALL_CAPABILITIES.filter((_c, i) => (m >> BigInt(i)) & 1n);
}
