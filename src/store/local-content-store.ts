import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, unlink, open } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomBytes } from 'node:crypto';
import { Digester, digestHex, isDigest, type Digest } from '../core/digest.js';
import { errnoCode, invalidArgument, notFound } from '../core/errors.js';
import type { BlobInfo, ContentStore } from '../core/interfaces.js';
import { fsyncDir } from './atomic-file.js';
import { BlobFetcher, type FetchOptions, type FetchSource } from './blob-fetch.js';

/**
 * Blobs under `<root>/blobs/sha256/<hex>`; writes stream into `<root>/ingest/`,
 * are hashed on the way, fsynced, verified and only then renamed into place
 * (OCI image-layout style, https://github.com/opencontainers/image-spec/blob/main/image-layout.md).
 */
export class LocalContentStore implements ContentStore {
  private readonly blobDir: string;
  private readonly ingestDir: string;
  private readonly fetcher: BlobFetcher;

  constructor(root: string) {
    this.blobDir = join(root, 'blobs', 'sha256');
    this.ingestDir = join(root, 'ingest');
    this.fetcher = new BlobFetcher(
      { blob: (d) => this.path(d), partial: (d) => join(this.ingestDir, `${digestHex(d)}.partial`), blobDir: this.blobDir },
      (d) => this.has(d),
    );
  }

  async init(): Promise<void> {
    await mkdir(this.blobDir, { recursive: true });
    await mkdir(this.ingestDir, { recursive: true });
  }

  path(digest: Digest): string {
    return join(this.blobDir, digestHex(digest));
  }

  async has(digest: Digest): Promise<boolean> {
    try {
      await stat(this.path(digest));
      return true;
    } catch {
      return false;
    }
  }

  async info(digest: Digest): Promise<BlobInfo> {
    try {
      const st = await stat(this.path(digest));
      return { digest, size: st.size };
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') throw notFound(`blob ${digest} not found`);
      throw e;
    }
  }

  async read(digest: Digest): Promise<Buffer> {
    try {
      return await readFile(this.path(digest));
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') throw notFound(`blob ${digest} not found`);
      throw e;
    }
  }

  createReadStream(digest: Digest, opts: { start?: number; end?: number; highWaterMark?: number } = {}): Readable {
    return createReadStream(this.path(digest), { start: opts.start, end: opts.end, highWaterMark: opts.highWaterMark });
  }

  async write(
    input: Readable | Uint8Array | string,
    opts: { expected?: Digest; expectedSize?: number; signal?: AbortSignal } = {},
  ): Promise<BlobInfo> {
    if (opts.expected !== undefined && !isDigest(opts.expected)) throw invalidArgument(`invalid digest "${opts.expected}"`);
    if (opts.expected && (await this.has(opts.expected))) {
      if (input instanceof Readable) input.resume();
      return this.info(opts.expected);
    }
    const tmp = join(this.ingestDir, randomBytes(12).toString('hex'));
    const digester = new Digester();
    const hashing = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        digester.update(chunk);
        cb(null, chunk);
      },
    });
    const source = input instanceof Readable ? input : Readable.from([typeof input === 'string' ? Buffer.from(input) : input]);
    try {
      await pipeline(source, hashing, createWriteStream(tmp, { mode: 0o644 }), { signal: opts.signal });
      const fh = await open(tmp, 'r');
      await fh.sync();
      await fh.close();
      const digest = digester.digest();
      if (opts.expected && digest !== opts.expected) {
        throw invalidArgument(`digest mismatch: expected ${opts.expected}, got ${digest}`);
      }
      if (opts.expectedSize !== undefined && digester.size !== opts.expectedSize) {
        throw invalidArgument(`size mismatch for ${digest}: expected ${opts.expectedSize} bytes, got ${digester.size}`);
      }
      await rename(tmp, this.path(digest));
      await fsyncDir(this.blobDir);
      return { digest, size: digester.size };
    } catch (e) {
      await unlink(tmp).catch(() => {});
      throw e;
    }
  }

  /**
   * Download a blob of known digest (a registry pull): resumable with Range, shared between
   * concurrent callers, verified before it becomes visible. See blob-fetch.ts.
   */
  fetch(expected: Digest, source: FetchSource, opts: FetchOptions = {}): Promise<BlobInfo & { shared?: boolean }> {
    if (!isDigest(expected)) return Promise.reject(invalidArgument(`invalid digest "${expected}"`));
    return this.fetcher.fetch(expected, source, opts);
  }

  async delete(digest: Digest): Promise<void> {
    await rm(this.path(digest), { force: true });
  }

  async list(): Promise<BlobInfo[]> {
    const out: BlobInfo[] = [];
    for (const name of await readdir(this.blobDir)) {
      const digest = `sha256:${name}`;
      if (!isDigest(digest)) continue;
      const st = await stat(join(this.blobDir, name));
      out.push({ digest, size: st.size });
    }
    return out;
  }

  /**
   * Remove what a crash left in ingest/, except partial downloads (`<hex>.partial`) younger
   * than a day: the next pull of that blob resumes them.
   */
  async cleanup(): Promise<void> {
    await mkdir(this.ingestDir, { recursive: true });
    const dayAgo = Date.now() - 24 * 3600_000;
    for (const name of await readdir(this.ingestDir)) {
      const p = join(this.ingestDir, name);
      const keep = /^[a-f0-9]{64}\.partial$/.test(name) && (await stat(p).then((s) => s.isFile() && s.mtimeMs > dayAgo, () => false));
      if (!keep) await rm(p, { recursive: true, force: true });
    }
  }
}
