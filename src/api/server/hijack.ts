import type { Duplex, Readable } from 'node:stream';
import { compareVersions } from './api-version.js';
import type { RequestContext } from './request-context.js';

export interface HijackedStream {
  write(data: Buffer): void;
  end(): void;
  /** The client's bytes after the request (stdin), when the connection was upgraded. */
  input?: Readable;
  closed: Promise<void>;
}

/** Docker ≥1.42 names the multiplexed stream type separately from the raw one. */
export function streamContentType(ctx: RequestContext, tty: boolean): string {
  if (tty || compareVersions(ctx.version, '1.42') < 0) return 'application/vnd.docker.raw-stream';
  return 'application/vnd.docker.multiplexed-stream';
}

/**
 * Take over the connection for a raw stream, as dockerd does for attach and
 * exec: `101 UPGRADED` when the client sent `Upgrade: tcp`, otherwise a plain
 * `200 OK` followed by the raw bytes on the same socket.
 */
export function hijack(ctx: RequestContext, contentType: string, opts: { input?: boolean } = {}): HijackedStream {
  const socket: Duplex = ctx.upgrade?.socket ?? ctx.req.socket;
  const head = ctx.upgrade
    ? `HTTP/1.1 101 UPGRADED\r\nContent-Type: ${contentType}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nApi-Version: ${ctx.res.getHeader('Api-Version')}\r\n\r\n`
    : `HTTP/1.1 200 OK\r\nContent-Type: ${contentType}\r\nApi-Version: ${ctx.res.getHeader('Api-Version')}\r\n\r\n`;
  // From here on the socket is ours, not the HTTP response's.
  ctx.res.detachSocket(socket as never);
  (ctx.res as unknown as { _headerSent: boolean })._headerSent = true;
  socket.write(head);
  // Unread client bytes wait in the socket until the consumer of `input` reads them;
  // without a consumer they are drained, so a client's hang-up is still noticed.
  if (!opts.input || !ctx.upgrade) socket.resume();
  const closed = new Promise<void>((resolve) => {
    socket.once('close', () => resolve());
    socket.once('error', () => resolve());
  });
  let ended = false;
  return {
    write: (data) => {
      if (!ended && socket.writable) socket.write(data);
    },
    end: () => {
      if (ended) return;
      ended = true;
      socket.end();
    },
    input: ctx.upgrade && opts.input ? socket : undefined,
    closed,
  };
}
