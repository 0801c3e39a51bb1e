import { spawn } from 'node:child_process';
import { PassThrough, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { invalidArgument } from '../../core/errors.js';

/** The uncompressed tar of a stored layer blob (gzip, zstd or plain, by its first bytes). */
export function uncompressed(blob: Readable, head: Buffer): Readable {
  if (head[0] === 0x1f && head[1] === 0x8b) {
    const gz = createGunzip({ chunkSize: 256 * 1024 });
    blob.on('error', (e) => gz.destroy(e));
    return blob.pipe(gz);
  }
  if (head.subarray(0, 4).equals(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))) {
    const out = new PassThrough();
    const z = spawn('zstd', ['-d', '-c', '-q'], { stdio: ['pipe', 'pipe', 'ignore'] });
    z.on('error', (e) => out.destroy(invalidArgument(`cannot run zstd: ${e.message}`)));
    z.on('close', (code) => code !== 0 && out.destroy(invalidArgument(`zstd failed with status ${code}`)));
    z.stdin.on('error', () => {});
    blob.on('error', (e) => out.destroy(e));
    blob.pipe(z.stdin);
    z.stdout.pipe(out);
    return out;
  }
  return blob;
}
