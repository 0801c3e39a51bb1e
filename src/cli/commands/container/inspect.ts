import type { Command } from '../../command.js';
import { INSPECT_FLAGS, inspectObjects } from '../inspect-objects.js';
import { fmt } from '../system/inspect.js';

const command: Command = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Display detailed information on one or more containers',
  flags: INSPECT_FLAGS,
  minArgs: 1,
  run: (env, p) => inspectObjects(env, p.args, ['container'], fmt(p.flags.format)),
};

export default command;
