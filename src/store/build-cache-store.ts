import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { digestHex, isDigest, type Digest } from '../core/digest.js';
import type { Descriptor, ImageConfig } from '../core/image-types.js';
import { isAtomicTemp, readJson, writeJsonAtomic } from './atomic-file.js';

/**
 * One cached build step: the image state after the step (config with history, and the layer
 * blobs), keyed by what the step depended on (parent state, instruction, inputs).
 */
export interface BuildCacheEntry {
  key: Digest;
  /** sha256 of the config JSON: the step's result, as legacy builds name intermediate images. */
  stateId: Digest;
  config: ImageConfig;
  layers: Descriptor[];
  /** The step's own layer, when it made one (its chain ID and uncompressed size). */
  layer?: { chainId: Digest; size: number };
  /** The history line of the step (`/bin/sh -c echo hi`). */
  description: string;
  createdAt: string;
  lastUsedAt: string;
}

/**
 * The build cache: one JSON file per step under `<root>/entries/`, replaced atomically; memory
 * is the read path. Its layers and blobs are garbage-collection roots until pruned.
 */
export class BuildCacheStore {
  private readonly dir: string;
  private readonly entries = new Map<Digest, BuildCacheEntry>();

  constructor(root: string) {
    this.dir = join(root, 'entries');
  }

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    for (const name of await readdir(this.dir)) {
      if (isAtomicTemp(name)) {
        await rm(join(this.dir, name), { force: true });
        continue;
      }
      const e = await readJson<BuildCacheEntry>(join(this.dir, name)).catch(() => undefined);
      if (e && isDigest(e.key)) this.entries.set(e.key, e);
      else await rm(join(this.dir, name), { force: true });
    }
  }

  get(key: Digest): BuildCacheEntry | undefined {
    return this.entries.get(key);
  }

  list(): BuildCacheEntry[] {
    return [...this.entries.values()];
  }

  async put(e: BuildCacheEntry): Promise<void> {
    // No fsync: losing a cache entry in a crash only costs a rebuild of that step.
    await writeJsonAtomic(join(this.dir, `${digestHex(e.key)}.json`), e, { sync: false });
    this.entries.set(e.key, e);
  }

  async delete(key: Digest): Promise<void> {
    this.entries.delete(key);
    await rm(join(this.dir, `${digestHex(key)}.json`), { force: true });
  }
}
