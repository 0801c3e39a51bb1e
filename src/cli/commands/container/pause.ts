import type { Command } from '../../command.js';
import { forEachTarget } from './for-each.js';

const command: Command = {
  usage: 'CONTAINER [CONTAINER...]',
  description: 'Pause all processes within one or more containers',
  flags: [],
  minArgs: 1,
  async run(env, p) {
    return forEachTarget(env, p.args, (c) => env.client.call('POST', `/containers/${encodeURIComponent(c)}/pause`).then(() => {}));
  },
};

export default command;
