import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoCode } from '../../core/errors.js';
import { native } from '../../sys/native.js';
import type { ContainerService } from './container-service.js';

/** Docker's change kinds (GET /containers/{id}/changes). */
export const enum ChangeKind {
  Modified = 0,
  Added = 1,
  Deleted = 2,
}

export interface Change {
  Path: string;
  Kind: ChangeKind;
}

/**
 * Mount points runc creates in the root (Docker keeps them in an "init" layer, so `docker diff`
 * and `docker commit` never show them): left out here too.
 */
const MOUNT_POINTS = new Set(['/etc/hosts', '/etc/hostname', '/etc/resolv.conf', '/.dockerenv', '/dev/console', '/dev/shm', '/dev/pts', '/dev/mqueue']);

async function existsIn(lowers: string[], rel: string): Promise<boolean> {
  for (const l of lowers) {
    try {
      await lstat(join(l, rel));
      return true;
    } catch (e) {
      if (errnoCode(e) !== 'ENOENT' && errnoCode(e) !== 'ENOTDIR') throw e;
    }
  }
  return false;
}

/**
 * What an overlay upper dir records against its lower layers: a whiteout (char device 0:0)
 * is a deletion, an entry also present below is a modification, anything else was added.
 * Directories that are only there because a hidden mount point was created in them are left out.
 */
export async function upperChanges(upper: string, lowers: string[]): Promise<Change[]> {
  const out: Change[] = [];
  const walk = async (rel: string): Promise<boolean> => {
    let hidden = false;
    for (const name of (await readdir(join(upper, rel))).sort()) {
      const path = `${rel}/${name}`;
      if (MOUNT_POINTS.has(path)) {
        hidden = true;
        continue;
      }
      const st = await lstat(join(upper, path));
      if (st.isCharacterDevice() && st.rdev === 0) {
        out.push({ Path: path, Kind: ChangeKind.Deleted });
        continue;
      }
      const below = await existsIn(lowers, path);
      const at = out.length;
      out.push({ Path: path, Kind: below ? ChangeKind.Modified : ChangeKind.Added });
      if (!st.isDirectory()) continue;
      const opaque = native().lgetxattr(join(upper, path), 'trusted.overlay.opaque')?.toString() === 'y';
      const childHidden = await walk(path);
      if (below && !opaque && childHidden && out.length === at + 1) out.splice(at, 1);
    }
    return hidden;
  };
  await walk('');
  return out;
}

/** `GET /containers/{id}/changes`. */
export async function containerChanges(svc: ContainerService, ref: string): Promise<Change[]> {
  const { ctx } = svc;
  const c = ctx.containers.get(ref);
  const mounts = await ctx.snapshotter.mounts(c.id);
  const lowerOpt = mounts[0]?.options.find((o) => o.startsWith('lowerdir='));
  const lowers = lowerOpt ? lowerOpt.slice('lowerdir='.length).split(':') : [];
  return upperChanges(ctx.snapshotter.upperDir(c.id), lowers);
}
