import { existsSync, readFileSync } from 'node:fs';
import { release, hostname, cpus, totalmem } from 'node:os';

/** Facts about the host that shape container specs; read once at daemon start. */
export interface HostInfo {
  /** What runc will use: 2 only on a pure unified hierarchy (cgroup.controllers at the root). */
  cgroupVersion: 1 | 2;
  swapAccounting: boolean;
  /** Hard rlimits by Docker ulimit name, from /proc/self/limits. */
  rlimitHardMax: Record<string, number>;
  kernelVersion: string;
  operatingSystem: string;
  hostname: string;
  ncpu: number;
  memTotal: number;
  /** CapBnd of the daemon itself, hex: containers cannot get more than this. */
  capBoundingMask: string;
}

const LIMIT_NAMES: Record<string, string> = {
  'Max cpu time': 'cpu',
  'Max file size': 'fsize',
  'Max data size': 'data',
  'Max stack size': 'stack',
  'Max core file size': 'core',
  'Max resident set': 'rss',
  'Max processes': 'nproc',
  'Max open files': 'nofile',
  'Max locked memory': 'memlock',
  'Max address space': 'as',
  'Max file locks': 'locks',
  'Max pending signals': 'sigpending',
  'Max msgqueue size': 'msgqueue',
  'Max nice priority': 'nice',
  'Max realtime priority': 'rtprio',
  'Max realtime timeout': 'rttime',
};

export function readRlimitHardMax(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n').slice(1)) {
    const name = Object.keys(LIMIT_NAMES).find((k) => line.startsWith(k));
    if (!name) continue;
    const cols = line.slice(name.length).trim().split(/\s+/);
    const hard = cols[1];
    if (hard && hard !== 'unlimited') out[LIMIT_NAMES[name]!] = Number(hard);
  }
  return out;
}

function osName(): string {
  try {
    const m = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'));
    if (m) return m[1]!;
  } catch {
    /* fall through */
  }
  return 'Linux';
}

export function readHostInfo(): HostInfo {
  const v2 = existsSync('/sys/fs/cgroup/cgroup.controllers');
  const swap = v2
    ? existsSync('/sys/fs/cgroup/memory.swap.max') || readFileSafe('/sys/fs/cgroup/cgroup.subtree_control').includes('memory')
    : existsSync('/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes');
  return {
    cgroupVersion: v2 ? 2 : 1,
    swapAccounting: swap,
    rlimitHardMax: readRlimitHardMax(readFileSafe('/proc/self/limits')),
    kernelVersion: release(),
    operatingSystem: osName(),
    hostname: hostname(),
    ncpu: cpus().length,
    memTotal: totalmem(),
    capBoundingMask: /^CapBnd:\s*([0-9a-f]+)/m.exec(readFileSafe('/proc/self/status'))?.[1] ?? 'ffffffffff',
  };
}

function readFileSafe(p: string): string {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return '';
  }
}
