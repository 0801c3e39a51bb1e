import { chainIds } from '../../../core/digest.js';
import { invalidArgument, notImplemented } from '../../../core/errors.js';
import { matchLabels } from '../../../engine/containers/filter-containers.js';
import { importImage } from '../../../engine/images/import-image.js';
import { JsonStream } from '../json-stream.js';
import { pull } from './registry-routes.js';
import { qbool, qfilters, sendJson, type RequestContext } from '../request-context.js';
import type { Router } from '../router.js';
import { inspectImage, summarizeImage } from '../views/image-view.js';

async function list(ctx: RequestContext): Promise<void> {
  const filters = qfilters(ctx);
  for (const k of Object.keys(filters)) {
    if (!['dangling', 'label', 'before', 'since', 'reference', 'until'].includes(k)) throw invalidArgument(`invalid filter '${k}'`);
  }
  let views = await ctx.engine.images.list();
  const dangling = filters.dangling?.[0];
  if (dangling !== undefined) views = views.filter((v) => (v.tags.length === 0) === (dangling === 'true' || dangling === '1'));
  if (filters.label) views = views.filter((v) => matchLabels(v.config.config?.Labels, filters.label!));
  if (filters.reference) {
    const pats = filters.reference.map((p) => globToRegExp(p));
    views = views.filter((v) => v.tags.some((t) => pats.some((re) => re.test(shortTag(t)) || re.test(shortTag(t).split(':')[0]!))));
  }
  const created = (v: { config: { created?: string }; record: { addedAt: string } }) => v.config.created ?? v.record.addedAt;
  for (const key of ['before', 'since'] as const) {
    const ref = filters[key]?.[0];
    if (!ref) continue;
    const pivot = await ctx.engine.images.view(ctx.engine.images.get(ref));
    views = views.filter((v) => (key === 'before' ? created(v) < created(pivot) : created(v) > created(pivot)));
  }
  views.sort((a, b) => (created(a) < created(b) ? 1 : -1));
  sendJson(ctx, 200, views.map((v) => summarizeImage(v, ctx.version)));
}

function shortTag(key: string): string {
  return key.replace(/^docker\.io\/library\//, '').replace(/^docker\.io\//, '');
}

/** Docker's reference filter is a path.Match glob. */
function globToRegExp(glob: string): RegExp {
  const src = glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${src}$`);
}

async function inspect(ctx: RequestContext): Promise<void> {
  const v = await ctx.engine.images.view(ctx.engine.images.get(ctx.params.name!));
  sendJson(ctx, 200, inspectImage(v, ctx.version, ctx.engine.ctx.snapshotter.driver));
}

async function history(ctx: RequestContext): Promise<void> {
  const { engine } = ctx;
  const v = await engine.images.view(engine.images.get(ctx.params.name!));
  const entries = v.config.history ?? [];
  const chains = chainIds(v.config.rootfs.diff_ids);
  let layer = 0;
  const rows = [];
  for (const h of entries) {
    let size = 0;
    if (!h.empty_layer) {
      const chain = chains[layer++];
      if (chain) size = (await engine.ctx.snapshotter.layer(chain).catch(() => ({ size: 0 }))).size;
    }
    rows.push({ Id: '<missing>', Created: Math.floor(Date.parse(h.created ?? v.record.addedAt) / 1000), CreatedBy: h.created_by ?? '', Tags: null as string[] | null, Size: size, Comment: h.comment ?? '' });
  }
  rows.reverse();
  if (rows[0]) {
    rows[0].Id = v.record.id;
    rows[0].Tags = v.tags.length ? v.tags.map(shortTag) : null;
  }
  sendJson(ctx, 200, rows);
}

/** `POST /images/create`: import (fromSrc) here; pull (fromImage) in registry-routes.ts. */
async function createImage(ctx: RequestContext): Promise<void> {
  const fromSrc = ctx.query.get('fromSrc');
  const fromImage = ctx.query.get('fromImage');
  if (fromImage) return pull(ctx);
  if (fromSrc !== '-') {
    if (fromSrc) throw notImplemented('importing from a URL is not implemented yet');
    throw invalidArgument('either fromSrc or fromImage must be given');
  }
  const repo = ctx.query.get('repo') ?? '';
  const tag = ctx.query.get('tag') ?? '';
  const reference = repo ? (tag ? `${repo}:${tag}` : repo) : undefined;
  const platform = ctx.query.get('platform');
  const [os, architecture, variant] = platform ? platform.split('/') : [];
  const id = await importImage(ctx.engine.ctx, ctx.req, {
    reference,
    changes: ctx.query.getAll('changes'),
    message: ctx.query.get('message') ?? undefined,
    platform: platform ? { os, architecture, variant } : undefined,
    signal: ctx.signal,
  });
  const stream = new JsonStream(ctx);
  stream.send({ status: id });
  stream.end();
}

async function tag(ctx: RequestContext): Promise<void> {
  const repo = ctx.query.get('repo');
  if (!repo) throw invalidArgument('repository name must have at least one component');
  const t = ctx.query.get('tag');
  await ctx.engine.images.tag(ctx.params.name!, t ? `${repo}:${t}` : repo);
  ctx.res.writeHead(201);
  ctx.res.end();
}

async function remove(ctx: RequestContext): Promise<void> {
  const items = await ctx.engine.images.remove(ctx.params.name!, { force: qbool(ctx, 'force'), noPrune: qbool(ctx, 'noprune') });
  sendJson(ctx, 200, items);
}

export function imageRoutes(r: Router): void {
  r.add('GET', '/images/json', list);
  r.add('POST', '/images/create', createImage);
  r.add('GET', '/images/{name*}/json', inspect);
  r.add('GET', '/images/{name*}/history', history);
  r.add('POST', '/images/{name*}/tag', tag);
  r.add('DELETE', '/images/{name*}', remove);
}
