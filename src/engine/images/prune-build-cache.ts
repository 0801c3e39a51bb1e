import { lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Digest } from '../../core/digest.js';
import type { BuildCacheEntry } from '../../store/build-cache-store.js';
import type { EngineContext } from '../engine-context.js';
import { collectGarbage } from './collect-garbage.js';

export interface PruneBuildCacheOptions {
  /** Only entries last used before this time (epoch ms). */
  until?: number;
  /** Keep the most recently used entries whose layers fit in this many bytes. */
  keepStorage?: number;
  /** Only entries whose ID starts with one of these. */
  ids?: string[];
}

export interface PruneBuildCacheResult {
  deleted: string[];
  reclaimed: number;
}

/**
 * `docker builder prune` / `POST /build/prune`: drop cache records, then collect the layers and
 * blobs nothing references any more. The cache-mount directories of RUN --mount=type=cache go too.
 */
export async function pruneBuildCache(ctx: EngineContext, opts: PruneBuildCacheOptions = {}): Promise<PruneBuildCacheResult> {
  let entries = ctx.buildCache.list().sort((a, b) => (a.lastUsedAt < b.lastUsedAt ? 1 : -1));
  if (opts.keepStorage !== undefined && opts.keepStorage > 0) {
    let kept = 0;
    entries = entries.filter((e) => {
      kept += e.layer?.size ?? 0;
      return kept > opts.keepStorage!;
    });
  }
  if (opts.until !== undefined) entries = entries.filter((e) => Date.parse(e.lastUsedAt) < opts.until!);
  if (opts.ids?.length) entries = entries.filter((e) => opts.ids!.some((p) => cacheId(e).startsWith(p)));
  const deleted: string[] = [];
  for (const e of entries) {
    await ctx.buildCache.delete(e.key);
    deleted.push(cacheId(e));
  }
  const gc = await collectGarbage(ctx);
  let reclaimed = gc.bytes;
  // With no filter everything goes, RUN --mount=type=cache directories included (as BuildKit does).
  if (opts.until === undefined && !opts.ids?.length && !(opts.keepStorage && opts.keepStorage > 0)) {
    const dir = join(ctx.paths.dataRoot, 'build', 'cache-mounts');
    reclaimed += await duBytes(dir);
    await rm(dir, { recursive: true, force: true });
  }
  return { deleted, reclaimed };
}

async function duBytes(dir: string): Promise<number> {
  let total = 0;
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else total += (await lstat(p)).size;
    }
  };
  await walk(dir);
  return total;
}

/** The short ID a cache record is shown by (Docker's build cache IDs are 25 characters). */
export function cacheId(e: BuildCacheEntry | { key: Digest }): string {
  return e.key.slice('sha256:'.length, 'sha256:'.length + 25);
}
