import type { Command } from '../../command.js';
import { humanSize } from '../../format/human.js';
import { confirm } from '../confirm.js';
import { filtersQuery } from '../filters-flag.js';

const command: Command = {
  usage: '[OPTIONS]',
  description: 'Remove unused local volumes',
  flags: [
    { name: 'all', short: 'a', type: 'bool', description: 'Remove all unused volumes, not just anonymous ones' },
    { name: 'filter', type: 'list', value: 'filter', description: 'Provide filter values (e.g. "label=<label>")' },
    { name: 'force', short: 'f', type: 'bool', description: 'Do not prompt for confirmation' },
  ],
  maxArgs: 0,
  async run(env, p) {
    const all = Boolean(p.flags.all);
    const warning = all
      ? 'WARNING! This will remove all local volumes not used by at least one container.'
      : 'WARNING! This will remove anonymous local volumes not used by at least one container.';
    if (!p.flags.force && !(await confirm(env, warning))) return 0;
    const filters = [...((p.flags.filter as string[]) ?? []), ...(all ? ['all=true'] : [])];
    const r = await env.client.json<{ VolumesDeleted: string[] | null; SpaceReclaimed: number }>('POST', '/volumes/prune', { query: { filters: filtersQuery(filters) } });
    const deleted = r.VolumesDeleted ?? [];
    let out = '';
    if (deleted.length) out += `Deleted Volumes:\n${deleted.map((n) => `${n}\n`).join('')}\n`;
    out += `Total reclaimed space: ${humanSize(r.SpaceReclaimed ?? 0)}\n`;
    env.stdout.write(out);
    return 0;
  },
};

export default command;
