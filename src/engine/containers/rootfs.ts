import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError, errnoCode } from '../../core/errors.js';
import { native, UmountFlags } from '../../sys/native.js';
import type { EngineContext } from '../engine-context.js';

export function rootfsPath(ctx: EngineContext, id: string): string {
  return join(ctx.containers.dir(id), 'rootfs');
}

/** Mount the container's snapshot (overlay of image layers + its upper dir) at containers/<id>/rootfs. */
export async function mountRootfs(ctx: EngineContext, id: string): Promise<string> {
  const target = rootfsPath(ctx, id);
  await mkdir(target, { recursive: true, mode: 0o755 });
  unmountQuietly(target);
  for (const m of await ctx.snapshotter.mounts(id)) {
    const data = m.options.join(',');
    try {
      native().mount(m.source, target, m.type, 0, data);
    } catch (e) {
      throw new EngineError('Internal', `cannot mount the root filesystem of ${id}: ${(e as Error).message}`, { cause: e });
    }
  }
  return target;
}

export function unmountRootfs(ctx: EngineContext, id: string): void {
  unmountQuietly(rootfsPath(ctx, id));
}

/** Detach every mount stacked on `target`; "not mounted" is not an error. */
function unmountQuietly(target: string): void {
  for (let i = 0; i < 8; i++) {
    try {
      native().umount2(target, UmountFlags.DETACH);
    } catch (e) {
      const code = errnoCode(e);
      if (code === 'EINVAL' || code === 'ENOENT') return;
      throw e;
    }
  }
}
