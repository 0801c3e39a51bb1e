import { lstat, readlink } from 'node:fs/promises';
import { posix } from 'node:path';
import { errnoCode, invalidArgument } from '../core/errors.js';

const MAX_LINKS = 255;

/**
 * Resolve `unsafe` as if `root` were `/`: symlinks are followed by hand and
 * every step is clamped to the root, so neither `..` nor an absolute or relative
 * symlink can lead outside it. Missing components are allowed (the remainder
 * is joined lexically). The result is a host path inside `root`.
 * This answers "where would this path be inside the container"; it does not
 * protect against a concurrent attacker swapping components afterwards.
 */
export async function secureJoin(root: string, unsafe: string): Promise<string> {
  const rootClean = posix.resolve(root);
  let pending = unsafe.split('/').filter((p) => p !== '' && p !== '.');
  const resolved: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    const hostPath = posix.join(rootClean, ...resolved, part);
    let isLink = false;
    try {
      isLink = (await lstat(hostPath)).isSymbolicLink();
    } catch (e) {
      // A missing component is treated as a plain directory: later parts under it
      // are missing too, and a later `..` pops it again.
      if (errnoCode(e) !== 'ENOENT' && errnoCode(e) !== 'ENOTDIR') throw e;
    }
    if (!isLink) {
      resolved.push(part);
      continue;
    }
    if (++links > MAX_LINKS) throw invalidArgument(`too many levels of symbolic links resolving ${unsafe}`);
    const target = await readlink(hostPath);
    if (target.startsWith('/')) resolved.length = 0;
    pending = [...target.split('/').filter((p) => p !== '' && p !== '.'), ...pending];
  }
  return posix.join(rootClean, ...resolved);
}
