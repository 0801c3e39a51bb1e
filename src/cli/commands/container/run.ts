import { writeFileSync } from 'node:fs';
import { ApiError } from '../../../api/client/api-client.js';
import { StatusError, type Command } from '../../command.js';
import { attachStreams, startFailureStatus, waitForExit } from './container-io.js';
import { createContainer } from './create-container.js';
import { buildCreateRequest, CREATE_FLAGS } from './create-flags.js';

const command: Command = {
  usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  description: 'Create and run a new container from an image',
  flags: [
    { name: 'detach', short: 'd', type: 'bool', description: 'Run container in background and print container ID' },
    { name: 'detach-keys', type: 'string', description: 'Override the key sequence for detaching a container' },
    { name: 'sig-proxy', type: 'bool', default: true, description: 'Proxy received signals to the process' },
    ...CREATE_FLAGS,
  ],
  interspersed: false,
  minArgs: 1,
  failureExit: 125,
  async run(env, p) {
    const detach = Boolean(p.flags.detach);
    const req = buildCreateRequest(p.flags, p.args, detach);
    const id = await createContainer(env, req, String(p.flags.pull ?? 'missing'), Boolean(p.flags.quiet));
    if (p.flags.cidfile) writeFileSync(String(p.flags.cidfile), id, { flag: 'wx' });
    const start = async () => {
      try {
        await env.client.call('POST', `/containers/${id}/start`);
      } catch (e) {
        if (e instanceof ApiError) {
          throw new StatusError(`berth: Error response from daemon: ${e.message}.`, startFailureStatus(e));
        }
        throw e;
      }
    };
    if (detach) {
      await start();
      env.stdout.write(`${id}\n`);
      return 0;
    }
    const body = req.body as { AttachStdin: boolean; AttachStdout: boolean; AttachStderr: boolean; Tty: boolean };
    const streams = await attachStreams(env, id, { stdin: body.AttachStdin, stdout: body.AttachStdout, stderr: body.AttachStderr, tty: body.Tty });
    const status = waitForExit(env.client, id, p.flags.rm ? 'removed' : 'next-exit');
    status.catch(() => {});
    try {
      await start();
    } catch (e) {
      streams.close();
      throw e;
    }
    const code = await status;
    await streams.done;
    return code;
  },
};

export default command;
