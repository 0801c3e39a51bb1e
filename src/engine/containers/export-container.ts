import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { EngineError, errnoCode } from '../../core/errors.js';
import { tarTree } from '../../layers/write-diff.js';
import { native, UmountFlags } from '../../sys/native.js';
import type { EngineContext } from '../engine-context.js';
import { rootfsPath } from './rootfs.js';

/**
 * `docker export`: the container's whole filesystem as one tar. A running container's root is
 * already mounted; a stopped one gets its overlay mounted on a private temp dir for the
 * duration, so the tar shows exactly what the container sees.
 */
export async function exportContainer(ctx: EngineContext, ref: string, out: Writable, signal?: AbortSignal): Promise<void> {
  const rec = ctx.containers.get(ref);
  if (rec.state.Running) {
    await tarTree(rootfsPath(ctx, rec.id), out, { signal });
    return;
  }
  const dir = await mkdtemp(join(ctx.paths.tmp, 'export-'));
  try {
    for (const m of await ctx.snapshotter.mounts(rec.id)) {
      try {
        native().mount(m.source, dir, m.type, 0, m.options.join(','));
      } catch (e) {
        throw new EngineError('Internal', `cannot mount the filesystem of ${rec.id}: ${(e as Error).message}`, { cause: e });
      }
    }
    await tarTree(dir, out, { signal });
  } finally {
    try {
      native().umount2(dir, UmountFlags.DETACH);
    } catch (e) {
      if (errnoCode(e) !== 'EINVAL') throw e;
    }
    await rm(dir, { recursive: true, force: true });
  }
}
