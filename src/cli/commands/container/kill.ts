import type { Command } from '../../command.js';
import { forEachTarget } from './for-each.js';

const command: Command = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Kill one or more running containers',
  flags: [{ name: 'signal', short: 's', type: 'string', description: 'Signal to send to the container' }],
  minArgs: 1,
  async run(env, p) {
    return forEachTarget(env, p.args, (c) =>
      env.client.call('POST', `/containers/${encodeURIComponent(c)}/kill`, { query: { signal: p.flags.signal as string | undefined } }).then(() => {}),
    );
  },
};

export default command;
