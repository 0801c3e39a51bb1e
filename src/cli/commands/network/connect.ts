import type { Command } from '../../command.js';
import { keyValues } from '../confirm.js';

const command: Command = {
  usage: '[OPTIONS] NETWORK CONTAINER',
  description: 'Connect a container to a network',
  flags: [
    { name: 'alias', type: 'list', value: 'strings', description: 'Add network-scoped alias for the container' },
    { name: 'driver-opt', type: 'list', value: 'strings', description: 'driver options for the network' },
    { name: 'ip', type: 'string', description: 'IPv4 address (e.g., "172.30.100.104")' },
  ],
  minArgs: 2,
  maxArgs: 2,
  async run(env, p) {
    const [network, container] = p.args as [string, string];
    const aliases = (p.flags.alias as string[]) ?? [];
    const ip = p.flags.ip as string | undefined;
    const opts = (p.flags['driver-opt'] as string[]) ?? [];
    await env.client.call('POST', `/networks/${encodeURIComponent(network)}/connect`, {
      body: {
        Container: container,
        EndpointConfig: {
          ...(aliases.length ? { Aliases: aliases } : {}),
          ...(ip ? { IPAMConfig: { IPv4Address: ip } } : {}),
          ...(opts.length ? { DriverOpts: keyValues(opts) } : {}),
        },
      },
    });
    return 0;
  },
};

export default command;
