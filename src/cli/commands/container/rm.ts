import type { Command } from '../../command.js';
import { forEachTarget } from './for-each.js';

const command: Command = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Remove one or more containers',
  flags: [
    { name: 'force', short: 'f', type: 'bool', description: 'Force the removal of a running container (uses SIGKILL)' },
    { name: 'volumes', short: 'v', type: 'bool', description: 'Remove anonymous volumes associated with the container' },
    { name: 'link', short: 'l', type: 'bool', description: 'Remove the specified link' },
  ],
  minArgs: 1,
  async run(env, p) {
    return forEachTarget(env, p.args, (c) =>
      env.client.call('DELETE', `/containers/${encodeURIComponent(c)}`, { query: { force: Boolean(p.flags.force), v: Boolean(p.flags.volumes) } }).then(() => {}),
    );
  },
};

export default command;
