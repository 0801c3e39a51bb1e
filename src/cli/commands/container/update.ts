import { StatusError, type Command } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { forEachTarget } from './for-each.js';
import { CREATE_FLAGS, bytesFlag, parseCpus, parseRestart } from './create-flags.js';

const UPDATE_FROM_CREATE = ['cpu-period', 'cpu-quota', 'cpu-shares', 'cpus', 'cpuset-cpus', 'cpuset-mems', 'memory', 'memory-reservation', 'memory-swap', 'pids-limit'];

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
    // The resource flags are run's own; only the ones given are sent, so none carries a default.
    ...CREATE_FLAGS.filter((f) => UPDATE_FROM_CREATE.includes(f.name)).map((f) => ({ ...f, default: undefined })),
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
