import type { Command } from '../../command.js';
import { inspectObjects } from '../inspect-objects.js';
import { fmt } from '../system/inspect.js';

const command: Command = {
  usage: '[OPTIONS] VOLUME [VOLUME...]',
  description: 'Display detailed information on one or more volumes',
  flags: [{ name: 'format', short: 'f', type: 'string', description: "Format output using a custom template: 'json', 'TEMPLATE'" }],
  minArgs: 1,
  run: (env, p) => inspectObjects(env, p.args, ['volume'], fmt(p.flags.format)),
};

export default command;
