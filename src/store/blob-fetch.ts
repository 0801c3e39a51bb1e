import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, stat, truncate, unlink } from 'node:fs/promises';
import { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { Digester, type Digest } from '../core/digest.js';
import { canceled, errnoCode, invalidArgument, isEngineError } from '../core/errors.js';
import type { BlobInfo } from '../core/interfaces.js';
import { fsyncDir } from './atomic-file.js';

export interface FetchSource {
  /** Open the blob at `offset`; the answer says where the stream really starts (0 when Range was ignored). */
  open(offset: number, signal?: AbortSignal): Promise<{ stream: Readable; offset: number }>;
}

export interface FetchOptions {
  /** Expected size from the descriptor; more bytes than this is an error. */
  size?: number;
  signal?: AbortSignal;
  /** Bytes on disk so far (including a resumed prefix). */
  onProgress?: (bytes: number) => void;
  /** Attempts after a broken connection, each resuming where the last stopped. */
  attempts?: number;
}

interface Inflight {
  done: Promise<BlobInfo>;
  progress: EventEmitter;
}

/** Errors of the connection (as opposed to wrong content): worth resuming from where we stopped. */
function broken(e: unknown): boolean {
  if (isEngineError(e)) return e.code === 'Unavailable';
  const code = errnoCode(e) ?? '';
  return ['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ERR_STREAM_PREMATURE_CLOSE', 'ECONNREFUSED'].includes(code) || /aborted|premature/i.test(String((e as Error)?.message));
}

/**
 * Resumable, deduplicated downloads into a content store: bytes go to `ingest/<hex>.partial`,
 * a broken connection resumes with a Range request (also after a daemon restart, since the
 * partial file stays), the digest is checked over the whole file, and only then is it renamed
 * into place. Concurrent fetches of one digest share a single download.
 */
export class BlobFetcher {
  private readonly inflight = new Map<Digest, Inflight>();

  constructor(
    private readonly paths: { blob: (d: Digest) => string; partial: (d: Digest) => string; blobDir: string },
    private readonly has: (d: Digest) => Promise<boolean>,
  ) {}

  async fetch(expected: Digest, source: FetchSource, opts: FetchOptions = {}): Promise<BlobInfo & { shared?: boolean }> {
    for (;;) {
      if (opts.signal?.aborted) throw canceled('download canceled');
      if (await this.has(expected)) return { digest: expected, size: (await stat(this.paths.blob(expected))).size };
      const running = this.inflight.get(expected);
      if (!running) break;
      const listener = (n: number) => opts.onProgress?.(n);
      running.progress.on('progress', listener);
      try {
        return { ...(await running.done), shared: true };
      } catch (e) {
        // The other download was canceled by its own client: ours goes on, by itself.
        if (!(isEngineError(e, 'Canceled') && !opts.signal?.aborted)) throw e;
      } finally {
        running.progress.off('progress', listener);
      }
    }
    const progress = new EventEmitter();
    const done = this.download(expected, source, opts, (n) => {
      opts.onProgress?.(n);
      progress.emit('progress', n);
    });
    const entry = { done, progress };
    this.inflight.set(expected, entry);
    try {
      return await done;
    } finally {
      if (this.inflight.get(expected) === entry) this.inflight.delete(expected);
    }
  }

  private async download(expected: Digest, source: FetchSource, opts: FetchOptions, progress: (n: number) => void): Promise<BlobInfo> {
    const partial = this.paths.partial(expected);
    let digester = new Digester();
    let fromDisk = false;
    const attempts = opts.attempts ?? 5;
    for (let attempt = 0; ; attempt++) {
      let have = await stat(partial).then((s) => s.size, () => 0);
      if (opts.size !== undefined && have > opts.size) {
        await truncate(partial, 0);
        have = 0;
      }
      if (digester.size !== have) {
        // Resume after a restart (or a lost tail): hash what is already on disk.
        digester = new Digester();
        if (have > 0) {
          fromDisk = true;
          for await (const c of createReadStream(partial, { end: have - 1 })) digester.update(c as Buffer);
        }
      }
      try {
        if (opts.size !== undefined && have === opts.size) break;
        const { stream, offset } = await source.open(have, opts.signal);
        if (offset === 0 && have > 0) {
          digester = new Digester();
          have = 0;
        }
        progress(have);
        let written = have;
        const limit = opts.size;
        const meter = new Transform({
          transform(chunk: Buffer, _e, cb) {
            written += chunk.length;
            if (limit !== undefined && written > limit) return cb(invalidArgument(`blob ${expected} is larger than the ${limit} bytes its descriptor declares`));
            digester.update(chunk);
            progress(written);
            cb(null, chunk);
          },
        });
        await pipeline(stream, meter, createWriteStream(partial, { flags: offset === 0 ? 'w' : 'a', mode: 0o644 }), { signal: opts.signal });
        if (limit !== undefined && written < limit) throw Object.assign(new Error(`connection closed after ${written} of ${limit} bytes`), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
        break;
      } catch (e) {
        if (opts.signal?.aborted) throw canceled('download canceled', e);
        if (attempt + 1 >= attempts || !broken(e)) {
          if (!broken(e)) await unlink(partial).catch(() => {});
          throw e;
        }
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      }
    }
    const fh = await open(partial, 'r');
    await fh.sync();
    await fh.close();
    const got = digester.digest();
    if (got !== expected || (opts.size !== undefined && digester.size !== opts.size)) {
      await unlink(partial).catch(() => {});
      if (fromDisk) return this.download(expected, source, { ...opts }, progress);
      throw invalidArgument(
        got !== expected
          ? `digest mismatch for ${expected}: the registry sent ${digester.size} bytes with digest ${got}`
          : `size mismatch for ${expected}: expected ${opts.size} bytes, got ${digester.size}`,
      );
    }
    await rename(partial, this.paths.blob(expected));
    await fsyncDir(this.paths.blobDir);
    return { digest: expected, size: digester.size };
  }
}
