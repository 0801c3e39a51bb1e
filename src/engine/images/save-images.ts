import { open } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pack as tarPack } from 'tar-stream';
import { chainIds, digestHex, type Digest } from '../../core/digest.js';
import { notFound } from '../../core/errors.js';
import { MediaTypes, type ImageConfig } from '../../core/image-types.js';
import { familiarName, formatReference, parseReference, repositoryName, splitTagged } from '../../core/reference.js';
import type { ImageRecord } from '../../store/image-store.js';
import type { EngineContext } from '../engine-context.js';
import type { ImageService } from './image-service.js';
import { uncompressed } from './layer-streams.js';
import { manifestFor } from './push-image.js';

export type ArchiveFormat = 'docker' | 'oci';

interface Selected {
  rec: ImageRecord;
  /** Canonical repo:tag keys to name in the archive. */
  tags: string[];
}

/** Which images and names `docker save a b:1 sha256:…` means (a repository name means all its tags). */
export function selectImages(ctx: EngineContext, images: ImageService, refs: string[]): Selected[] {
  const byId = new Map<Digest, Selected>();
  const add = (rec: ImageRecord, tag?: string) => {
    const s = byId.get(rec.id) ?? { rec, tags: [] };
    if (tag && !s.tags.includes(tag)) s.tags.push(tag);
    byId.set(rec.id, s);
  };
  for (const ref of refs) {
    let parsed;
    try {
      parsed = parseReference(ref);
    } catch {
      parsed = undefined;
    }
    if (parsed && !parsed.digest && !parsed.tag) {
      const repo = repositoryName(parsed);
      const tags = Object.keys(ctx.images.allTags()).filter((k) => splitTagged(k).repo === repo);
      if (tags.length && !/^[a-f0-9]{12,64}$/.test(ref)) {
        for (const k of tags) add(ctx.images.get(ctx.images.resolveTag(k)!)!, k);
        continue;
      }
    }
    const rec = images.get(ref);
    const key = parsed && parsed.tag && !parsed.digest ? formatReference(parsed) : undefined;
    add(rec, key && ctx.images.resolveTag(key) === rec.id ? key : undefined);
  }
  return [...byId.values()];
}

function shortTag(key: string): string {
  const { repo, tag } = splitTagged(key);
  return `${familiarName(repo)}:${tag}`;
}

async function blobHead(ctx: EngineContext, d: Digest): Promise<Buffer> {
  const fh = await open(ctx.content.path(d), 'r');
  try {
    const b = Buffer.alloc(4);
    await fh.read(b, 0, 4, 0);
    return b;
  } finally {
    await fh.close();
  }
}

/**
 * `docker save`: the docker-archive format (manifest.json, `<config>.json`, one directory per
 * layer holding an uncompressed layer.tar) that every Docker version loads, or with
 * format 'oci' an OCI image layout (oci-layout, index.json, blobs/) that also carries
 * manifest.json. Layers stream from the content store; nothing is buffered whole.
 */
