import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Resource usage of one container read from its cgroups, in the Engine API's stats shape
 * (https://docs.docker.com/engine/api/v1.45/#tag/Container/operation/ContainerStats).
 * cgroup v1 keeps one directory per controller; v2 one unified directory
 * (https://docs.kernel.org/admin-guide/cgroup-v2.html).
 */
export interface BlkioEntry {
  major: number;
  minor: number;
  op: string;
  value: number;
}

export interface CgroupSample {
  cpu_stats: {
    cpu_usage: { total_usage: number; percpu_usage?: number[]; usage_in_kernelmode: number; usage_in_usermode: number };
    throttling_data: { periods: number; throttled_periods: number; throttled_time: number };
  };
  memory_stats: { usage?: number; max_usage?: number; failcnt?: number; stats?: Record<string, number>; limit?: number };
  pids_stats: { current?: number; limit?: number };
  blkio_stats: {
    io_service_bytes_recursive: BlkioEntry[] | null;
    io_serviced_recursive: BlkioEntry[] | null;
    io_queue_recursive: BlkioEntry[] | null;
    io_service_time_recursive: BlkioEntry[] | null;
    io_wait_time_recursive: BlkioEntry[] | null;
    io_merged_recursive: BlkioEntry[] | null;
    io_time_recursive: BlkioEntry[] | null;
    sectors_recursive: BlkioEntry[] | null;
  };
}

/** USER_HZ: cpuacct.stat and /proc/stat count in these ticks. */
const TICK_NS = 1e9 / 100;
/** What v1 reports as "no limit" (and anything above the host's memory is no limit either). */
const V1_UNLIMITED = 2n ** 62n;

async function text(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').catch(() => undefined);
}

async function num(path: string): Promise<number | undefined> {
  const t = (await text(path))?.trim();
  if (t === undefined || t === '' || t === 'max') return undefined;
  const n = BigInt(t);
  return n >= V1_UNLIMITED ? undefined : Number(n);
}

/** "key value" lines (memory.stat, cpu.stat, cpuacct.stat). */
export function keyValues(t: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of (t ?? '').split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && /^\d+$/.test(v)) out[k] = Number(v);
  }
  return out;
}

/** v1 blkio "8:0 Read 4096" lines; the device-less "Total" line is dropped. */
export function parseBlkioV1(t: string | undefined): BlkioEntry[] {
  const out: BlkioEntry[] = [];
  for (const line of (t ?? '').split('\n')) {
    const m = /^(\d+):(\d+) (\w+) (\d+)$/.exec(line.trim());
    if (m) out.push({ major: Number(m[1]), minor: Number(m[2]), op: m[3]!, value: Number(m[4]) });
  }
  return out;
}

/** v2 io.stat "8:0 rbytes=1 wbytes=2 rios=3 wios=4 ..." as docker reports it (ops "read"/"write"). */
export function parseIoStatV2(t: string | undefined): { bytes: BlkioEntry[]; ios: BlkioEntry[] } {
  const bytes: BlkioEntry[] = [];
  const ios: BlkioEntry[] = [];
  for (const line of (t ?? '').split('\n')) {
    const [dev, ...pairs] = line.trim().split(/\s+/);
    const m = /^(\d+):(\d+)$/.exec(dev ?? '');
    if (!m) continue;
    const kv = Object.fromEntries(pairs.map((p) => p.split('=') as [string, string]));
    const major = Number(m[1]);
    const minor = Number(m[2]);
    bytes.push({ major, minor, op: 'read', value: Number(kv.rbytes ?? 0) }, { major, minor, op: 'write', value: Number(kv.wbytes ?? 0) });
    ios.push({ major, minor, op: 'read', value: Number(kv.rios ?? 0) }, { major, minor, op: 'write', value: Number(kv.wios ?? 0) });
  }
  return { bytes, ios };
}

function blkio(bytes: BlkioEntry[] | null, ios: BlkioEntry[] | null): CgroupSample['blkio_stats'] {
  return {
    io_service_bytes_recursive: bytes,
    io_serviced_recursive: ios,
    io_queue_recursive: null,
    io_service_time_recursive: null,
    io_wait_time_recursive: null,
    io_merged_recursive: null,
    io_time_recursive: null,
    sectors_recursive: null,
  };
}

