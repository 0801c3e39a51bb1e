import { spawn } from 'node:child_process';
import { PassThrough, type Readable } from 'node:stream';
import { invalidArgument } from '../../core/errors.js';

/** Read the first `n` bytes of a stream without consuming them. */
export async function peek(stream: Readable, n: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let got = 0;
  while (got < n) {
    const chunk = (await new Promise<Buffer | null>((resolve, reject) => {
      const c = stream.read() as Buffer | null;
      if (c !== null) return resolve(c);
      if (stream.readableEnded) return resolve(null);
      const onReadable = () => cleanup(() => resolve(stream.read() as Buffer | null ?? Buffer.alloc(0)));
      const onEnd = () => cleanup(() => resolve(null));
      const onError = (e: Error) => cleanup(() => reject(e));
      const cleanup = (fn: () => void) => {
        stream.off('readable', onReadable);
        stream.off('end', onEnd);
        stream.off('error', onError);
        fn();
      };
      stream.once('readable', onReadable);
      stream.once('end', onEnd);
      stream.once('error', onError);
    }));
    if (chunk === null) break;
    chunks.push(chunk);
    got += chunk.length;
  }
  const head = Buffer.concat(chunks);
  if (head.length) stream.unshift(head);
  return head.subarray(0, n);
}

export type Compression = 'gzip' | 'zstd' | 'xz' | 'bzip2' | 'none';

export function detectCompression(head: Buffer): Compression {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.subarray(0, 4).equals(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))) return 'zstd';
  if (head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
  if (head.subarray(0, 3).toString('latin1') === 'BZh') return 'bzip2';
  return 'none';
}

/** Decompress through an external program (xz, bzip2), streaming. */
export function decompressWith(program: string, input: Readable): Readable {
  const out = new PassThrough();
  const child = spawn(program, ['-dc'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.on('error', (e) => out.destroy(invalidArgument(`cannot decompress archive with ${program}: ${e.message}`)));
  child.on('close', (code) => {
    if (code !== 0) out.destroy(invalidArgument(`cannot decompress archive: ${stderr.trim() || `${program} exited with ${code}`}`));
  });
  input.on('error', (e) => child.kill() && out.destroy(e));
  child.stdin.on('error', () => {});
  input.pipe(child.stdin);
  child.stdout.pipe(out);
  return out;
}
