import { ApiError } from '../../../api/client/api-client.js';
import type { Command } from '../../command.js';
import { forEachTarget } from '../container/for-each.js';

const command: Command = {
  usage: 'NETWORK [NETWORK...]',
  description: 'Remove one or more networks',
  flags: [{ name: 'force', short: 'f', type: 'bool', description: 'Do not error if the network does not exist' }],
  minArgs: 1,
  async run(env, p) {
    return forEachTarget(env, p.args, async (n) => {
      try {
        await env.client.call('DELETE', `/networks/${encodeURIComponent(n)}`);
      } catch (e) {
        if (p.flags.force && e instanceof ApiError && e.status === 404) return;
        throw e;
      }
    });
  },
};

export default command;
