import { readFile } from 'node:fs/promises';
import { readCgroupStats, systemCpuUsage, parseNetDev, type CgroupSample, type NetStats } from '../../runtime/cgroup-stats.js';
import { ZERO_TIME } from '../../core/container-types.js';
import type { ContainerService } from './container-service.js';
import { nowRfc3339Nano } from '../../core/clock.js';

/** One stats sample in the Engine API's shape, without the `pre*` fields the API layer adds. */
export interface StatsSample extends CgroupSample {
  read: string;
  name: string;
  id: string;
  num_procs: number;
  storage_stats: Record<string, never>;
  cpu_stats: CgroupSample['cpu_stats'] & { system_cpu_usage?: number; online_cpus?: number };
  networks?: Record<string, NetStats>;
}

/** What a container that is not running reports: docker's zero values. */
function emptySample(name: string, id: string): StatsSample {
  return {
    read: ZERO_TIME,
    name,
    id,
    num_procs: 0,
    storage_stats: {},
    cpu_stats: { cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 }, throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 } },
    memory_stats: {},
    pids_stats: {},
    blkio_stats: {
      io_service_bytes_recursive: null, io_serviced_recursive: null, io_queue_recursive: null, io_service_time_recursive: null,
      io_wait_time_recursive: null, io_merged_recursive: null, io_time_recursive: null, sectors_recursive: null,
    },
  };
}

/** `GET /containers/{id}/stats`: one sample of CPU, memory, pids, block and network I/O. */
export async function containerStats(svc: ContainerService, ref: string): Promise<StatsSample> {
  const { ctx } = svc;
  const c = ctx.containers.get(ref);
  if (!c.state.Running || c.state.Restarting) return emptySample(c.name, c.id);
  let cg: CgroupSample;
  try {
    cg = await readCgroupStats(await ctx.runc.cgroupPaths(c.id));
  } catch {
    // It stopped between the check and the read.
    return emptySample(c.name, c.id);
  }
  const procStat = await readFile('/proc/stat', 'utf8');
  // A limit above the host's memory (or none) shows as the host's memory, as with docker.
  const limit = cg.memory_stats.limit;
  cg.memory_stats.limit = limit === undefined || limit > ctx.host.memTotal ? ctx.host.memTotal : limit;
  const sample: StatsSample = {
    ...cg,
    read: nowRfc3339Nano(),
    name: c.name,
    id: c.id,
    num_procs: 0,
    storage_stats: {},
    cpu_stats: { ...cg.cpu_stats, system_cpu_usage: systemCpuUsage(procStat), online_cpus: ctx.host.ncpu },
  };
  if (c.hostConfig.NetworkMode !== 'host' && c.state.Pid) {
    const dev = await readFile(`/proc/${c.state.Pid}/net/dev`, 'utf8').catch(() => undefined);
    if (dev !== undefined) sample.networks = parseNetDev(dev);
  }
  return sample;
}
