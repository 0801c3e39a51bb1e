import { invalidArgument } from '../../../core/errors.js';
import { registryLogin, type AuthConfig } from '../../../engine/images/registry-login.js';
import { loadImages } from '../../../engine/images/load-images.js';
import { pruneImages } from '../../../engine/images/prune-images.js';
import { pullImage } from '../../../engine/images/pull-image.js';
import { pushImage } from '../../../engine/images/push-image.js';
import { saveImages, selectImages, type ArchiveFormat } from '../../../engine/images/save-images.js';
import { rollbackTag, tagHistory } from '../../../engine/images/tag-rollback.js';
import { JsonStream } from '../json-stream.js';
import { toJsonMessage } from '../progress-message.js';
import { qbool, qfilters, readJson, sendJson, type RequestContext } from '../request-context.js';
import type { Router } from '../router.js';

/** X-Registry-Auth: base64url(JSON AuthConfig), as the docker CLI sends it; "" or "{}" is anonymous. */
export function registryAuth(ctx: RequestContext): AuthConfig | undefined {
  const raw = ctx.req.headers['x-registry-auth'];
  if (typeof raw !== 'string' || !raw.trim()) return undefined;
  try {
    const j = JSON.parse(Buffer.from(raw.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString()) as AuthConfig;
    return j && typeof j === 'object' && (j.username || j.identitytoken || j.registrytoken) ? j : undefined;
  } catch {
    throw invalidArgument('invalid X-Registry-Auth header: expected base64url-encoded JSON');
  }
}

/** Run a streamed operation: errors before the first message are HTTP errors, later ones errorDetail lines. */
async function streamed(ctx: RequestContext, fn: (stream: JsonStream) => Promise<void>): Promise<void> {
  const stream = new JsonStream(ctx);
  try {
    await fn(stream);
  } catch (e) {
    if (!stream.isStarted) throw e;
    stream.error(e instanceof Error ? e.message : String(e));
  }
  if (!ctx.res.writableEnded) stream.end();
}

/** `POST /images/create?fromImage=` (docker pull). */
export async function pull(ctx: RequestContext): Promise<void> {
  const fromImage = ctx.query.get('fromImage')!;
  const tag = ctx.query.get('tag') ?? '';
  const reference = tag ? (tag.startsWith('sha256:') ? `${fromImage}@${tag}` : `${fromImage}:${tag}`) : fromImage;
  await streamed(ctx, async (stream) => {
    await pullImage(ctx.engine.ctx, {
      reference,
      platform: ctx.query.get('platform') || undefined,
      auth: registryAuth(ctx),
      signal: ctx.signal,
      onProgress: (e) => stream.send(toJsonMessage(e)),
    });
  });
}

async function push(ctx: RequestContext): Promise<void> {
  const auth = registryAuth(ctx);
  await streamed(ctx, async (stream) => {
    await pushImage(ctx.engine.ctx, {
      name: ctx.params.name!,
      tag: ctx.query.get('tag') || undefined,
      auth,
      signal: ctx.signal,
      onProgress: (e) => stream.send(toJsonMessage(e)),
    });
  });
}

async function auth(ctx: RequestContext): Promise<void> {
  const body = await readJson<AuthConfig>(ctx);
  if (!body) throw invalidArgument('login needs a JSON body with username, password and serveraddress');
  await registryLogin(ctx.engine.ctx, body, ctx.signal);
  sendJson(ctx, 200, { Status: 'Login Succeeded', IdentityToken: '' });
}

async function save(ctx: RequestContext): Promise<void> {
  const names = ctx.params.name ? [ctx.params.name] : ctx.query.getAll('names');
  if (names.length === 0) throw invalidArgument('no image names given');
  const format = (ctx.query.get('format') || 'docker') as ArchiveFormat;
  if (format !== 'docker' && format !== 'oci') throw invalidArgument(`invalid format ${JSON.stringify(format)}: docker or oci`);
  const selected = selectImages(ctx.engine.ctx, ctx.engine.images, names);
  ctx.res.writeHead(200, { 'Content-Type': 'application/x-tar' });
  try {
    await saveImages(ctx.engine.ctx, selected, ctx.res, { format, signal: ctx.signal });
  } catch (e) {
    // The 200 went out: cutting the stream is the only way left to say it failed.
    ctx.res.destroy(e as Error);
  }
}

async function load(ctx: RequestContext): Promise<void> {
  const quiet = qbool(ctx, 'quiet');
  await streamed(ctx, async (stream) => {
    const lines = await loadImages(ctx.engine.ctx, ctx.req, { signal: ctx.signal });
    for (const l of lines) stream.send({ stream: `${l}\n` });
    void quiet;
  });
}

async function prune(ctx: RequestContext): Promise<void> {
  sendJson(ctx, 200, await pruneImages(ctx.engine.ctx, ctx.engine.images, qfilters(ctx)));
}

/** berth extension: the versions a tag has pointed to. */
async function tagVersions(ctx: RequestContext): Promise<void> {
  const h = tagHistory(ctx.engine.ctx, ctx.params.name!);
  sendJson(ctx, 200, {
    Name: h.name,
    Versions: h.versions.map((v) => ({ Version: v.version, Id: v.id, Since: v.since, RepoDigest: v.repoDigest ?? '', Present: v.present })),
  });
}

/** berth extension: move a tag back. */
async function rollback(ctx: RequestContext): Promise<void> {
  const r = await rollbackTag(ctx.engine.ctx, ctx.params.name!, ctx.query.get('to') ?? undefined);
  sendJson(ctx, 200, { Name: r.name, From: r.from, To: r.to });
}

export function registryRoutes(r: Router): void {
  r.add('POST', '/auth', auth);
  r.add('GET', '/images/get', save);
  r.add('POST', '/images/load', load);
  r.add('POST', '/images/prune', prune);
  r.add('POST', '/images/{name*}/push', push);
  r.add('GET', '/images/{name*}/get', save);
  r.add('GET', '/images/{name*}/taghistory', tagVersions);
  r.add('POST', '/images/{name*}/rollback', rollback);
}
