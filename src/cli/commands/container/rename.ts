import type { Command } from '../../command.js';
import { UsageError } from '../../flags.js';

const command: Command = {
  usage: 'CONTAINER NEW_NAME',
  description: 'Rename a container',
  flags: [],
  minArgs: 2,
  maxArgs: 2,
  async run(env, p) {
    const [ref, name] = p.args as [string, string];
    if (!name.trim()) throw new UsageError('Error: Neither old nor new names may be empty');
    await env.client.call('POST', `/containers/${encodeURIComponent(ref)}/rename`, { query: { name: name.trim() } });
    return 0;
  },
};

export default command;
