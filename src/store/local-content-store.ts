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

/**
 * Blobs under `<root>/blobs/sha256/<hex>`; writes stream into `<root>/ingest/`,
 * are hashed on the way, fsynced, verified and only then renamed into place
 * (OCI image-layout style, https://github.com/opencontainers/image-spec/blob/main/image-layout.md).
 */
export class LocalContentStore implements ContentStore {
  private readonly blobDir: string;
  private readonly ingestDir: string;

  constructor(root: string) {
    this.blobDir = join(root, 'blobs', 'sha256');
    this.ingestDir = join(root, 'ingest');
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

  createReadStream(digest: Digest, opts: { start?: number } = {}): Readable {
    return createReadStream(this.path(digest), { start: opts.start });
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

  async cleanup(): Promise<void> {
    await rm(this.ingestDir, { recursive: true, force: true });
    await mkdir(this.ingestDir, { recursive: true });
  }
}
