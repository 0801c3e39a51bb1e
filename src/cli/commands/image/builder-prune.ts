import { createInterface } from 'node:readline/promises';
import type { Command } from '../../command.js';
import { humanSize } from '../../format/human.js';
import { filtersQuery } from '../filters-flag.js';

const command: Command = {
  usage: '[OPTIONS]',
  description: 'Remove build cache',
  flags: [
    { name: 'all', short: 'a', type: 'bool', description: 'Remove all unused build cache, not just dangling ones' },
    { name: 'filter', type: 'list', value: 'filter', description: "Provide filter values (e.g. 'until=24h')" },
    { name: 'force', short: 'f', type: 'bool', description: 'Do not prompt for confirmation' },
    { name: 'keep-storage', type: 'string', value: 'bytes', description: 'Amount of disk space to keep for cache' },
  ],
  maxArgs: 0,
  async run(env, p) {
    if (!p.flags.force) {
      const rl = createInterface({ input: env.stdin, output: env.stdout });
      const answer = await rl.question(`WARNING! This will remove all dangling build cache. Are you sure you want to continue? [y/N] `);
      rl.close();
      if (!/^y(es)?$/i.test(answer.trim())) return 0;
    }
    const keep = p.flags['keep-storage'] as string | undefined;
    const r = await env.client.json<{ CachesDeleted: string[] | null; SpaceReclaimed: number }>('POST', '/build/prune', {
      query: { all: Boolean(p.flags.all), filters: filtersQuery(p.flags.filter as string[]), 'keep-storage': keep ? String(parseBytes(keep)) : undefined },
    });
    const deleted = r.CachesDeleted ?? [];
    if (deleted.length) env.stdout.write(`Deleted build cache objects:\n${deleted.join('\n')}\n\n`);
    env.stdout.write(`Total reclaimed space: ${humanSize(r.SpaceReclaimed)}\n`);
    return 0;
  },
};

function parseBytes(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)b?$/i.exec(s.trim());
  if (!m) return Number(s);
  const mult = { '': 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12 }[m[2]!.toLowerCase() as ''];
  return Math.round(Number(m[1]) * mult);
}

export default command;
