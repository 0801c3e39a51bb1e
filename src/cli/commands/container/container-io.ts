import { ApiError, StdcopyDemuxer, type ApiClient } from '../../../api/client/api-client.js';
import type { Duplex } from 'node:stream';
import { DEFAULT_DETACH_KEYS, DetachMatcher, parseDetachKeys } from '../../../core/detach-keys.js';
import { StatusError, type CliEnv } from '../../command.js';

export interface AttachedStreams {
  /** Resolves when the stream ended: the container's (or exec's) output ended, or the user detached. */
  done: Promise<'ended' | 'detached'>;
  close(): void;
}

export interface StreamOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
  /** Detach keys watched on a TTY's input (default ctrl-p,ctrl-q). */
  detachKeys?: string;
}

/** Attach to a container's stdio (`POST /containers/{id}/attach`) and copy it to the terminal. */
export async function attachStreams(env: CliEnv, id: string, opts: StreamOptions): Promise<AttachedStreams> {
  const { socket, head } = await env.client.hijack(`/containers/${id}/attach`, {
    query: { stream: true, stdin: opts.stdin, stdout: opts.stdout, stderr: opts.stderr, detachKeys: opts.detachKeys },
  });
  return pipeStreams(env, socket, head, opts);
}

/**
 * Copy a hijacked connection to the terminal: stdcopy frames are split into stdout and
 * stderr, a TTY stream is raw. With stdin, the terminal goes raw for a TTY, the detach keys
 * are watched for, and the end of stdin half-closes the connection (the process sees EOF
 * and can still answer).
 */
export function pipeStreams(env: CliEnv, socket: Duplex, head: Buffer, opts: StreamOptions): AttachedStreams {
  const demux = new StdcopyDemuxer((stream, data) => (stream === 2 ? env.stderr : env.stdout).write(data));
  const onData = (d: Buffer) => (opts.tty ? env.stdout.write(d) : demux.push(d));
  if (head.length) onData(head);
  socket.on('data', onData);
  let restore = () => {};
  let finish!: (how: 'ended' | 'detached') => void;
  const done = new Promise<'ended' | 'detached'>((resolve) => {
    finish = (how) => {
      restore();
      env.stdin.pause();
      resolve(how);
    };
    socket.on('end', () => finish('ended'));
    socket.on('close', () => finish('ended'));
    socket.on('error', () => finish('ended'));
  });
  if (opts.stdin) {
    restore = rawTerminal(env, opts.tty);
    const matcher = opts.tty ? new DetachMatcher(parseDetachKeys(opts.detachKeys || DEFAULT_DETACH_KEYS)) : undefined;
    env.stdin.on('data', (d: Buffer) => {
      if (!matcher) return void socket.write(d);
      const r = matcher.feed(d);
      if (r.data.length) socket.write(r.data);
      if (r.detached) {
        finish('detached');
        socket.destroy();
      }
    });
    env.stdin.on('end', () => socket.end());
    env.stdin.resume();
  }
  return { done, close: () => socket.destroy() };
}

/** Raw mode on a terminal stdin for a TTY session; returns the function that restores it. */
function rawTerminal(env: CliEnv, tty: boolean): () => void {
  if (!tty || !env.stdin.isTTY) return () => {};
  env.stdin.setRawMode(true);
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    env.stdin.setRawMode(false);
  };
}

/**
 * Keep the remote TTY the size of the local terminal: once now, then on every SIGWINCH.
 * Returns the function that stops watching.
 */
export function followTerminalSize(env: CliEnv, resizePath: string): () => void {
  if (!env.stdout.isTTY) return () => {};
  const send = () => {
    const { rows, columns } = env.stdout;
    if (rows && columns) env.client.call('POST', resizePath, { query: { h: rows, w: columns } }).catch(() => {});
  };
  send();
  env.stdout.on('resize', send);
  return () => env.stdout.off('resize', send);
}

/** The local terminal's size as the API's ConsoleSize [height, width], when stdout is a terminal. */
export function consoleSize(env: CliEnv): [number, number] | undefined {
  return env.stdout.isTTY && env.stdout.rows && env.stdout.columns ? [env.stdout.rows, env.stdout.columns] : undefined;
}

/**
 * --sig-proxy: forward the signals the CLI receives to the container (docker does this
 * without a TTY only; with one, the keys reach the process through the terminal).
 */
export function proxySignals(env: CliEnv, id: string): () => void {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];
  const handler = (sig: NodeJS.Signals) => void env.client.call('POST', `/containers/${id}/kill`, { query: { signal: sig } }).catch(() => {});
  for (const s of signals) process.on(s, handler);
  return () => {
    for (const s of signals) process.off(s, handler);
  };
}

/** Fail like docker when a TTY is asked for but stdin is not a terminal. */
export function checkInputTerminal(env: CliEnv, interactive: boolean, tty: boolean, status: number): void {
  if (interactive && tty && !env.stdin.isTTY) throw new StatusError('the input device is not a TTY', status);
}

/** Start waiting before the container starts: `condition=removed` for --rm, next-exit otherwise. */
export function waitForExit(client: ApiClient, id: string, condition: 'next-exit' | 'removed' | 'not-running'): Promise<number> {
  return client.json<{ StatusCode: number; Error?: { Message: string } | null }>('POST', `/containers/${id}/wait`, { query: { condition } }).then((r) => r.StatusCode);
}

/**
 * docker's mapping of a failed start to an exit status: 127 when the command was
 * not found, 126 when it could not be executed, 125 for anything else.
 */
export function startFailureStatus(e: unknown): number {
  const msg = e instanceof Error ? e.message : String(e);
  if (/executable file not found|no such file or directory|system cannot find the file specified/.test(msg)) return 127;
  if (/permission denied|is a directory/.test(msg)) return 126;
  return 125;
}

export function isNoSuchImage(e: unknown): boolean {
  return e instanceof ApiError && e.status === 404 && /No such image/i.test(e.message);
}
