import { chainIds, type Digest } from '../core/digest.js';
import type { BuildCacheEntry } from '../store/build-cache-store.js';
import type { ContainerRecord } from './containers/container-record.js';
import type { Engine } from './engine.js';
import type { ImageView } from './images/image-service.js';
import { needsMount } from './volumes/local-driver.js';
import { diskUsage, type VolumeRecord } from './volumes/volume-service.js';

export type DiskUsageKind = 'container' | 'image' | 'volume' | 'build-cache';

export interface DiskUsage {
  /** Bytes of every committed layer, each counted once. */
  layersSize: number;
  images: { view: ImageView; sharedSize: number; containers: number }[];
  containers: { record: ContainerRecord; sizeRw: number; sizeRootFs: number }[];
  /** size is -1 for volumes whose data lives elsewhere (mount options), as dockerd reports. */
  volumes: { record: VolumeRecord; size: number; refCount: number }[];
  buildCache: { entry: BuildCacheEntry; size: number }[];
}

/**
 * `docker system df` facts (https://docs.docker.com/engine/api/v1.41/#operation/SystemDataUsage):
 * per image the bytes it shares with other images, per container its writable layer, per volume
 * its data and users, per build-cache record its layer. Only the kinds asked for are measured.
 */
export async function diskUsageReport(engine: Engine, kinds: ReadonlySet<DiskUsageKind>): Promise<DiskUsage> {
  const { ctx } = engine;
  const out: DiskUsage = { layersSize: 0, images: [], containers: [], volumes: [], buildCache: [] };
  const containers = engine.containers.list();
  const layerSize = new Map<Digest, number>();
  if (kinds.has('image') || kinds.has('container')) {
    for (const l of await ctx.snapshotter.listLayers()) layerSize.set(l.chainId, l.size);
  }
  if (kinds.has('image')) {
    out.layersSize = [...layerSize.values()].reduce((a, b) => a + b, 0);
    const views = await engine.images.list();
    const users = new Map<Digest, number>();
    const chainsOf = new Map<ImageView, Digest[]>();
    for (const v of views) {
      const chains = chainIds(v.config.rootfs.diff_ids);
      chainsOf.set(v, chains);
      for (const c of new Set(chains)) users.set(c, (users.get(c) ?? 0) + 1);
    }
    for (const v of views) {
      const shared = [...new Set(chainsOf.get(v))].filter((c) => (users.get(c) ?? 0) > 1).reduce((a, c) => a + (layerSize.get(c) ?? 0), 0);
      out.images.push({ view: v, sharedSize: shared, containers: containers.filter((c) => c.image === v.record.id).length });
    }
  }
  if (kinds.has('container')) {
    for (const c of containers) {
      const sizeRw = await diskUsage(ctx.snapshotter.upperDir(c.id));
      const rec = ctx.images.get(c.image);
      const imageSize = rec ? (await engine.images.view(rec)).size : 0;
      out.containers.push({ record: c, sizeRw, sizeRootFs: sizeRw + imageSize });
    }
  }
  if (kinds.has('volume')) {
    for (const v of engine.volumes.list()) {
      const size = needsMount(v.Options) ? -1 : await diskUsage(engine.volumes.dataPath(v.Name));
      out.volumes.push({ record: v, size, refCount: engine.volumes.usedBy(v.Name).length });
    }
  }
  if (kinds.has('build-cache')) {
    for (const e of ctx.buildCache.list()) out.buildCache.push({ entry: e, size: e.layer?.size ?? 0 });
  }
  return out;
}
