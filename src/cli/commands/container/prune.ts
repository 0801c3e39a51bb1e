import type { Command } from '../../command.js';
import { humanSize } from '../../format/human.js';
import { confirm } from '../confirm.js';
import { filtersQuery } from '../filters-flag.js';

const command: Command = {
  usage: '[OPTIONS]',
  description: 'Remove all stopped containers',
  flags: [
    { name: 'filter', type: 'list', value: 'filter', description: 'Provide filter values (e.g. "until=<timestamp>")' },
    { name: 'force', short: 'f', type: 'bool', description: 'Do not prompt for confirmation' },
  ],
  maxArgs: 0,
  async run(env, p) {
    if (!p.flags.force && !(await confirm(env, 'WARNING! This will remove all stopped containers.'))) return 0;
    const r = await env.client.json<{ ContainersDeleted: string[] | null; SpaceReclaimed: number }>('POST', '/containers/prune', {
      query: { filters: filtersQuery(p.flags.filter as string[]) },
    });
    const deleted = r.ContainersDeleted ?? [];
    let out = '';
    if (deleted.length) out += `Deleted Containers:\n${deleted.map((id) => `${id}\n`).join('')}\n`;
    out += `Total reclaimed space: ${humanSize(r.SpaceReclaimed ?? 0)}\n`;
    env.stdout.write(out);
    return 0;
  },
};

export default command;
