import { invalidArgument } from '../../../core/errors.js';
import { diskUsageReport, type DiskUsageKind } from '../../../engine/disk-usage.js';
import { cacheId } from '../../../engine/images/prune-build-cache.js';
import { pruneContainers } from '../../../engine/containers/prune-containers.js';
import { compareVersions } from '../api-version.js';
import { qfilters, sendJson, type RequestContext } from '../request-context.js';
import type { Router } from '../router.js';
import { summarizeContainer } from '../views/container-view.js';
import { summarizeImage } from '../views/image-view.js';
import { volumeView } from '../views/volume-view.js';

const KINDS: DiskUsageKind[] = ['container', 'image', 'volume', 'build-cache'];

/** `GET /system/df`: `type` (API 1.42+, repeatable) narrows what is measured. */
async function systemDf(ctx: RequestContext): Promise<void> {
  const asked = ctx.query.getAll('type');
  for (const t of asked) if (!KINDS.includes(t as DiskUsageKind)) throw invalidArgument(`unknown object type: ${t}`);
  const kinds = new Set<DiskUsageKind>(asked.length ? (asked as DiskUsageKind[]) : KINDS);
  const du = await diskUsageReport(ctx.engine, kinds);
  const now = Date.now();
  const body: Record<string, unknown> = {};
  if (kinds.has('image')) {
    body.LayersSize = du.layersSize;
    body.Images = du.images.map((i) => ({ ...summarizeImage(i.view, ctx.version), SharedSize: i.sharedSize, Containers: i.containers }));
  }
  if (kinds.has('container')) body.Containers = du.containers.map((c) => ({ ...summarizeContainer(c.record, now), SizeRw: c.sizeRw, SizeRootFs: c.sizeRootFs }));
  if (kinds.has('volume')) body.Volumes = du.volumes.map((v) => ({ ...volumeView(ctx.engine.volumes, v.record), UsageData: { Size: v.size, RefCount: v.refCount } }));
  if (kinds.has('build-cache')) {
    body.BuildCache = du.buildCache.map(({ entry, size }) => ({
      ID: cacheId(entry),
      Parent: '',
      Parents: null,
      Type: 'regular',
      Description: entry.description,
      InUse: false,
      Shared: false,
      Size: size,
      CreatedAt: entry.createdAt,
      LastUsedAt: entry.lastUsedAt,
      UsageCount: 1,
    }));
    // Removed from the API in 1.42; older clients still read it.
    if (compareVersions(ctx.version, '1.42') < 0) body.BuilderSize = du.buildCache.reduce((a, b) => a + b.size, 0);
  }
  sendJson(ctx, 200, body);
}

async function containersPrune(ctx: RequestContext): Promise<void> {
  sendJson(ctx, 200, await pruneContainers(ctx.engine.containers, qfilters(ctx)));
}

/** Disk usage and the container prune (the other prunes live beside their objects). */
export function housekeepingRoutes(r: Router): void {
  r.add('GET', '/system/df', systemDf);
  r.add('POST', '/containers/prune', containersPrune);
}
