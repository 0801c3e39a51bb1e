import { EngineError } from '../core/errors.js';
import { native } from '../sys/native.js';

export type StreamKind = 'stdout' | 'stderr';

/** conmon prefixes every packet on its attach socket with one byte naming the stream. */
const STREAM_BYTE: Record<number, StreamKind | undefined> = { 2: 'stdout', 3: 'stderr' };
/** conmon reads stdin packets into a fixed buffer; stay well below it. */
const MAX_PACKET = 4096;

/**
 * A client connection to conmon's SOCK_SEQPACKET attach socket (through the
 * native addon: Node's net module has no seqpacket sockets). Output arrives
 * packet by packet; stdin is written raw; endInput() half-closes so conmon sees EOF.
 */
export class AttachSocket {
  private closed = false;
  onData: (stream: StreamKind, data: Buffer) => void = () => {};
  onClose: () => void = () => {};
  /** Called when queued stdin has been flushed after write() returned false. */
  onDrain: () => void = () => {};

  private constructor(private readonly handle: unknown) {}

  static connect(path: string): Promise<AttachSocket> {
    let sock: AttachSocket | undefined;
    try {
      const handle = native().seqpacketConnect(
        path,
        (buf: Buffer | null) => {
          if (!sock) return;
          if (buf === null) return sock.finish();
          const kind = STREAM_BYTE[buf[0]!];
          if (kind && buf.length > 1) sock.onData(kind, buf.subarray(1));
        },
        () => sock?.onDrain(),
      );
      sock = new AttachSocket(handle);
      return Promise.resolve(sock);
    } catch (e) {
      return Promise.reject(new EngineError('Unavailable', `cannot attach: ${(e as Error).message}`, { cause: e }));
    }
  }

  /** Returns false when the data had to be queued (the caller may pause its source until onDrain). */
  write(data: Buffer): boolean {
    if (this.closed) return true;
    let flushed = true;
    for (let off = 0; off < data.length; off += MAX_PACKET) {
      flushed = native().seqpacketWrite(this.handle, data.subarray(off, Math.min(off + MAX_PACKET, data.length))) && flushed;
    }
    return flushed;
  }

  /** Half-close: the container's stdin sees EOF once queued data is out. */
  endInput(): void {
    if (!this.closed) native().seqpacketShutdown(this.handle);
  }

  close(): void {
    if (this.closed) return;
    native().seqpacketClose(this.handle);
    this.finish();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
  }
}
