import { ApiError } from '../../../api/client/api-client.js';
import { StatusError, type Command } from '../../command.js';
import { attachStreams, startFailureStatus, waitForExit } from './container-io.js';
import { forEachTarget } from './for-each.js';

const command: Command = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Start one or more stopped containers',
  flags: [
    { name: 'attach', short: 'a', type: 'bool', description: "Attach STDOUT/STDERR and forward signals" },
    { name: 'interactive', short: 'i', type: 'bool', description: "Attach container's STDIN" },
    { name: 'detach-keys', type: 'string', description: 'Override the key sequence for detaching a container' },
  ],
  minArgs: 1,
  async run(env, p) {
    if (!p.flags.attach && !p.flags.interactive) {
      return forEachTarget(env, p.args, (t) => env.client.call('POST', `/containers/${encodeURIComponent(t)}/start`).then(() => {}));
    }
    if (p.args.length > 1) throw new StatusError('you cannot start and attach multiple containers at once', 1);
    const info = await env.client.json<{ Id: string; Config: { Tty: boolean; OpenStdin: boolean } }>('GET', `/containers/${encodeURIComponent(p.args[0]!)}/json`);
    const streams = await attachStreams(env, info.Id, { stdin: Boolean(p.flags.interactive) && info.Config.OpenStdin, stdout: true, stderr: true, tty: info.Config.Tty, detachKeys: p.flags['detach-keys'] as string | undefined });
    const status = waitForExit(env.client, info.Id, 'next-exit');
    status.catch(() => {});
    try {
      await env.client.call('POST', `/containers/${info.Id}/start`);
    } catch (e) {
      streams.close();
      if (e instanceof ApiError) throw new StatusError(`Error response from daemon: ${e.message}`, startFailureStatus(e));
      throw e;
    }
    if ((await Promise.race([streams.done, status.then(() => 'exited' as const)])) === 'detached') return 0;
    const code = await status;
    await streams.done;
    return code;
  },
};

export default command;
