import { createReadStream } from 'node:fs';
import type { BigIntStats } from 'node:fs';
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';

interface Entry {
  key: string;
  digest: string;
}

/**
 * Content digests of context files, remembered by what stat says about them (device, inode,
 * size, mtime and ctime in nanoseconds): an unchanged file is never read twice. This is what
 * makes a cached rebuild of a large context cost only a directory walk.
 */
export class FileHashCache {
  private readonly map = new Map<string, Entry>();

  constructor(private readonly capacity = 200_000) {}

  private static statKey(st: BigIntStats): string {
    return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
  }

  /** sha256 hex of the file's content; `st` is the lstat the caller already has. */
  async digest(path: string, st: BigIntStats): Promise<string> {
    const key = FileHashCache.statKey(st);
    const hit = this.map.get(path);
    if (hit && hit.key === key) return hit.digest;
    const hash = createHash('sha256');
    // O_NOFOLLOW: the caller checked it is a regular file; a swap for a symlink fails here.
    const stream = createReadStream(path, { flags: (constants.O_RDONLY | constants.O_NOFOLLOW) as unknown as string, highWaterMark: 1 << 20 });
    for await (const chunk of stream) hash.update(chunk as Buffer);
    const digest = hash.digest('hex');
    if (this.map.size >= this.capacity) this.map.delete(this.map.keys().next().value!);
    this.map.set(path, { key, digest });
    return digest;
  }
}
