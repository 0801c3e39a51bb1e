import { UsageError } from '../../flags.js';
import type { Command } from '../../command.js';
import { keyValues } from '../confirm.js';

const command: Command = {
  usage: '[OPTIONS] [VOLUME]',
  description: 'Create a volume',
  flags: [
    { name: 'driver', short: 'd', type: 'string', default: 'local', description: 'Specify volume driver name' },
    { name: 'label', type: 'list', value: 'list', description: 'Set metadata for a volume' },
    { name: 'name', type: 'string', description: 'Specify volume name', hidden: true },
    { name: 'opt', short: 'o', type: 'list', value: 'map', description: 'Set driver specific options' },
  ],
  maxArgs: 1,
  async run(env, p) {
    const flagName = p.flags.name as string | undefined;
    if (flagName && p.args[0] && flagName !== p.args[0]) {
      throw new UsageError(`conflicting options: either specify --name or provide positional arg, not both`);
    }
    const v = await env.client.json<{ Name: string }>('POST', '/volumes/create', {
      body: {
        Name: p.args[0] ?? flagName ?? '',
        Driver: p.flags.driver,
        DriverOpts: keyValues(p.flags.opt as string[]),
        Labels: keyValues(p.flags.label as string[]),
      },
    });
    env.stdout.write(`${v.Name}\n`);
    return 0;
  },
};

export default command;
