/**
 * `POST /build` (https://docs.docker.com/engine/api/v1.41/#operation/ImageBuild), the classic
 * builder protocol the docker CLI (DOCKER_BUILDKIT=0), docker-py and docker-compose speak, and
 * `POST /build/prune`. berth's own CLI may instead name the context directory (same host):
 * query `contextdir`, `contextdev`, `contextino`, with the Dockerfile as the body.
 */
import { Builder } from '../../../build/builder.js';
import { CommandFailedError, type BuildOptions } from '../../../build/build-types.js';
import { contextFromArchive, contextFromDirectory } from '../../../build/context/open-context.js';
import { errorMessage, invalidArgument, notImplemented } from '../../../core/errors.js';
import { parseNamedTagged, type Reference } from '../../../core/reference.js';
import type { Engine } from '../../../engine/engine.js';
import { pruneBuildCache } from '../../../engine/images/prune-build-cache.js';
import { JsonStream } from '../json-stream.js';
import { qbool, qfilters, qint, readBody, sendJson, type RequestContext } from '../request-context.js';
import type { Router } from '../router.js';

const builders = new WeakMap<Engine, Builder>();

function builderFor(engine: Engine): Builder {
  let b = builders.get(engine);
  if (!b) builders.set(engine, (b = new Builder(engine)));
  return b;
}

function jsonParam<T>(ctx: RequestContext, name: string, what: string): T | undefined {
  const raw = ctx.query.get(name);
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as T;
  } catch (e) {
    throw invalidArgument(`error reading ${what}: ${errorMessage(e)}`);
  }
}

function secretsOf(ctx: RequestContext): Map<string, Buffer> {
  const header = ctx.req.headers['x-berth-build-secrets'];
  const out = new Map<string, Buffer>();
  if (typeof header !== 'string' || header === '') return out;
  let parsed: Record<string, string>;
  try {
    parsed = JSON.parse(Buffer.from(header, 'base64').toString()) as Record<string, string>;
  } catch (e) {
    throw invalidArgument(`invalid build secrets header: ${errorMessage(e)}`);
  }
  for (const [k, v] of Object.entries(parsed)) out.set(k, Buffer.from(v, 'base64'));
  return out;
}

async function build(ctx: RequestContext): Promise<void> {
  if (ctx.query.get('version') === '2') throw notImplemented('BuildKit (builder version 2) is not supported by berth; use the classic builder (DOCKER_BUILDKIT=0)');
  const remote = ctx.query.get('remote');
  if (remote) throw notImplemented(`remote build contexts (${remote}) are not supported`);
  const tags: Reference[] = ctx.query.getAll('t').filter(Boolean).map((t) => {
    const ref = parseNamedTagged(t);
    if (ref.digest) throw invalidArgument(`invalid reference format: ${t} (a tag cannot contain a digest)`);
    return ref;
  });
  const buildArgs = jsonParam<Record<string, string | null>>(ctx, 'buildargs', 'build args') ?? {};
  const labels = jsonParam<Record<string, string>>(ctx, 'labels', 'labels') ?? {};
  const extraHosts = (ctx.query.get('extrahosts') ?? '').split(',').filter(Boolean);
  const quiet = qbool(ctx, 'q');
  const dockerfileName = ctx.query.get('dockerfile') ?? 'Dockerfile';
  // Resource limits for RUN steps (shmsize, memory, cpu*) are accepted and not applied yet.
  qint(ctx, 'shmsize');

  const dir = ctx.query.get('contextdir');
  const opened = dir
    ? await contextFromDirectory(dir, ctx.query.get('contextdev') ?? '', ctx.query.get('contextino') ?? '', (await readBody(ctx, 16 << 20)).toString('utf8'))
    : await contextFromArchive(ctx.engine.ctx, ctx.req, dockerfileName, ctx.signal);
  const stream = new JsonStream(ctx);
  const opts: BuildOptions = {
    dockerfile: opened.dockerfile,
    context: opened.context,
    tags,
    buildArgs,
    labels,
    noCache: qbool(ctx, 'nocache'),
    pull: qbool(ctx, 'pull'),
    network: ctx.query.get('networkmode') ?? 'default',
    target: ctx.query.get('target') || undefined,
    platform: ctx.query.get('platform') || undefined,
    secrets: secretsOf(ctx),
    extraHosts,
    signal: ctx.signal,
  };
  try {
    const result = await builderFor(ctx.engine).build(opts, {
      stream: (text) => {
        if (!quiet && !ctx.signal.aborted) stream.send({ stream: text });
      },
      aux: (value) => {
        if (!quiet && !ctx.signal.aborted) stream.send({ aux: value });
      },
    });
    if (quiet) stream.send({ stream: `${result.id}\n` });
  } catch (e) {
    if (!stream.isStarted) throw e;
    const message = errorMessage(e);
    if (ctx.signal.aborted) return void ctx.res.destroy();
    stream.send({ errorDetail: { ...(e instanceof CommandFailedError ? { code: e.exitCode } : {}), message }, error: message });
  } finally {
    await opened.context.release();
  }
  stream.end();
}

async function prune(ctx: RequestContext): Promise<void> {
  const filters = qfilters(ctx);
  for (const k of Object.keys(filters)) {
    if (!['until', 'id', 'description', 'type', 'inuse', 'shared', 'private', 'parent'].includes(k)) throw invalidArgument(`invalid filter '${k}'`);
  }
  let until: number | undefined;
  const u = filters.until?.[0];
  if (u) {
    const m = /^(\d+)(s|m|h)$/.exec(u);
    until = m ? Date.now() - Number(m[1]) * { s: 1e3, m: 60e3, h: 3600e3 }[m[2] as 's' | 'm' | 'h'] : Date.parse(u);
    if (Number.isNaN(until)) throw invalidArgument(`invalid until filter: ${u}`);
  }
  const keep = ctx.query.get('keep-storage') ?? ctx.query.get('reserved-space');
  const r = await pruneBuildCache(ctx.engine.ctx, { until, ids: filters.id, keepStorage: keep ? Number(keep) : undefined });
  sendJson(ctx, 200, { CachesDeleted: r.deleted.length ? r.deleted : null, SpaceReclaimed: r.reclaimed });
}

export function buildRoutes(r: Router): void {
  r.add('POST', '/build', build);
  r.add('POST', '/build/prune', prune);
}
