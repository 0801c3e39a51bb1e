import { PassThrough, type Readable } from 'node:stream';
import type { Digest } from '../../core/digest.js';
import { invalidArgument } from '../../core/errors.js';
import { MediaTypes, type Descriptor, type ImageConfig } from '../../core/image-types.js';
import { parseNamedTagged } from '../../core/reference.js';
import { applyLayer } from '../../layers/apply-layer.js';
import type { EngineContext } from '../engine-context.js';
import { applyChanges } from './config-changes.js';
import { decompressWith, detectCompression, peek } from './stream-peek.js';
import { writeImage } from './write-image.js';

export interface ImportOptions {
  /** Repository[:tag] to name the image, if any. */
  reference?: string;
  changes?: string[];
  message?: string;
  platform?: { os?: string; architecture?: string; variant?: string };
  signal?: AbortSignal;
}

/**
 * `docker import`: a root filesystem tarball becomes a one-layer image. The
 * blob, the extracted layer, the config, the manifest, the image record and
 * finally the tag are written in that order, each atomically; a crash between
 * steps leaves only unreferenced data, which start-up garbage collection removes.
 */
export async function importImage(ctx: EngineContext, input: Readable, opts: ImportOptions = {}): Promise<Digest> {
  const ref = opts.reference ? parseNamedTagged(opts.reference) : undefined;
  if (ref?.digest) throw invalidArgument(`cannot import to a digest reference`);
  const baseConfig = applyChanges({}, opts.changes ?? []);
  return ctx.gc.lease(async () => {
    let source: Readable = input;
    let head = await peek(source, 6);
    if (head.length === 0) throw invalidArgument('cannot import an empty archive');
    const compression = detectCompression(head);
    if (compression === 'xz' || compression === 'bzip2') {
      source = decompressWith(compression === 'xz' ? 'xz' : 'bzip2', source);
      head = await peek(source, 6);
    }
    const finalCompression = detectCompression(head);
    const mediaType =
      finalCompression === 'gzip' ? MediaTypes.ociLayerGzip : finalCompression === 'zstd' ? MediaTypes.ociLayerZstd : MediaTypes.ociLayer;

    const toStore = new PassThrough();
    const toApply = new PassThrough();
    source.pipe(toStore);
    source.pipe(toApply);
    source.on('error', (e) => {
      toStore.destroy(e);
      toApply.destroy(e);
    });
    const [blobR, layerR] = await Promise.allSettled([
      ctx.content.write(toStore, { signal: opts.signal }),
      ctx.snapshotter.createLayer(null, (dir) => applyLayer(dir, toApply, { whiteouts: 'overlay', signal: opts.signal })).catch((e: unknown) => {
        toStore.destroy(e as Error);
        throw e;
      }),
    ]);
    if (blobR.status === 'rejected' || layerR.status === 'rejected') {
      source.unpipe();
      source.destroy();
      if (blobR.status === 'fulfilled' && !blobIsReferenced(ctx, blobR.value.digest)) await ctx.content.delete(blobR.value.digest);
      throw layerR.status === 'rejected' ? layerR.reason : (blobR as PromiseRejectedResult).reason;
    }
    const blob = blobR.value;
    const layer = layerR.value;

    const created = new Date().toISOString();
    const comment = opts.message || 'Imported from -';
    const config: ImageConfig = {
      architecture: opts.platform?.architecture || 'amd64',
      os: opts.platform?.os || 'linux',
      ...(opts.platform?.variant ? { variant: opts.platform.variant } : {}),
      created,
      comment,
      config: baseConfig,
      rootfs: { type: 'layers', diff_ids: [layer.diffId] },
      history: [{ created, comment }],
    };
    const layerDesc: Descriptor = { mediaType, digest: blob.digest, size: blob.size };
    return writeImage(ctx, { config, layers: [layerDesc], tags: ref ? [ref] : [], event: 'import', tagEvents: false });
  });
}

function blobIsReferenced(ctx: EngineContext, digest: Digest): boolean {
  return ctx.images.list().some((i) => i.id === digest || i.manifest === digest || i.layers.some((l) => l.digest === digest));
}
