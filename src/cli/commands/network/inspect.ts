import type { Command } from '../../command.js';
import { inspectObjects } from '../inspect-objects.js';
import { fmt } from '../system/inspect.js';

const command: Command = {
  usage: '[OPTIONS] NETWORK [NETWORK...]',
  description: 'Display detailed information on one or more networks',
  flags: [
    { name: 'format', short: 'f', type: 'string', description: "Format output using a custom template: 'json', 'TEMPLATE'" },
    { name: 'verbose', short: 'v', type: 'bool', description: 'Verbose output for diagnostics' },
  ],
  minArgs: 1,
  run: (env, p) => inspectObjects(env, p.args, ['network'], fmt(p.flags.format)),
};

export default command;
