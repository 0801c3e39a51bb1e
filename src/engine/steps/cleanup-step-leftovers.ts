import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoCode } from '../../core/errors.js';
import { native, UmountFlags } from '../../sys/native.js';
import type { EngineContext } from '../engine-context.js';
import { STEP_KEY_PREFIX } from './step-snapshot.js';

/**
 * Start-up: a daemon that stopped mid-build leaves step snapshots, their mounts, bind targets
 * and extracted contexts. Nothing of it is referenced (a step's layer is referenced only once
 * its cache record is written), so all of it goes. runc state of step containers is removed by
 * container restore, which deletes every runc container it does not know.
 */
export async function cleanupStepLeftovers(ctx: EngineContext): Promise<void> {
  const build = join(ctx.paths.dataRoot, 'build');
  for (const sub of ['runs', 'contexts', 'mounts']) {
    const dir = join(build, sub);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') continue;
      throw e;
    }
    for (const name of names) {
      for (const m of ['rootfs', 'root', '']) detach(join(dir, name, m));
      // Never delete through a mount that is still there (it could be a bind of user files).
      if (await mountedBelow(join(dir, name))) {
        ctx.log.warn('build leftovers are still mounted; not removing them', { path: join(dir, name) });
        continue;
      }
      await rm(join(dir, name), { recursive: true, force: true }).catch((e: unknown) =>
        ctx.log.warn('cannot remove build leftovers', { path: join(dir, name), error: String(e) }),
      );
    }
  }
  for (const key of await ctx.snapshotter.listActive()) {
    if (key.startsWith(STEP_KEY_PREFIX)) await ctx.snapshotter.removeActive(key);
  }
}

async function mountedBelow(dir: string): Promise<boolean> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  return info.split('\n').some((l) => {
    const mp = l.split(' ')[4];
    return mp !== undefined && (mp === dir || mp.startsWith(`${dir}/`));
  });
}

function detach(target: string): void {
  for (let i = 0; i < 8; i++) {
    try {
      native().umount2(target, UmountFlags.DETACH);
    } catch {
      return;
    }
  }
}
