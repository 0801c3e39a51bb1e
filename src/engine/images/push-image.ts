import type { Digest } from '../../core/digest.js';
import { failedPrecondition, notFound } from '../../core/errors.js';
import { MediaTypes, type Descriptor, type ImageManifest } from '../../core/image-types.js';
import { familiarString, formatReference, parseReference, repositoryName, splitTagged, type Reference } from '../../core/reference.js';
import type { AuthConfig } from '../../distribution/registry-auth.js';
import { RegistryClient } from '../../distribution/registry-client.js';
import { withRetries } from '../../distribution/http-transport.js';
import type { ImageRecord } from '../../store/image-store.js';
import type { EngineContext } from '../engine-context.js';
import { limiter, throttled, type ProgressFn } from './progress.js';
import { shortId } from './pull-image.js';

export interface PushOptions {
  /** Repository, optionally with :tag. */
  name: string;
  /** Tag to push; none: the tag in `name`, else every tag of the repository. */
  tag?: string;
  auth?: AuthConfig;
  signal?: AbortSignal;
  onProgress?: ProgressFn;
  /** Upload chunk size (PATCH requests), default 16 MiB. */
  chunkSize?: number;
}

export interface PushedTag {
  tag: string;
  digest: Digest;
  size: number;
}

/**
 * `docker push`: for each tag, every layer the registry lacks (HEAD) is mounted from another
 * repository of the same registry when berth knows one holding it, or uploaded in chunks; then
 * the config, then the manifest exactly as stored (so its digest is stable).
 */
export async function pushImage(ctx: EngineContext, opts: PushOptions): Promise<PushedTag[]> {
  const ref = parseReference(opts.name);
  if (ref.digest) throw failedPrecondition('cannot push a digest reference');
  const tag = opts.tag || ref.tag;
  const repo = repositoryName(ref);
  const tags = tag ? [tag] : Object.keys(ctx.images.allTags()).map(splitTagged).filter((t) => t.repo === repo).map((t) => t.tag).sort();
  const report: ProgressFn = opts.onProgress ?? (() => {});
  if (tags.length === 0) throw notFound(`An image does not exist locally with the tag: ${familiarString({ ...ref, tag: undefined })}`);
  for (const t of tags) if (!ctx.images.resolveTag(formatReference({ ...ref, tag: t }))) throw notFound(`An image does not exist locally with the tag: ${familiarString({ ...ref, tag: t })}`);
  report({ status: `The push refers to repository [${repo}]` });
  // The lease keeps garbage collection from removing blobs while they are being read.
  return ctx.gc.lease(async () => {
    const out: PushedTag[] = [];
    for (const t of tags) {
      const id = ctx.images.resolveTag(formatReference({ ...ref, tag: t }))!;
      const rec = ctx.images.get(id)!;
      out.push(await pushOne(ctx, { ...ref, tag: t }, rec, opts, report));
    }
    return out;
  });
}

async function pushOne(ctx: EngineContext, ref: Reference, rec: ImageRecord, opts: PushOptions, report: ProgressFn): Promise<PushedTag> {
  const { manifest, bytes, mediaType } = await manifestFor(ctx, rec);
  const mountFrom = mountSources(ctx, ref, manifest.layers);
  const client = new RegistryClient(ctx.registries, ctx.registries.endpoint(ref.domain), ref.path, opts.auth, 'pull,push', [...new Set(mountFrom.values())]);
  const signal = opts.signal;
  for (const l of manifest.layers) if (!(await ctx.content.has(l.digest))) throw failedPrecondition(`cannot push: layer blob ${l.digest} of image ${rec.id} is missing from the content store`);
  for (const l of manifest.layers) report({ id: shortId(l.digest), status: 'Preparing' });
  const pool = limiter(3);
  const results = await Promise.allSettled(
    manifest.layers.map((l) => pool(() => pushBlob(ctx, client, l, mountFrom.get(l.digest), opts, report, true), () => report({ id: shortId(l.digest), status: 'Waiting' }))),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  await pushBlob(ctx, client, manifest.config, undefined, opts, report, false);
  const digest = await withRetries(() => client.putManifest(ref.tag!, mediaType, bytes, signal), { signal });
  const repoDigest = `${repositoryName(ref)}@${digest}`;
  const current = ctx.images.get(rec.id);
  if (current && !current.repoDigests.includes(repoDigest)) {
    await ctx.images.put({ ...current, repoDigests: [...current.repoDigests.filter((d) => !d.startsWith(`${repositoryName(ref)}@`)), repoDigest] });
  }
  report({ status: `${ref.tag}: digest: ${digest} size: ${bytes.length}` });
  report({ aux: { Tag: ref.tag, Digest: digest, Size: bytes.length } });
  ctx.events.publish('image', 'push', familiarString(ref), { name: familiarString(ref) });
  return { tag: ref.tag!, digest, size: bytes.length };
}

async function pushBlob(
  ctx: EngineContext,
  client: RegistryClient,
  d: Descriptor,
  from: string | undefined,
  opts: PushOptions,
  report: ProgressFn,
  visible: boolean,
): Promise<void> {
  const id = shortId(d.digest);
  const say = (status: string) => visible && report({ id, status });
  const signal = opts.signal;
  if ((await client.statBlob(d.digest, signal)) !== undefined) return void say('Layer already exists');
  await withRetries(
    async () => {
      const start = await client.startUpload(d.digest, from, signal);
      if (start === 'mounted') return void say(`Mounted from ${from}`);
      const progress = visible ? throttled(report, id, 'Pushing', d.size) : () => {};
      progress(0);
      await client.uploadBlob(start, d.digest, d.size, (s, e) => ctx.content.createReadStream(d.digest, { start: s, end: e, highWaterMark: 1 << 20 }), {
        chunkSize: opts.chunkSize,
        signal,
        onProgress: progress,
      });
      say('Pushed');
    },
    { signal },
  );
}

/** Same-registry repositories known to hold a blob (from RepoDigests of local images): mount sources. */
function mountSources(ctx: EngineContext, ref: Reference, layers: Descriptor[]): Map<Digest, string> {
  const out = new Map<Digest, string>();
  const want = new Set(layers.map((l) => l.digest));
  for (const img of ctx.images.list()) {
    for (const rd of img.repoDigests) {
      const r = parseReference(rd);
      if (r.domain !== ref.domain || r.path === ref.path) continue;
      for (const l of img.layers) if (want.has(l.digest) && !out.has(l.digest)) out.set(l.digest, r.path);
    }
  }
  return out;
}

/** The stored manifest when it describes this image; otherwise a Docker schema 2 manifest made now. */
export async function manifestFor(ctx: EngineContext, rec: ImageRecord): Promise<{ manifest: ImageManifest; bytes: Buffer; mediaType: string }> {
  if (rec.manifest && (await ctx.content.has(rec.manifest))) {
    const bytes = await ctx.content.read(rec.manifest);
    const manifest = JSON.parse(bytes.toString()) as ImageManifest;
    if (manifest.config?.digest === rec.id) return { manifest, bytes, mediaType: manifest.mediaType ?? MediaTypes.ociManifest };
  }
  const cfg = await ctx.content.info(rec.id);
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaTypes.dockerManifest,
    config: { mediaType: MediaTypes.dockerConfig, digest: rec.id, size: cfg.size },
    layers: rec.layers,
  };
  const bytes = Buffer.from(JSON.stringify(manifest, null, 3));
  const stored = await ctx.content.write(bytes);
  await ctx.images.put({ ...rec, manifest: stored.digest });
  return { manifest, bytes, mediaType: MediaTypes.dockerManifest };
}