/** cgroup v1: one directory per controller (runc's state.json cgroup_paths). */
export async function readCgroupV1(paths: Record<string, string>): Promise<CgroupSample> {
  const cpuacct = paths.cpuacct ?? paths.cpu ?? '';
  const acct = keyValues(await text(join(cpuacct, 'cpuacct.stat')));
  const throttle = keyValues(await text(join(paths.cpu ?? cpuacct, 'cpu.stat')));
  const percpu = ((await text(join(cpuacct, 'cpuacct.usage_percpu'))) ?? '').trim().split(/\s+/).filter(Boolean).map(Number);
  const mem = paths.memory ?? '';
  const blk = paths.blkio ?? '';
  let bytes = parseBlkioV1(await text(join(blk, 'blkio.io_service_bytes_recursive')));
  let ios = parseBlkioV1(await text(join(blk, 'blkio.io_serviced_recursive')));
  // Without the CFQ scheduler those files are empty; docker falls back to the throttle ones.
  if (bytes.length === 0) bytes = parseBlkioV1(await text(join(blk, 'blkio.throttle.io_service_bytes_recursive')));
  if (ios.length === 0) ios = parseBlkioV1(await text(join(blk, 'blkio.throttle.io_serviced_recursive')));
  return {
    cpu_stats: {
      cpu_usage: {
        total_usage: (await num(join(cpuacct, 'cpuacct.usage'))) ?? 0,
        percpu_usage: percpu,
        usage_in_kernelmode: (acct.system ?? 0) * TICK_NS,
        usage_in_usermode: (acct.user ?? 0) * TICK_NS,
      },
      throttling_data: { periods: throttle.nr_periods ?? 0, throttled_periods: throttle.nr_throttled ?? 0, throttled_time: throttle.throttled_time ?? 0 },
    },
    memory_stats: {
      usage: await num(join(mem, 'memory.usage_in_bytes')),
      max_usage: await num(join(mem, 'memory.max_usage_in_bytes')),
      failcnt: await num(join(mem, 'memory.failcnt')),
      stats: keyValues(await text(join(mem, 'memory.stat'))),
      limit: await num(join(mem, 'memory.limit_in_bytes')),
    },
    pids_stats: { current: await num(join(paths.pids ?? '', 'pids.current')), limit: await num(join(paths.pids ?? '', 'pids.max')) },
    blkio_stats: blkio(bytes, ios),
  };
}

/** cgroup v2: one unified directory. */
export async function readCgroupV2(dir: string): Promise<CgroupSample> {
  const cpu = keyValues(await text(join(dir, 'cpu.stat')));
  const io = parseIoStatV2(await text(join(dir, 'io.stat')));
  return {
    cpu_stats: {
      cpu_usage: {
        total_usage: (cpu.usage_usec ?? 0) * 1000,
        usage_in_kernelmode: (cpu.system_usec ?? 0) * 1000,
        usage_in_usermode: (cpu.user_usec ?? 0) * 1000,
      },
      throttling_data: { periods: cpu.nr_periods ?? 0, throttled_periods: cpu.nr_throttled ?? 0, throttled_time: (cpu.throttled_usec ?? 0) * 1000 },
    },
    memory_stats: {
      usage: await num(join(dir, 'memory.current')),
      stats: keyValues(await text(join(dir, 'memory.stat'))),
      limit: await num(join(dir, 'memory.max')),
    },
    pids_stats: { current: await num(join(dir, 'pids.current')), limit: await num(join(dir, 'pids.max')) },
    blkio_stats: blkio(io.bytes, io.ios),
  };
}

/** Pick the reader: a v1 memory controller path means v1 (also on hybrid hosts), else the unified one. */
export function readCgroupStats(paths: Record<string, string>): Promise<CgroupSample> {
  if (paths.memory || paths.cpuacct) return readCgroupV1(paths);
  return readCgroupV2(paths[''] ?? '');
}

/** Total CPU time of the host in nanoseconds (/proc/stat's first line), docker's system_cpu_usage. */
export function systemCpuUsage(procStat: string): number {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return 0;
  return line.trim().split(/\s+/).slice(1, 8).reduce((s, v) => s + Number(v), 0) * TICK_NS;
}

export interface NetStats {
  rx_bytes: number;
  rx_packets: number;
  rx_errors: number;
  rx_dropped: number;
  tx_bytes: number;
  tx_packets: number;
  tx_errors: number;
  tx_dropped: number;
}

/** /proc/<pid>/net/dev of the container's init: its network namespace's interfaces, loopback left out. */
export function parseNetDev(t: string): Record<string, NetStats> {
  const out: Record<string, NetStats> = {};
  for (const line of t.split('\n').slice(2)) {
    const i = line.indexOf(':');
    if (i < 0) continue;
    const name = line.slice(0, i).trim();
    if (name === 'lo') continue;
    const f = line.slice(i + 1).trim().split(/\s+/).map(Number);
    out[name] = {
      rx_bytes: f[0]!, rx_packets: f[1]!, rx_errors: f[2]!, rx_dropped: f[3]!,
      tx_bytes: f[8]!, tx_packets: f[9]!, tx_errors: f[10]!, tx_dropped: f[11]!,
    };
  }
  return out;
}
