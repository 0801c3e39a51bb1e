import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Digest } from '../../core/digest.js';
import { EngineError } from '../../core/errors.js';
import { native, UmountFlags } from '../../sys/native.js';
import type { EngineContext } from '../engine-context.js';

export interface LayerMount {
  /** The merged root filesystem, read-only. */
  path: string;
  release(): Promise<void>;
}

/**
 * Mount an image's (or a build stage's) layers read-only, for COPY --from and
 * RUN --mount=type=bind,from=. Lives under `<data-root>/build/mounts/`, which start-up clears.
 */
export async function mountLayersReadOnly(ctx: EngineContext, top: Digest | null): Promise<LayerMount> {
  const base = join(ctx.paths.dataRoot, 'build', 'mounts');
  await mkdir(base, { recursive: true, mode: 0o700 });
  const dir = await mkdtemp(join(base, 'm-'));
  const path = join(dir, 'root');
  const empty = join(dir, 'empty');
  await mkdir(path, { mode: 0o755 });
  await mkdir(empty, { mode: 0o755 });
  const lowers = await ctx.snapshotter.lowerDirs(top);
  // overlayfs needs two lower directories when it has no upper one.
  while (lowers.length < 2) lowers.push(empty);
  try {
    native().mount('overlay', path, 'overlay', 1 /* MS_RDONLY */, `lowerdir=${lowers.join(':')}`);
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw new EngineError('Internal', `cannot mount image layers: ${(e as Error).message}`, { cause: e });
  }
  let released = false;
  return {
    path,
    async release() {
      if (released) return;
      released = true;
      try {
        native().umount2(path, UmountFlags.DETACH);
      } catch {
        return; // left for start-up cleanup rather than removed through a mount
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
