import type { Command } from '../../command.js';
import { INSPECT_FLAGS, inspectObjects } from '../inspect-objects.js';
import { fmt } from '../system/inspect.js';

const command: Command = {
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  description: 'Display detailed information on one or more images',
  flags: INSPECT_FLAGS.filter((f) => f.name === 'format'),
  minArgs: 1,
  run: (env, p) => inspectObjects(env, p.args, ['image'], fmt(p.flags.format)),
};

export default command;
