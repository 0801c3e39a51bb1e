import type { Command } from '../../command.js';
import { tabwrite } from '../../format/table.js';

const command: Command = {
  usage: 'CONTAINER [ps OPTIONS]',
  description: 'Display the running processes of a container',
  flags: [],
  // Everything after the container goes to ps, dashes included.
  interspersed: false,
  minArgs: 1,
  async run(env, p) {
    const [ref, ...psArgs] = p.args as [string, ...string[]];
    const r = await env.client.json<{ Titles: string[]; Processes: string[][] | null }>('GET', `/containers/${encodeURIComponent(ref)}/top`, {
      query: { ps_args: psArgs.length ? psArgs.join(' ') : undefined },
    });
    const rows = [r.Titles, ...(r.Processes ?? [])].map((cols) => cols.join('\t'));
    env.stdout.write(tabwrite(rows.join('\n') + '\n', 20, 1, 3));
    return 0;
  },
};

export default command;