export async function saveImages(ctx: EngineContext, selected: Selected[], out: Writable, opts: { format?: ArchiveFormat; signal?: AbortSignal } = {}): Promise<void> {
  const tar = tarPack();
  const done = pipeline(tar, out, { signal: opts.signal });
  done.catch(() => {});
  const mtime = new Date(0);
  const written = new Set<string>();
  const file = async (name: string, data: Buffer) => {
    if (written.has(name)) return;
    written.add(name);
    await new Promise<void>((res, rej) => tar.entry({ name, size: data.length, mode: 0o644, mtime }, data, (e) => (e ? rej(e) : res())));
  };
  const stream = async (name: string, size: number, src: NodeJS.ReadableStream) => {
    if (written.has(name)) return void (src as unknown as { destroy(): void }).destroy();
    written.add(name);
    const entry = tar.entry({ name, size, mode: 0o644, mtime });
    await pipeline(src, entry);
  };
  const dir = async (name: string) => {
    if (written.has(name)) return;
    written.add(name);
    await new Promise<void>((res, rej) => tar.entry({ name, type: 'directory', mode: 0o755, mtime }, (e) => (e ? rej(e) : res())));
  };
  try {
    await ctx.gc.lease(async () => {
      const manifestJson: { Config: string; RepoTags: string[] | null; Layers: string[] }[] = [];
      const repositories: Record<string, Record<string, string>> = {};
      const index: Record<string, unknown>[] = [];
      for (const { rec, tags } of selected) {
        const configBytes = await ctx.content.read(rec.id);
        const config = JSON.parse(configBytes.toString()) as ImageConfig;
        const chains = chainIds(config.rootfs.diff_ids);
        for (const l of rec.layers) if (!(await ctx.content.has(l.digest))) throw notFound(`layer blob ${l.digest} of image ${rec.id} is missing`);
        const layerPaths: string[] = [];
        if (opts.format === 'oci') {
          const { manifest, bytes } = await manifestFor(ctx, rec);
          await dir('blobs/');
          await dir('blobs/sha256/');
          const mdigest = (await ctx.content.write(bytes)).digest;
          await file(`blobs/sha256/${digestHex(mdigest)}`, bytes);
          await file(`blobs/sha256/${digestHex(rec.id)}`, configBytes);
          for (const l of manifest.layers) {
            await stream(`blobs/sha256/${digestHex(l.digest)}`, l.size, ctx.content.createReadStream(l.digest));
            layerPaths.push(`blobs/sha256/${digestHex(l.digest)}`);
          }
          const desc = { mediaType: manifest.mediaType ?? MediaTypes.ociManifest, digest: mdigest, size: bytes.length };
          if (tags.length === 0) index.push(desc);
          for (const t of tags) index.push({ ...desc, annotations: { 'io.containerd.image.name': t, 'org.opencontainers.image.ref.name': splitTagged(t).tag } });
          manifestJson.push({ Config: `blobs/sha256/${digestHex(rec.id)}`, RepoTags: tags.length ? tags.map(shortTag) : null, Layers: layerPaths });
        } else {
          await file(`${digestHex(rec.id)}.json`, configBytes);
          for (const [i, l] of rec.layers.entries()) {
            const chain = chains[i]!;
            const d = digestHex(chain);
            const size = (await ctx.snapshotter.layer(chain)).size;
            await dir(`${d}/`);
            await file(`${d}/VERSION`, Buffer.from('1.0'));
            await file(`${d}/json`, Buffer.from(JSON.stringify({ id: d, ...(i > 0 ? { parent: digestHex(chains[i - 1]!) } : {}) })));
            if (!written.has(`${d}/layer.tar`)) {
              const head = await blobHead(ctx, l.digest);
              await stream(`${d}/layer.tar`, size, uncompressed(ctx.content.createReadStream(l.digest), head));
            }
            layerPaths.push(`${d}/layer.tar`);
          }
          manifestJson.push({ Config: `${digestHex(rec.id)}.json`, RepoTags: tags.length ? tags.map(shortTag) : null, Layers: layerPaths });
        }
        for (const t of tags) {
          const { repo, tag } = splitTagged(t);
          (repositories[familiarName(repo)] ??= {})[tag] = layerPaths.length ? digestHex(chains[chains.length - 1]!) : '';
        }
      }
      await file('manifest.json', Buffer.from(JSON.stringify(manifestJson)));
      if (opts.format === 'oci') {
        await file('oci-layout', Buffer.from(JSON.stringify({ imageLayoutVersion: '1.0.0' })));
        await file('index.json', Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: index })));
      } else if (Object.keys(repositories).length) {
        await file('repositories', Buffer.from(JSON.stringify(repositories)));
      }
    });
    tar.finalize();
    await done;
  } catch (e) {
    tar.destroy();
    throw e;
  }
}
