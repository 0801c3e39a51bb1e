import { invalidArgument } from '../../../core/errors.js';
import { filterVolumes, volumePruneFilters } from '../../../engine/volumes/filter-volumes.js';
import type { VolumeCreateRequest } from '../../../engine/volumes/volume-service.js';
import { qbool, qfilters, readJson, sendEmpty, sendJson, type RequestContext } from '../request-context.js';
import type { Router } from '../router.js';
import { compareVersions } from '../api-version.js';
import { volumeView } from '../views/volume-view.js';

async function list(ctx: RequestContext): Promise<void> {
  const { volumes } = ctx.engine;
  const rows = filterVolumes(volumes.list(), qfilters(ctx), (v) => volumes.usedBy(v.Name).length > 0);
  sendJson(ctx, 200, { Volumes: rows.map((v) => volumeView(volumes, v)), Warnings: null });
}

async function inspect(ctx: RequestContext): Promise<void> {
  const { volumes } = ctx.engine;
  sendJson(ctx, 200, volumeView(volumes, volumes.get(ctx.params.name!)));
}

async function create(ctx: RequestContext): Promise<void> {
  const body = (await readJson<VolumeCreateRequest>(ctx)) ?? {};
  if (typeof body !== 'object' || Array.isArray(body)) throw invalidArgument('invalid volume create request');
  const { volumes } = ctx.engine;
  sendJson(ctx, 201, volumeView(volumes, await volumes.create(body)));
}

async function remove(ctx: RequestContext): Promise<void> {
  await ctx.engine.volumes.remove(ctx.params.name!, { force: qbool(ctx, 'force') });
  sendEmpty(ctx, 204);
}

async function prune(ctx: RequestContext): Promise<void> {
  const { keep, all } = volumePruneFilters(qfilters(ctx));
  // Before API 1.42 prune removed every unused volume; since then only anonymous ones unless all=true.
  const r = await ctx.engine.volumes.prune(keep, all || compareVersions(ctx.version, '1.42') < 0);
  // Go's nil slice: dockerd answers null, not [], when nothing was deleted.
  sendJson(ctx, 200, { VolumesDeleted: r.deleted.length ? r.deleted : null, SpaceReclaimed: r.reclaimed });
}

export function volumeRoutes(r: Router): void {
  r.add('GET', '/volumes', list);
  r.add('POST', '/volumes/create', create);
  r.add('POST', '/volumes/prune', prune);
  r.add('GET', '/volumes/{name}', inspect);
  r.add('DELETE', '/volumes/{name}', remove);
}
