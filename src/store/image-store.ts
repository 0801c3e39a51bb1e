import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { digestHex, isDigest, type Digest } from '../core/digest.js';
import type { Descriptor } from '../core/image-types.js';
import { readJson, writeJsonAtomic } from './atomic-file.js';

/** What berth keeps about an image besides its config blob (which is content-addressed). */
export interface ImageRecord {
  /** sha256 of the config blob: Docker's image ID. */
  id: Digest;
  /** Layer blobs in manifest order (their digests are of the stored, possibly compressed, bytes). */
  layers: Descriptor[];
  /** Manifest blob, when one was stored (pull, build, import all store one). */
  manifest?: Digest;
  repoDigests: string[];
  /** Parent image for builds (Docker's `Parent`). */
  parent?: Digest;
  addedAt: string;
}

export interface TagEntry {
  target: Digest;
  /** Earlier targets, newest first: where the tag pointed before each move. */
  history: { target: Digest; at: string }[];
  updatedAt: string;
}

/**
 * Image metadata: one JSON file per image plus one reference table, each
 * replaced atomically. The in-memory copies are the read path; the daemon
 * is the only writer.
 */
export class ImageStore {
  private readonly dir: string;
  private readonly refsPath: string;
  private images = new Map<Digest, ImageRecord>();
  private refs: Record<string, TagEntry> = {};
  private writeChain: Promise<void> = Promise.resolve();

  constructor(root: string) {
    this.dir = join(root, 'images');
    this.refsPath = join(root, 'references.json');
  }

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    for (const name of await readdir(this.dir)) {
      if (!name.endsWith('.json')) continue;
      const rec = await readJson<ImageRecord>(join(this.dir, name)).catch(() => undefined);
      if (rec && isDigest(rec.id)) this.images.set(rec.id, rec);
    }
    this.refs = (await readJson<Record<string, TagEntry>>(this.refsPath)) ?? {};
    // A reference to an image whose record never made it to disk is dropped.
    for (const [k, v] of Object.entries(this.refs)) if (!this.images.has(v.target)) delete this.refs[k];
  }

  get(id: Digest): ImageRecord | undefined {
    return this.images.get(id);
  }

  list(): ImageRecord[] {
    return [...this.images.values()];
  }

  async put(rec: ImageRecord): Promise<void> {
    await writeJsonAtomic(join(this.dir, `${digestHex(rec.id)}.json`), rec);
    this.images.set(rec.id, rec);
  }

  async delete(id: Digest): Promise<void> {
    await rm(join(this.dir, `${digestHex(id)}.json`), { force: true });
    this.images.delete(id);
  }

  resolveTag(key: string): Digest | undefined {
    return this.refs[key]?.target;
  }

  tagEntry(key: string): TagEntry | undefined {
    return this.refs[key];
  }

  tagsOf(id: Digest): string[] {
    return Object.keys(this.refs)
      .filter((k) => this.refs[k]!.target === id)
      .sort();
  }

  allTags(): Record<string, TagEntry> {
    return this.refs;
  }

  /** Point `key` at `id`, remembering where it pointed before. */
  async setTag(key: string, id: Digest, maxHistory = 50): Promise<void> {
    const now = new Date().toISOString();
    const prev = this.refs[key];
    if (prev?.target === id) return;
    // Each earlier target appears once, at its most recent use; the new target is not history.
    const history = prev
      ? [{ target: prev.target, at: prev.updatedAt }, ...prev.history.filter((h) => h.target !== prev.target)].filter((h) => h.target !== id).slice(0, maxHistory)
      : [];
    this.refs[key] = { target: id, history, updatedAt: now };
    await this.saveRefs();
  }

  /** Replace a tag entry wholesale (rollback rewrites the history). */
  async putTagEntry(key: string, entry: TagEntry): Promise<void> {
    this.refs[key] = entry;
    await this.saveRefs();
  }

  async removeTag(key: string): Promise<boolean> {
    if (!this.refs[key]) return false;
    delete this.refs[key];
    await this.saveRefs();
    return true;
  }

  private saveRefs(): Promise<void> {
    const snapshot = JSON.stringify(this.refs);
    this.writeChain = this.writeChain.catch(() => {}).then(() => writeJsonAtomic(this.refsPath, JSON.parse(snapshot)));
    return this.writeChain;
  }
}
