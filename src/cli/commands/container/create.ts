import type { Command } from '../../command.js';
import { createContainer } from './create-container.js';
import { buildCreateRequest, CREATE_FLAGS } from './create-flags.js';

const command: Command = {
  usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  description: 'Create a new container',
  flags: CREATE_FLAGS,
  interspersed: false,
  minArgs: 1,
  failureExit: 125,
  async run(env, p) {
    const req = buildCreateRequest(p.flags, p.args, true);
    // A created container is attached by `start -a`; record what run would attach.
    Object.assign(req.body, { AttachStdout: true, AttachStderr: true, AttachStdin: Boolean(p.flags.interactive) });
    const id = await createContainer(env, req, String(p.flags.pull ?? 'missing'), Boolean(p.flags.quiet));
    env.stdout.write(`${id}\n`);
    return 0;
  },
};

export default command;
