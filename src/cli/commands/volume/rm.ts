import type { Command } from '../../command.js';
import { forEachTarget } from '../container/for-each.js';

const command: Command = {
  usage: '[OPTIONS] VOLUME [VOLUME...]',
  description: 'Remove one or more volumes',
  flags: [{ name: 'force', short: 'f', type: 'bool', description: 'Force the removal of one or more volumes' }],
  minArgs: 1,
  async run(env, p) {
    return forEachTarget(env, p.args, (v) =>
      env.client.call('DELETE', `/volumes/${encodeURIComponent(v)}`, { query: { force: p.flags.force ? true : undefined } }).then(() => {}),
    );
  },
};

export default command;
