import { ApiError } from '../../../api/client/api-client.js';
import type { Command } from '../../command.js';

const command: Command = {
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  description: 'Remove one or more images',
  flags: [
    { name: 'force', short: 'f', type: 'bool', description: 'Force removal of the image' },
    { name: 'no-prune', type: 'bool', description: 'Do not delete untagged parents' },
  ],
  minArgs: 1,
  async run(env, p) {
    let failed = false;
    for (const ref of p.args) {
      try {
        const items = await env.client.json<({ Untagged?: string; Deleted?: string })[]>('DELETE', `/images/${encodeURIComponent(ref)}`, {
          query: { force: Boolean(p.flags.force), noprune: Boolean(p.flags['no-prune']) },
        });
        for (const it of items) env.stdout.write(it.Untagged ? `Untagged: ${it.Untagged}\n` : `Deleted: ${it.Deleted}\n`);
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        failed = true;
        env.stderr.write(`Error response from daemon: ${e.message}\n`);
      }
    }
    return failed ? 1 : 0;
  },
};

export default command;
