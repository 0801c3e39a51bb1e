import { StatusError, type Command } from '../../command.js';
import { attachStreams, followTerminalSize, proxySignals, waitForExit } from './container-io.js';

const command: Command = {
  usage: '[OPTIONS] CONTAINER',
  description: "Attach local standard input, output, and error streams to a running container",
  flags: [
    { name: 'detach-keys', type: 'string', description: 'Override the key sequence for detaching a container' },
    { name: 'no-stdin', type: 'bool', description: 'Do not attach STDIN' },
    { name: 'sig-proxy', type: 'bool', default: true, description: 'Proxy all received signals to the process' },
  ],
  minArgs: 1,
  maxArgs: 1,
  async run(env, p) {
    const info = await env.client.json<{ Id: string; Config: { Tty: boolean; OpenStdin: boolean }; State: { Running: boolean; Paused: boolean } }>(
      'GET',
      `/containers/${encodeURIComponent(p.args[0]!)}/json`,
    );
    // docker checks on the client side first, with the daemon's wording.
    if (!info.State.Running) throw new StatusError('You cannot attach to a stopped container, start it first', 1);
    if (info.State.Paused) throw new StatusError('You cannot attach to a paused container, unpause it first', 1);
    const tty = info.Config.Tty;
    const stdin = !p.flags['no-stdin'] && info.Config.OpenStdin;
    const status = waitForExit(env.client, info.Id, 'not-running');
    status.catch(() => {});
    const streams = await attachStreams(env, info.Id, { stdin, stdout: true, stderr: true, tty, detachKeys: p.flags['detach-keys'] as string | undefined });
    const stopResize = tty ? followTerminalSize(env, `/containers/${info.Id}/resize`) : () => {};
    const stopSignals = p.flags['sig-proxy'] && !tty ? proxySignals(env, info.Id) : () => {};
    try {
      // docker's attach reports a detach as an error (its input proxy's), with status 1.
      if ((await streams.done) === 'detached') throw new StatusError('read escape sequence', 1);
      return await status;
    } finally {
      stopResize();
      stopSignals();
    }
  },
};

export default command;
