import { writeFileSync } from 'node:fs';
import { ApiError } from '../../../api/client/api-client.js';
import { StatusError, type Command } from '../../command.js';
import { attachStreams, checkInputTerminal, consoleSize, followTerminalSize, proxySignals, startFailureStatus, waitForExit } from './container-io.js';
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
    const tty = Boolean(p.flags.tty);
    if (!detach) checkInputTerminal(env, Boolean(p.flags.interactive), tty, 1);
    const size = tty ? consoleSize(env) : undefined;
    if (size) (req.body.HostConfig as Record<string, unknown>).ConsoleSize = size;
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
    const detachKeys = p.flags['detach-keys'] as string | undefined;
    const streams = await attachStreams(env, id, { stdin: body.AttachStdin, stdout: body.AttachStdout, stderr: body.AttachStderr, tty: body.Tty, detachKeys });
    const status = waitForExit(env.client, id, p.flags.rm ? 'removed' : 'next-exit');
    status.catch(() => {});
    try {
      await start();
    } catch (e) {
      streams.close();
      await streams.done;
      throw e;
    }
    const stopResize = body.Tty ? followTerminalSize(env, `/containers/${id}/resize`) : () => {};
    const stopSignals = p.flags['sig-proxy'] && !body.Tty ? proxySignals(env, id) : () => {};
    try {
      // Detached with the detach keys: the container keeps running, and so does not report an exit.
      if ((await Promise.race([streams.done, status.then(() => 'exited' as const)])) === 'detached') return 0;
      const code = await status;
      await streams.done;
      return code;
    } finally {
      stopResize();
      stopSignals();
    }
  },
};

export default command;
