import type { Command } from '../../command.js';
import { confirm } from '../confirm.js';
import { filtersQuery } from '../filters-flag.js';

const command: Command = {
  usage: '[OPTIONS]',
  description: 'Remove all unused networks',
  flags: [
    { name: 'filter', type: 'list', value: 'filter', description: 'Provide filter values (e.g. "until=<timestamp>")' },
    { name: 'force', short: 'f', type: 'bool', description: 'Do not prompt for confirmation' },
  ],
  maxArgs: 0,
  async run(env, p) {
    if (!p.flags.force && !(await confirm(env, 'WARNING! This will remove all custom networks not used by at least one container.'))) return 0;
    const r = await env.client.json<{ NetworksDeleted: string[] | null }>('POST', '/networks/prune', { query: { filters: filtersQuery(p.flags.filter as string[]) } });
    const deleted = r.NetworksDeleted ?? [];
    if (deleted.length) env.stdout.write(`Deleted Networks:\n${deleted.map((n) => `${n}\n`).join('')}`);
    return 0;
  },
};

export default command;
