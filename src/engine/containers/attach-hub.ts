import type { Readable } from 'node:stream';
import { attachSocketPath } from '../../runtime/conmon-driver.js';
import { AttachSocket, type StreamKind } from '../../runtime/attach-socket.js';
import { DetachMatcher, parseDetachKeys } from '../../core/detach-keys.js';

export interface AttachSink {
  write(stream: StreamKind, data: Buffer): void;
  end(): void;
}

export interface AttachOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  sink: AttachSink;
  /** The client's stdin, forwarded when `stdin` is set. */
  input?: Readable;
  /** For a TTY: the key sequence that detaches the client (Docker's `detachKeys`), already validated. */
  detachKeys?: string;
}

/** One client attached to one container's stdio through conmon's attach socket. */
export class AttachSession {
  private socket?: AttachSocket;
  private ended = false;
  /** The client left with its detach keys (the process keeps running). */
  detached = false;
  onEnd: () => void = () => {};

  constructor(readonly opts: AttachOptions) {}

  async connect(socketDir: string, id: string): Promise<void> {
    if (this.ended) return;
    const s = await AttachSocket.connect(attachSocketPath(socketDir, id));
    if (this.ended) return s.close();
    this.socket = s;
    s.onData = (stream, data) => {
      if ((stream === 'stdout' && this.opts.stdout) || (stream === 'stderr' && this.opts.stderr)) this.opts.sink.write(stream, data);
    };
    s.onClose = () => this.end();
    const input = this.opts.input;
    if (this.opts.stdin && input) {
      // Backpressure: stop reading the client while conmon's socket is full.
      s.onDrain = () => input.resume();
      const matcher = this.opts.detachKeys ? new DetachMatcher(parseDetachKeys(this.opts.detachKeys)) : undefined;
      input.on('data', (d: Buffer) => {
        let data = d;
        if (matcher) {
          const r = matcher.feed(d);
          if (r.detached) {
            if (r.data.length) s.write(r.data);
            this.detached = true;
            return this.end();
          }
          data = r.data;
        }
        if (data.length && !s.write(data)) input.pause();
      });
      input.on('end', () => s.endInput());
      input.on('error', () => {});
      input.resume();
    }
  }

  /** Finish the session: the sink sees end; the container keeps running. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.socket?.close();
    this.opts.sink.end();
    this.onEnd();
  }
}

/** Sessions waiting for a created container to start, keyed by container ID. */
export class AttachHub {
  private readonly pending = new Map<string, Set<AttachSession>>();

  addPending(id: string, s: AttachSession): void {
    let set = this.pending.get(id);
    if (!set) this.pending.set(id, (set = new Set()));
    set.add(s);
    s.onEnd = () => set!.delete(s);
  }

  /** Connect everyone who attached before start; called between runc create and runc start. */
  async connectPending(socketDir: string, id: string): Promise<void> {
    const set = this.pending.get(id);
    if (!set) return;
    this.pending.delete(id);
    await Promise.all([...set].map((s) => s.connect(socketDir, id).catch(() => s.end())));
  }

  endPending(id: string): void {
    const set = this.pending.get(id);
    this.pending.delete(id);
    for (const s of set ?? []) s.end();
  }
}
