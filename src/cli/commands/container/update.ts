import { StatusError, type Command } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { forEachTarget } from './for-each.js';
import { bytesFlag, parseCpus, parseRestart } from './create-flags.js';

/** The update body from docker update's flags; only the flags given are sent. */
function updateBody(flags: FlagValues): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const set = (k: string, v: unknown) => {
    if (v !== undefined) body[k] = v;
  };
  set('Memory', bytesFlag(flags, 'memory'));
  set('MemorySwap', bytesFlag(flags, 'memory-swap'));
  set('MemoryReservation', bytesFlag(flags, 'memory-reservation'));
  set('CpuShares', flags['cpu-shares']);
  set('CpuPeriod', flags['cpu-period']);
  set('CpuQuota', flags['cpu-quota']);
  set('CpusetCpus', flags['cpuset-cpus']);
  set('CpusetMems', flags['cpuset-mems']);
  set('BlkioWeight', flags['blkio-weight']);
  set('PidsLimit', flags['pids-limit']);
  if (flags.cpus !== undefined) body.NanoCpus = parseCpus(String(flags.cpus));
  if (flags.restart !== undefined) body.RestartPolicy = parseRestart(String(flags.restart));
  if (Object.keys(body).length === 0) throw new StatusError('you must provide one or more flags when using this command', 1);
  return body;
}

const command: Command = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Update configuration of one or more containers',
  flags: [
    { name: 'blkio-weight', type: 'int', description: 'Block IO (relative weight), between 10 and 1000, or 0 to disable (default 0)' },
    { name: 'cpu-period', type: 'int', description: 'Limit CPU CFS (Completely Fair Scheduler) period' },
    { name: 'cpu-quota', type: 'int', description: 'Limit CPU CFS (Completely Fair Scheduler) quota' },
    { name: 'cpu-shares', short: 'c', type: 'int', description: 'CPU shares (relative weight)' },
    { name: 'cpus', type: 'string', value: 'decimal', description: 'Number of CPUs' },
    { name: 'cpuset-cpus', type: 'string', description: 'CPUs in which to allow execution (0-3, 0,1)' },
    { name: 'cpuset-mems', type: 'string', description: 'MEMs in which to allow execution (0-3, 0,1)' },
    { name: 'memory', short: 'm', type: 'string', value: 'bytes', description: 'Memory limit' },
    { name: 'memory-reservation', type: 'string', value: 'bytes', description: 'Memory soft limit' },
    { name: 'memory-swap', type: 'string', value: 'bytes', description: "Swap limit equal to memory plus swap: -1 to enable unlimited swap" },
    { name: 'pids-limit', type: 'int', description: 'Tune container pids limit (set -1 for unlimited)' },
    { name: 'restart', type: 'string', description: 'Restart policy to apply when a container exits' },
  ],
  minArgs: 1,
  async run(env, p) {
    const body = updateBody(p.flags);
    return forEachTarget(env, p.args, async (c) => {
      const r = await env.client.json<{ Warnings?: string[] | null }>('POST', `/containers/${encodeURIComponent(c)}/update`, { body });
      for (const w of r.Warnings ?? []) env.stderr.write(`${w}\n`);
    });
  },
};

export default command;
