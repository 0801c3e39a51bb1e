import type { Command } from '../../command.js';

const command: Command = {
  usage: 'NAME[:TAG] [--to DIGEST|-N]',
  description: 'Move a tag back to an image it pointed to before (berth extension; see berth image history --tags)',
  flags: [{ name: 'to', type: 'string', value: 'DIGEST|-N', description: 'Image ID or digest from the tag history, or -N for N versions back (default -1)' }],
  minArgs: 1,
  maxArgs: 1,
  async run(env, p) {
    const r = await env.client.json<{ Name: string; From: string; To: string }>('POST', `/images/${encodeURIComponent(p.args[0]!)}/rollback`, {
      query: { to: p.flags.to as string | undefined },
    });
    env.stdout.write(`Rolled back ${r.Name} from ${r.From.slice(7, 19)} to ${r.To.slice(7, 19)}\n`);
    return 0;
  },
};

export default command;
