import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract as tarExtract } from 'tar-stream';
import { chainIds, digestHex, isDigest, type Digest } from '../../core/digest.js';
import { invalidArgument, isEngineError } from '../../core/errors.js';
import { MediaTypes, type Descriptor, type ImageConfig, type ImageManifest } from '../../core/image-types.js';
import { familiarString, formatReference, parseNamedTagged, parseReference } from '../../core/reference.js';
import { parseManifestDocument } from '../../distribution/manifest-document.js';
import { hostPlatform, selectManifest } from '../../distribution/platform.js';
import { applyLayer } from '../../layers/apply-layer.js';
import type { EngineContext } from '../engine-context.js';
import type { ProgressFn } from './progress.js';
import { layerLimit } from './pull-image.js';
import { detectCompression, peek } from './stream-peek.js';

/** An archive unpacked into a private temp dir: regular files only, symlinks resolved by name. */
class Unpacked {
  readonly links = new Map<string, string>();
  readonly files = new Set<string>();
  constructor(readonly dir: string) {}

  resolve(name: string): string | undefined {
    let n = posix.normalize(name).replace(/^\.\//, '');
    for (let i = 0; i < 16; i++) {
      if (this.files.has(n)) return join(this.dir, n);
      const target = this.links.get(n);
      if (target === undefined) return undefined;
      n = posix.normalize(target.startsWith('/') ? target.slice(1) : posix.join(posix.dirname(n), target));
    }
    return undefined;
  }

  async read(name: string, limit = 16 << 20): Promise<Buffer | undefined> {
    const p = this.resolve(name);
    if (!p) return undefined;
    if ((await stat(p)).size > limit) throw invalidArgument(`${name} in the archive is larger than ${limit} bytes`);
    return readFile(p);
  }
}

function safeName(raw: string): string | undefined {
  const n = posix.normalize(raw.replace(/^\.?\/+/, ''));
  if (!n || n === '.' || n.startsWith('..') || n.includes('/../') || posix.isAbsolute(n)) return undefined;
  return n.replace(/\/$/, '');
}

async function unpack(input: Readable, dir: string, signal?: AbortSignal): Promise<Unpacked> {
  const u = new Unpacked(dir);
  const ex = tarExtract();
  const feeding = pipeline(input, ex, { signal }).catch((e: unknown) => {
    ex.destroy(e as Error);
  });
  try {
    for await (const entry of ex) {
      const name = safeName(entry.header.name);
      if (name && entry.header.type === 'file') {
        const p = join(dir, name);
        await mkdir(dirname(p), { recursive: true });
        await pipeline(entry, createWriteStream(p, { flags: 'wx' }));
        u.files.add(name);
        continue;
      }
      if (name && entry.header.type === 'symlink' && entry.header.linkname) u.links.set(name, entry.header.linkname);
      entry.resume();
    }
  } catch (e) {
    if (isEngineError(e)) throw e;
    throw invalidArgument(`invalid image archive: ${(e as Error).message}`, e);
  }
  await feeding;
  return u;
}

/**
 * `docker load`: a docker-archive (manifest.json) or an OCI image layout (index.json) from a
 * tar stream. The archive is spooled to a temp dir under the data root (never to memory),
 * each layer is stored as a verified blob and extracted with its diff ID checked against the
 * config, then the image record and its tags are written. Returns the messages docker prints.
 */
export async function loadImages(ctx: EngineContext, input: Readable, opts: { signal?: AbortSignal; onProgress?: ProgressFn } = {}): Promise<string[]> {
  await mkdir(ctx.paths.tmp, { recursive: true });
  const dir = await mkdtemp(join(ctx.paths.tmp, 'load-'));
  const say = (line: string) => opts.onProgress?.({ stream: `${line}\n` });
  try {
    return await ctx.gc.lease(async () => {
      const u = await unpack(input, dir, opts.signal);
      const manifestJson = await u.read('manifest.json');
      const out: string[] = [];
      if (manifestJson) {
        let entries: { Config?: string; RepoTags?: string[] | null; Layers?: string[] }[];
        try {
          entries = JSON.parse(manifestJson.toString()) as typeof entries;
          if (!Array.isArray(entries)) throw new Error('not an array');
        } catch (e) {
          throw invalidArgument(`invalid manifest.json in the archive: ${(e as Error).message}`);
        }
        for (const m of entries) out.push(...(await loadDockerEntry(ctx, u, m, opts.signal)));
      } else if (await u.read('index.json')) {
        out.push(...(await loadOciLayout(ctx, u, opts.signal)));
      } else {
        throw invalidArgument('invalid image archive: it has neither manifest.json (docker save) nor index.json (OCI layout)');
      }
      for (const l of out) say(l);
      return out;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function storeLayers(ctx: EngineContext, u: Unpacked, paths: string[], diffIds: Digest[], expected: (Descriptor | undefined)[], signal?: AbortSignal): Promise<Descriptor[]> {
  if (paths.length !== diffIds.length) throw invalidArgument(`image config lists ${diffIds.length} diff IDs but the archive names ${paths.length} layers`);
  const chains = chainIds(diffIds);
  const descs: Descriptor[] = [];
  let parent: Digest | null = null;
  for (const [i, name] of paths.entries()) {
    const p = u.resolve(name);
    if (!p) throw invalidArgument(`invalid image archive: layer ${name} is missing`);
    const src = createReadStream(p);
    const head = await peek(src, 6);
    const compression = detectCompression(head);
    const blob = await ctx.content.write(src, { expected: expected[i]?.digest, signal });
    const mediaType = expected[i]?.mediaType ?? (compression === 'gzip' ? MediaTypes.dockerLayerGzip : compression === 'zstd' ? MediaTypes.ociLayerZstd : MediaTypes.dockerLayer);
    descs.push({ mediaType, digest: blob.digest, size: blob.size });
    if (!(await ctx.snapshotter.hasLayer(chains[i]!))) {
      await ctx.snapshotter.createLayer(parent, (d) => applyLayer(d, ctx.content.createReadStream(blob.digest), { whiteouts: 'overlay', signal, maxBytes: layerLimit(ctx, blob.size) }), {
        expectedDiffId: diffIds[i],
      });
    }
    parent = chains[i]!;
  }
  return descs;
}

function parseConfig(bytes: Buffer, where: string): ImageConfig {
  let c: ImageConfig;
  try {
    c = JSON.parse(bytes.toString()) as ImageConfig;
  } catch {
    throw invalidArgument(`invalid image config ${where}: not JSON`);
  }
  if (!Array.isArray(c?.rootfs?.diff_ids) || !c.rootfs.diff_ids.every((d) => typeof d === 'string' && isDigest(d))) throw invalidArgument(`invalid image config ${where}: bad rootfs.diff_ids`);
  return c;
}

async function commit(ctx: EngineContext, configDigest: Digest, layers: Descriptor[], manifestBytes: Buffer | undefined, names: string[]): Promise<string[]> {
  let manifestDigest: Digest;
  if (manifestBytes) manifestDigest = (await ctx.content.write(manifestBytes)).digest;
  else {
    const cfg = await ctx.content.info(configDigest);
    const m: ImageManifest = { schemaVersion: 2, mediaType: MediaTypes.dockerManifest, config: { mediaType: MediaTypes.dockerConfig, digest: configDigest, size: cfg.size }, layers };
    manifestDigest = (await ctx.content.write(JSON.stringify(m, null, 3))).digest;
  }
  const existing = ctx.images.get(configDigest);
  await ctx.images.put({ id: configDigest, layers, manifest: manifestDigest, repoDigests: existing?.repoDigests ?? [], addedAt: existing?.addedAt ?? new Date().toISOString() });
  const out: string[] = [];
  for (const n of names) {
    const ref = parseNamedTagged(n);
    await ctx.images.setTag(formatReference(ref), configDigest);
    out.push(`Loaded image: ${familiarString(ref)}`);
  }
  if (names.length === 0) out.push(`Loaded image ID: ${configDigest}`);
  ctx.events.publish('image', 'load', configDigest, {});
  return out;
}

async function loadDockerEntry(ctx: EngineContext, u: Unpacked, m: { Config?: string; RepoTags?: string[] | null; Layers?: string[] }, signal?: AbortSignal): Promise<string[]> {
  if (typeof m.Config !== 'string' || !Array.isArray(m.Layers)) throw invalidArgument('invalid manifest.json entry: Config and Layers are required');
  const configBytes = await u.read(m.Config);
  if (!configBytes) throw invalidArgument(`invalid image archive: config ${m.Config} is missing`);
  const config = parseConfig(configBytes, m.Config);
  for (const t of m.RepoTags ?? []) parseReference(t);
  const cfg = await ctx.content.write(configBytes);
  const layers = await storeLayers(ctx, u, m.Layers, config.rootfs.diff_ids, [], signal);
  return commit(ctx, cfg.digest, layers, undefined, m.RepoTags ?? []);
}

async function loadOciLayout(ctx: EngineContext, u: Unpacked, signal?: AbortSignal): Promise<string[]> {
  const blobPath = (d: Digest) => `blobs/sha256/${digestHex(d)}`;
  const readBlob = async (d: Descriptor): Promise<Buffer> => {
    const b = await u.read(blobPath(d.digest), 4 << 20);
    if (!b) throw invalidArgument(`invalid OCI layout: blob ${d.digest} is missing`);
    const stored = await ctx.content.write(b, { expected: d.digest });
    void stored;
    return b;
  };
  const indexBytes = (await u.read('index.json'))!;
  const index = parseManifestDocument(indexBytes, MediaTypes.ociIndex);
  if (index.kind !== 'index') throw invalidArgument('invalid OCI layout: index.json is not an image index');
  const out: string[] = [];
  for (const top of index.manifests) {
    let desc = top;
    let bytes = await readBlob(desc);
    let doc = parseManifestDocument(bytes, desc.mediaType);
    if (doc.kind === 'index') {
      desc = selectManifest(doc.manifests, hostPlatform());
      bytes = await readBlob(desc);
      doc = parseManifestDocument(bytes, desc.mediaType);
      if (doc.kind !== 'manifest') throw invalidArgument(`invalid OCI layout: nested index ${desc.digest}`);
    }
    const manifest = doc.manifest;
    const configBytes = await readBlob(manifest.config);
    const config = parseConfig(configBytes, manifest.config.digest);
    const layers = await storeLayers(ctx, u, manifest.layers.map((l) => blobPath(l.digest)), config.rootfs.diff_ids, manifest.layers, signal);
    const ann = top.annotations ?? {};
    const name = ann['io.containerd.image.name'] ?? (ann['org.opencontainers.image.ref.name']?.includes('/') || ann['org.opencontainers.image.ref.name']?.includes(':') ? ann['org.opencontainers.image.ref.name'] : undefined);
    out.push(...(await commit(ctx, manifest.config.digest, layers, bytes, name ? [name] : [])));
  }
  return out;
}
