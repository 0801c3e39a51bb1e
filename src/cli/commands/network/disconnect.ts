import type { Command } from '../../command.js';

const command: Command = {
  usage: '[OPTIONS] NETWORK CONTAINER',
  description: 'Disconnect a container from a network',
  flags: [{ name: 'force', short: 'f', type: 'bool', description: 'Force the container to disconnect from a network' }],
  minArgs: 2,
  maxArgs: 2,
  async run(env, p) {
    const [network, container] = p.args as [string, string];
    await env.client.call('POST', `/networks/${encodeURIComponent(network)}/disconnect`, { body: { Container: container, Force: Boolean(p.flags.force) } });
    return 0;
  },
};

export default command;
