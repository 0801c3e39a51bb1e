import { SeqpacketSocket } from 'node-unix-socket';
import { EngineError } from '../core/errors.js';

export type StreamKind = 'stdout' | 'stderr';

/** conmon prefixes every packet on its attach socket with one byte naming the stream. */
const STREAM_BYTE: Record<number, StreamKind | undefined> = { 2: 'stdout', 3: 'stderr' };
/** conmon reads stdin packets into a fixed buffer; stay well below it. */
const MAX_PACKET = 4096;

/**
 * A client connection to conmon's SOCK_SEQPACKET attach socket. Output arrives
 * packet by packet; stdin is written raw; end() half-closes so conmon sees EOF.
 */
export class AttachSocket {
  private readonly sock = new SeqpacketSocket();
  private closed = false;
  onData: (stream: StreamKind, data: Buffer) => void = () => {};
  onClose: () => void = () => {};

  static connect(path: string): Promise<AttachSocket> {
    const a = new AttachSocket();
    return new Promise((resolve, reject) => {
      a.sock.once('error', (e: Error) => reject(new EngineError('Unavailable', `cannot attach: ${e.message}`, { cause: e })));
      try {
        a.sock.connect(path, () => {
          a.sock.removeAllListeners('error');
          a.sock.on('error', () => a.finish());
          a.sock.on('data', (buf: Buffer) => {
            const kind = STREAM_BYTE[buf[0]!];
            if (kind && buf.length > 1) a.onData(kind, buf.subarray(1));
          });
          a.sock.on('end', () => a.finish());
          a.sock.on('close', () => a.finish());
          resolve(a);
        });
      } catch (e) {
        reject(new EngineError('Unavailable', `cannot attach: ${(e as Error).message}`, { cause: e }));
      }
    });
  }

  write(data: Buffer): void {
    if (this.closed) return;
    for (let off = 0; off < data.length; off += MAX_PACKET) {
      this.sock.write(data.subarray(off, Math.min(off + MAX_PACKET, data.length)));
    }
  }

  /** Half-close: the container's stdin sees EOF. */
  endInput(): void {
    if (!this.closed) this.sock.end();
  }

  close(): void {
    if (this.closed) return;
    this.sock.destroy();
    this.finish();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
  }
}
