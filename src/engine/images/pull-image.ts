import { Transform } from 'node:stream';
import { chainIds, digestHex, isDigest, type Digest } from '../../core/digest.js';
import { canceled, invalidArgument } from '../../core/errors.js';
import type { Descriptor, ImageConfig, ImageManifest } from '../../core/image-types.js';
import { familiarString, formatReference, parseReference, repositoryName } from '../../core/reference.js';
import { parseManifestDocument } from '../../distribution/manifest-document.js';
import { formatPlatform, parsePlatform, selectManifest } from '../../distribution/platform.js';
import type { AuthConfig } from '../../distribution/registry-auth.js';
import { RegistryClient } from '../../distribution/registry-client.js';
import { applyLayer } from '../../layers/apply-layer.js';
import type { EngineContext } from '../engine-context.js';
import { limiter, throttled, type ProgressFn } from './progress.js';

export interface PullOptions {
  /** name[:tag] or name@digest. */
  reference: string;
  platform?: string;
  auth?: AuthConfig;
  signal?: AbortSignal;
  onProgress?: ProgressFn;
}

export interface PullResult {
  id: Digest;
  /** Canonical reference pulled, e.g. docker.io/library/busybox:latest. */
  reference: string;
  /** The digest of what the registry served for the reference (RepoDigests). */
  digest: Digest;
  upToDate: boolean;
}

const MAX_CONFIG_BYTES = 8 << 20;

export function shortId(d: Digest): string {
  return digestHex(d).slice(0, 12);
}

/** The largest uncompressed size a layer may have before it counts as a decompression bomb. */
export function layerLimit(ctx: EngineContext, compressedSize: number): number {
  return Math.max(ctx.imagePolicy.maxLayerSize, compressedSize * 256);
}

/**
 * `docker pull`: manifest (index → platform manifest), config, then layers — downloaded three
 * at a time into the content store (resumable, verified, shared with concurrent pulls) and
 * extracted in order with their diff IDs checked against the config. The pull holds a GC lease;
 * the image record and then the tag are written last, so nothing is visible before the whole
 * image is on disk.
 */
