import { PassThrough } from 'node:stream';
import type { ContainerConfig } from '../../core/container-types.js';
import type { Digest } from '../../core/digest.js';
import { invalidArgument } from '../../core/errors.js';
import { MediaTypes, type ImageConfig, type ImageRunConfig } from '../../core/image-types.js';
import { parseNamedTagged } from '../../core/reference.js';
import { applyLayer } from '../../layers/apply-layer.js';
import { writeDiff } from '../../layers/write-diff.js';
import { applyChanges } from '../images/config-changes.js';
import { writeImage } from '../images/write-image.js';
import type { ContainerService } from './container-service.js';
import { eventAttributes } from './event-attributes.js';
import { nowRfc3339Nano } from '../../core/clock.js';

export interface CommitOptions {
  /** repository[:tag] */
  reference?: string;
  comment?: string;
  author?: string;
  /** Freeze the container while its changes are read (default true, as docker). */
  pause?: boolean;
  /** Dockerfile instructions applied to the new image's config (`--change`). */
  changes?: string[];
  /** Config fields from the request body that replace the container's. */
  config?: Partial<ContainerConfig>;
}

/** The run config an image keeps, taken from a container's config (docker's commit does the same). */
function runConfigOf(c: Partial<ContainerConfig>): ImageRunConfig {
  const out: ImageRunConfig = {
    User: c.User,
    ExposedPorts: c.ExposedPorts ?? undefined,
    Env: c.Env,
    Cmd: c.Cmd ?? undefined,
    Healthcheck: c.Healthcheck,
    Volumes: c.Volumes ?? undefined,
    WorkingDir: c.WorkingDir,
    Entrypoint: c.Entrypoint ?? undefined,
    OnBuild: c.OnBuild ?? undefined,
    Labels: c.Labels,
    StopSignal: c.StopSignal,
    Shell: c.Shell,
  };
  for (const k of Object.keys(out) as (keyof ImageRunConfig)[]) if (out[k] === undefined) delete out[k];
  return out;
}

/**
 * `POST /commit?container=`: the container's upper dir becomes one more layer on its image,
 * with the container's config (plus the request's and `--change`'s) as the image config.
 */
export async function commitContainer(svc: ContainerService, ref: string, opts: CommitOptions): Promise<Digest> {
  const { ctx } = svc;
  const c = ctx.containers.get(ref);
  const target = opts.reference ? parseNamedTagged(opts.reference) : undefined;
  if (target?.digest) throw invalidArgument('cannot commit to a digest reference');
  const runConfig = applyChanges(runConfigOf({ ...c.config, ...(opts.config ?? {}) }), opts.changes ?? []);
  const base = await svc.images.resolve(c.image);
  const freeze = opts.pause !== false && c.state.Running && !c.state.Paused;
  if (freeze) await svc.pause(c.id);
  let id: Digest;
  try {
    id = await ctx.gc.lease(async () => {
      const pass = new PassThrough();
      const [packed, blob] = await Promise.all([writeDiff(ctx.snapshotter.upperDir(c.id), pass), ctx.content.write(pass)]);
      const layer = await ctx.snapshotter.createLayer(c.snapshotParent, (dir) => applyLayer(dir, ctx.content.createReadStream(blob.digest), { whiteouts: 'overlay' }), {
        expectedDiffId: packed.diffId,
      });
      const created = nowRfc3339Nano();
      const config: ImageConfig = {
        ...base.config,
        created,
        ...(opts.author ? { author: opts.author } : {}),
        ...(opts.comment ? { comment: opts.comment } : {}),
        container: c.id,
        config: runConfig,
        rootfs: { type: 'layers', diff_ids: [...base.config.rootfs.diff_ids, layer.diffId] },
        history: [
          ...(base.config.history ?? []),
          { created, created_by: [c.path, ...c.args].join(' '), ...(opts.author ? { author: opts.author } : {}), ...(opts.comment ? { comment: opts.comment } : {}) },
        ],
      } as ImageConfig;
      return writeImage(ctx, {
        config,
        layers: [...base.record.layers, { mediaType: MediaTypes.ociLayer, digest: blob.digest, size: blob.size }],
        tags: target ? [target] : [],
        parent: base.record.id,
        tagEvents: true,
      });
    });
  } finally {
    if (freeze) await svc.unpause(c.id).catch(() => {});
  }
  ctx.events.publish('container', 'commit', c.id, eventAttributes(c, { comment: opts.comment ?? '', imageID: id, imageRef: target ? opts.reference! : '' }));
  return id;
}
