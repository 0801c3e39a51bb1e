import { chainIds, type Digest } from '../../core/digest.js';
import type { ImageConfig } from '../../core/image-types.js';
import type { EngineContext } from '../engine-context.js';

/**
 * Reference-driven garbage collection: compute what images and containers
 * reference right now, delete every layer and blob outside that set. There are
 * no reference counts to drift. Runs under the GC gate, so in-flight imports
 * and pulls (which hold leases) are never collected.
 */
export async function collectGarbage(ctx: EngineContext): Promise<{ layers: number; blobs: number; bytes: number }> {
  let result = { layers: 0, blobs: 0, bytes: 0 };
  await ctx.gc.exclusive(async () => {
    const liveLayers = new Set<Digest>();
    const liveBlobs = new Set<Digest>();
    for (const img of ctx.images.list()) {
      liveBlobs.add(img.id);
      if (img.manifest) liveBlobs.add(img.manifest);
      for (const l of img.layers) liveBlobs.add(l.digest);
      let config: ImageConfig | undefined;
      try {
        config = JSON.parse((await ctx.content.read(img.id)).toString()) as ImageConfig;
      } catch {
        continue;
      }
      for (const c of chainIds(config.rootfs.diff_ids)) liveLayers.add(c);
    }
    // The build cache keeps its steps' layers (and the base layers under them) until pruned.
    for (const e of ctx.buildCache.list()) {
      for (const l of e.layers) liveBlobs.add(l.digest);
      for (const c of chainIds(e.config.rootfs.diff_ids)) liveLayers.add(c);
    }
    for (const c of ctx.containers.all()) {
      for (let cur = c.snapshotParent; cur; ) {
        liveLayers.add(cur);
        cur = (await ctx.snapshotter.layer(cur).catch(() => undefined))?.parent ?? null;
      }
    }
    const r = { layers: 0, blobs: 0, bytes: 0 };
    for (const layer of await ctx.snapshotter.listLayers()) {
      if (liveLayers.has(layer.chainId)) continue;
      await ctx.snapshotter.removeLayer(layer.chainId);
      r.layers++;
      r.bytes += layer.size;
    }
    for (const blob of await ctx.content.list()) {
      if (liveBlobs.has(blob.digest)) continue;
      await ctx.content.delete(blob.digest);
      r.blobs++;
    }
    result = r;
  });
  return result;
}