export async function pullImage(ctx: EngineContext, opts: PullOptions): Promise<PullResult> {
  const ref = parseReference(opts.reference);
  if (!ref.tag && !ref.digest) ref.tag = 'latest';
  const platform = parsePlatform(opts.platform);
  const started = Date.now();
  const progress: ProgressFn = opts.onProgress ?? (() => {});
  const report: ProgressFn = (e) => {
    if (e.status && e.current === undefined) ctx.log.debug('pull progress', { ref: opts.reference, ms: Date.now() - started, id: e.id, status: e.status });
    progress(e);
  };
  const client = new RegistryClient(ctx.registries, ctx.registries.endpoint(ref.domain), ref.path, opts.auth);
  const refName = ref.digest ?? ref.tag!;
  const abort = new AbortController();
  const onAbort = () => abort.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const signal = abort.signal;
  try {
    return await ctx.gc.lease(async () => {
      const top = await client.getManifest(refName, signal);
      report({ id: ref.digest ? undefined : ref.tag, status: `Pulling from ${ref.path}` });
      let doc = parseManifestDocument(top.bytes, top.mediaType);
      let manifestBytes = top.bytes;
      let manifestDigest = top.digest;
      if (doc.kind === 'index') {
        const pick = selectManifest(doc.manifests, platform);
        const child = await client.getManifest(pick.digest, signal);
        doc = parseManifestDocument(child.bytes, child.mediaType);
        if (doc.kind !== 'manifest') throw invalidArgument(`manifest ${pick.digest} for ${formatPlatform(platform)} is itself an index`);
        manifestBytes = child.bytes;
        manifestDigest = child.digest;
      }
      const manifest = doc.manifest;
      const config = await fetchConfig(ctx, client, manifest, signal);
      const diffIds = config.rootfs.diff_ids;
      if (diffIds.length !== manifest.layers.length) {
        throw invalidArgument(`image config lists ${diffIds.length} diff IDs but the manifest has ${manifest.layers.length} layers`);
      }
      await fetchLayers(ctx, client, manifest.layers, diffIds, report, abort);
      // Everything is on disk and verified: now make it visible, record first, tag last.
      await ctx.content.write(manifestBytes, { expected: manifestDigest });
      const id = manifest.config.digest;
      const repoDigest = `${repositoryName(ref)}@${top.digest}`;
      const existing = ctx.images.get(id);
      const tagKey = ref.tag ? formatReference({ ...ref, digest: undefined }) : undefined;
      const upToDate = Boolean(existing && (tagKey ? ctx.images.resolveTag(tagKey) === id : true));
      const repoDigests = [...(existing?.repoDigests ?? []).filter((d) => !d.startsWith(`${repositoryName(ref)}@`)), repoDigest];
      await ctx.images.put({
        id,
        layers: manifest.layers,
        manifest: manifestDigest,
        repoDigests,
        ...(existing?.parent ? { parent: existing.parent } : {}),
        addedAt: existing?.addedAt ?? new Date().toISOString(),
      });
      if (tagKey) await ctx.images.setTag(tagKey, id);
      const shown = familiarString(ref);
      report({ status: `Digest: ${top.digest}` });
      report({ status: `Status: ${upToDate ? 'Image is up to date' : 'Downloaded newer image'} for ${shown}` });
      ctx.events.publish('image', 'pull', shown, { name: shown });
      return { id, reference: formatReference(ref), digest: top.digest, upToDate };
    });
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

async function fetchConfig(ctx: EngineContext, client: RegistryClient, manifest: ImageManifest, signal: AbortSignal): Promise<ImageConfig> {
  const d = manifest.config;
  if (d.size > MAX_CONFIG_BYTES) throw invalidArgument(`image config ${d.digest} is ${d.size} bytes, more than the ${MAX_CONFIG_BYTES}-byte limit`);
  await ctx.content.fetch(d.digest, { open: (off, s) => client.openBlob(d.digest, off, s) }, { size: d.size, signal });
  let config: ImageConfig;
  try {
    config = JSON.parse((await ctx.content.read(d.digest)).toString()) as ImageConfig;
  } catch {
    throw invalidArgument(`image config ${d.digest} is not valid JSON`);
  }
  const ids = config?.rootfs?.diff_ids;
  if (!Array.isArray(ids) || !ids.every((x) => typeof x === 'string' && isDigest(x))) throw invalidArgument(`image config ${d.digest} has an invalid rootfs.diff_ids list`);
  return config;
}

async function fetchLayers(
  ctx: EngineContext,
  client: RegistryClient,
  layers: Descriptor[],
  diffIds: Digest[],
  report: ProgressFn,
  abort: AbortController,
): Promise<void> {
  const signal = abort.signal;
  let firstError: unknown;
  const chains = chainIds(diffIds);
  const present = await Promise.all(layers.map(async (l, i) => (await ctx.snapshotter.hasLayer(chains[i]!)) && (await ctx.content.has(l.digest))));
  for (const [i, l] of layers.entries()) report({ id: shortId(l.digest), status: present[i] ? 'Already exists' : 'Pulling fs layer' });
  const pool = limiter(ctx.imagePolicy.maxConcurrentDownloads);
  const downloads = layers.map((l, i) => {
    if (present[i]) return Promise.resolve();
    const id = shortId(l.digest);
    return pool(async () => {
      if (signal.aborted) throw canceled('pull canceled');
      const progress = throttled(report, id, 'Downloading', l.size);
      const r = await ctx.content.fetch(l.digest, { open: (off, s) => client.openBlob(l.digest, off, s) }, { size: l.size, signal, onProgress: progress });
      report({ id, status: 'Verifying Checksum' });
      report({ id, status: 'Download complete' });
      void r;
    }, () => report({ id, status: 'Waiting' })).catch((e: unknown) => {
      // The first failure cancels the other downloads; it is the error the pull reports.
      firstError ??= e;
      abort.abort();
      throw e;
    });
  });
  for (const p of downloads) p.catch(() => {});
  // Each layer is extracted as soon as it is downloaded, in parallel with the others (a layer's
  // directory does not depend on its parent's content); layers are committed strictly in order.
  const committed: Promise<void>[] = [];
  for (const [i, l] of layers.entries()) {
    const parentReady: Promise<void> = i === 0 ? Promise.resolve() : committed[i - 1]!;
    committed.push(
      (async () => {
        const id = shortId(l.digest);
        const chain = chains[i]!;
        if (present[i]) {
          await parentReady;
          return;
        }
        const meter = throttled(report, id, 'Extracting', l.size);
        let read = 0;
        // The extraction worker starts now; it reads the blob once the download is verified.
        const input = downloads[i]!.then(() => {
          const counted = new Transform({
            transform(chunk: Buffer, _e, cb) {
              read += chunk.length;
              meter(read);
              cb(null, chunk);
            },
          });
          const src = ctx.content.createReadStream(l.digest, { highWaterMark: 256 << 10 });
          src.on('error', (e) => counted.destroy(e));
          return src.pipe(counted);
        });
        input.catch(() => {});
        if (await ctx.snapshotter.hasLayer(chain)) {
          (await input).destroy();
          await parentReady;
          report({ id, status: 'Pull complete' });
          return;
        }
        await ctx.snapshotter.createLayerAfter(
          i === 0 ? null : chains[i - 1]!,
          parentReady,
          (dir) => applyLayer(dir, input, { whiteouts: 'overlay', signal, maxBytes: layerLimit(ctx, l.size) }),
          diffIds[i]!,
        );
        // Unread when the layer turned out to exist already.
        (await input).destroy();
        report({ id, status: 'Pull complete' });
      })().catch((e: unknown) => {
        firstError ??= e;
        abort.abort();
        throw e;
      }),
    );
  }
  for (const c of committed) c.catch(() => {});
  try {
    await Promise.all(committed);
  } catch (e) {
    firstError ??= e;
    abort.abort();
    throw firstError;
  } finally {
    // Nothing of this pull may still be writing when its lease ends.
    await Promise.allSettled([...downloads, ...committed]);
  }
}
