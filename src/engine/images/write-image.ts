import type { Digest } from '../../core/digest.js';
import { sha256 } from '../../core/digest.js';
import { MediaTypes, type Descriptor, type ImageConfig, type ImageManifest } from '../../core/image-types.js';
import { familiarString, formatReference, type Reference } from '../../core/reference.js';
import type { EngineContext } from '../engine-context.js';

export interface WriteImageOptions {
  config: ImageConfig;
  /** Layer blobs in order, one per diff ID of the config. */
  layers: Descriptor[];
  /** Names to point at the image, in order. */
  tags?: Reference[];
  parent?: Digest;
  /** Event to publish for the image (import, commit). */
  event?: string;
  /** Publish a `tag` event per tag (build does, import does not). Default true. */
  tagEvents?: boolean;
}

/**
 * Store an image: config blob, manifest blob, image record, then the tags, in that order and
 * each atomically, so a crash in between leaves only unreferenced data (collected at start-up).
 * Writing an image that already exists changes nothing on disk (a fully cached build).
 * The caller holds a GC lease: the layers are not referenced by anything until the record is.
 */
export async function writeImage(ctx: EngineContext, opts: WriteImageOptions): Promise<Digest> {
  const configBytes = Buffer.from(JSON.stringify(opts.config));
  const id = await putBlob(ctx, configBytes);
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaTypes.ociManifest,
    config: { mediaType: MediaTypes.ociConfig, digest: id, size: configBytes.length },
    layers: opts.layers,
  };
  const manifestDigest = await putBlob(ctx, Buffer.from(JSON.stringify(manifest)));
  const existing = ctx.images.get(id);
  if (!existing || existing.manifest !== manifestDigest) {
    await ctx.images.put({
      id,
      layers: opts.layers,
      manifest: manifestDigest,
      repoDigests: existing?.repoDigests ?? [],
      ...(opts.parent ? { parent: opts.parent } : {}),
      addedAt: existing?.addedAt ?? new Date().toISOString(),
    });
  }
  const first = opts.tags?.[0];
  if (opts.event) ctx.events.publish('image', opts.event, id, first ? { name: familiarString(first) } : {});
  for (const ref of opts.tags ?? []) {
    await ctx.images.setTag(formatReference(ref), id);
    if (opts.tagEvents !== false) ctx.events.publish('image', 'tag', id, { name: familiarString(ref) });
  }
  return id;
}

/** Write a small blob unless it is already stored; returns its digest. */
async function putBlob(ctx: EngineContext, bytes: Buffer): Promise<Digest> {
  const digest = sha256(bytes);
  if (await ctx.content.has(digest)) return digest;
  return (await ctx.content.write(bytes, { expected: digest })).digest;
}
