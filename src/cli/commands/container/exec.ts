import type { Command } from '../../command.js';
import { checkInputTerminal, consoleSize, followTerminalSize, pipeStreams } from './container-io.js';
import { envValue, readLines } from './create-flags.js';

const command: Command = {
  usage: '[OPTIONS] CONTAINER COMMAND [ARG...]',
  description: 'Execute a command in a running container',
  flags: [
    { name: 'detach', short: 'd', type: 'bool', description: 'Detached mode: run command in the background' },
    { name: 'detach-keys', type: 'string', description: 'Override the key sequence for detaching a container' },
    { name: 'env', short: 'e', type: 'list', value: 'list', description: 'Set environment variables' },
    { name: 'env-file', type: 'list', value: 'list', description: 'Read in a file of environment variables' },
    { name: 'interactive', short: 'i', type: 'bool', description: 'Keep STDIN open even if not attached' },
    { name: 'privileged', type: 'bool', description: 'Give extended privileges to the command' },
    { name: 'tty', short: 't', type: 'bool', description: 'Allocate a pseudo-TTY' },
    { name: 'user', short: 'u', type: 'string', description: 'Username or UID (format: "<name|uid>[:<group|gid>]")' },
    { name: 'workdir', short: 'w', type: 'string', description: 'Working directory inside the container' },
  ],
  interspersed: false,
  minArgs: 2,
  async run(env, p) {
    const [container, ...cmd] = p.args;
    const detach = Boolean(p.flags.detach);
    const interactive = Boolean(p.flags.interactive);
    const tty = Boolean(p.flags.tty);
    if (!detach) checkInputTerminal(env, interactive, tty, 1);
    const list = (n: string) => (p.flags[n] as string[] | undefined) ?? [];
    const detachKeys = (p.flags['detach-keys'] as string | undefined) ?? '';
    const size = tty ? consoleSize(env) : undefined;
    const { Id: id } = await env.client.json<{ Id: string }>('POST', `/containers/${encodeURIComponent(container!)}/exec`, {
      body: {
        User: p.flags.user ?? '',
        Privileged: Boolean(p.flags.privileged),
        Tty: tty,
        AttachStdin: interactive && !detach,
        AttachStdout: !detach,
        AttachStderr: !detach,
        DetachKeys: detachKeys,
        Env: [...list('env-file').flatMap((f) => readLines(f, 'env file')), ...list('env')].map(envValue),
        WorkingDir: p.flags.workdir ?? '',
        Cmd: cmd,
        ...(size ? { ConsoleSize: size } : {}),
      },
    });
    if (detach) {
      await env.client.call('POST', `/exec/${id}/start`, { body: { Detach: true, Tty: tty } });
      return 0;
    }
    const { socket, head } = await env.client.hijack(`/exec/${id}/start`, { body: { Detach: false, Tty: tty, ...(size ? { ConsoleSize: size } : {}) } });
    const streams = pipeStreams(env, socket, head, { stdin: interactive, stdout: true, stderr: true, tty, detachKeys });
    const stopResize = tty ? followTerminalSize(env, `/exec/${id}/resize`) : () => {};
    try {
      if ((await streams.done) === 'detached') return 0;
    } finally {
      stopResize();
    }
    // The exit status of the process is the CLI's (126/127 when it could not be started).
    const info = await env.client.json<{ ExitCode: number | null; Running: boolean }>('GET', `/exec/${id}/json`);
    return info.ExitCode ?? 0;
  },
};

export default command;
