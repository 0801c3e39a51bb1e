import type { Digest } from '../../core/digest.js';
import { invalidArgument } from '../../core/errors.js';
import { matchLabels } from '../containers/filter-containers.js';
import type { EngineContext } from '../engine-context.js';
import { collectGarbage } from './collect-garbage.js';
import type { DeleteResponseItem, ImageService } from './image-service.js';
import { rollbackProtected } from './tag-rollback.js';

/** Go duration (10m, 1h30m, 24h) or a timestamp, as `until` takes it. */
function untilCutoff(v: string): number {
  const d = /^(\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/.test(v)
    ? [...v.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)].reduce((acc, [, n, u]) => acc + Number(n) * { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 }[u!]!, 0)
    : undefined;
  if (d !== undefined) return Date.now() - d;
  const t = /^\d+(\.\d+)?$/.test(v) ? Number(v) * 1000 : Date.parse(v);
  if (!Number.isFinite(t)) throw invalidArgument(`invalid until filter ${JSON.stringify(v)}`);
  return t;
}

/**
 * `docker image prune`: delete dangling images (with all: every image no container uses),
 * except images a tag's rollback history still names within --rollback-depth.
 */
export async function pruneImages(ctx: EngineContext, images: ImageService, filters: Record<string, string[]>): Promise<{ ImagesDeleted: DeleteResponseItem[] | null; SpaceReclaimed: number }> {
  for (const k of Object.keys(filters)) if (!['dangling', 'until', 'label', 'label!'].includes(k)) throw invalidArgument(`invalid filter '${k}'`);
  const all = filters.dangling?.[0] === 'false' || filters.dangling?.[0] === '0';
  const cutoff = filters.until?.[0] ? untilCutoff(filters.until[0]) : undefined;
  const protectedIds = rollbackProtected(ctx);
  const used = new Set(ctx.containers.all().map((c) => c.image));
  const deleted: DeleteResponseItem[] = [];
  const before = await usage(ctx);
  for (const view of await images.list()) {
    const id: Digest = view.record.id;
    if (used.has(id) || protectedIds.has(id)) continue;
    if (!all && view.tags.length > 0) continue;
    const created = Date.parse(view.config.created ?? view.record.addedAt);
    if (cutoff !== undefined && !(created < cutoff)) continue;
    const labels = view.config.config?.Labels;
    if (filters.label && !matchLabels(labels, filters.label)) continue;
    if (filters['label!'] && filters['label!'].some((l) => matchLabels(labels, [l]))) continue;
    deleted.push(...(await images.remove(id, { force: true, noPrune: true })));
  }
  if (deleted.length) await collectGarbage(ctx);
  const after = await usage(ctx);
  return { ImagesDeleted: deleted.length ? deleted : null, SpaceReclaimed: Math.max(0, before - after) };
}

async function usage(ctx: EngineContext): Promise<number> {
  let n = 0;
  for (const l of await ctx.snapshotter.listLayers()) n += l.size;
  for (const b of await ctx.content.list()) n += b.size;
  return n;
}
