import { ApiError, StdcopyDemuxer, type ApiClient } from '../../../api/client/api-client.js';
import type { CliEnv } from '../../command.js';

export interface AttachedStreams {
  /** Resolves when the daemon closed the output stream (the container's stdio ended). */
  done: Promise<void>;
  close(): void;
}

/**
 * Attach to a container's stdio over a hijacked connection and copy it to the
 * terminal: stdcopy frames are split into stdout and stderr, a TTY stream is raw.
 */
export async function attachStreams(env: CliEnv, id: string, opts: { stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean }): Promise<AttachedStreams> {
  const { socket, head } = await env.client.hijack(`/containers/${id}/attach`, {
    query: { stream: true, stdin: opts.stdin, stdout: opts.stdout, stderr: opts.stderr },
  });
  const demux = new StdcopyDemuxer((stream, data) => (stream === 2 ? env.stderr : env.stdout).write(data));
  const onData = (d: Buffer) => (opts.tty ? env.stdout.write(d) : demux.push(d));
  if (head.length) onData(head);
  socket.on('data', onData);
  const done = new Promise<void>((resolve) => {
    socket.on('end', () => resolve());
    socket.on('close', () => resolve());
    socket.on('error', () => resolve());
  });
  if (opts.stdin) {
    env.stdin.on('data', (d: Buffer) => socket.write(d));
    // Half-close: the container sees EOF on stdin and can still answer.
    env.stdin.on('end', () => socket.end());
  }
  return { done, close: () => socket.destroy() };
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
