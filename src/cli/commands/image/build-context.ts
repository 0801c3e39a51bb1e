/**
 * The client side of a build context: walk the context directory with .dockerignore applied
 * and stream it as a tar (what the docker CLI sends), adding a Dockerfile from outside the
 * context under a random name, as the docker CLI does.
 */
import { createReadStream, type Stats } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { IgnoreMatcher } from '../../../core/dockerignore.js';

export async function readIgnore(dir: string): Promise<IgnoreMatcher> {
  try {
    return IgnoreMatcher.parse(await readFile(join(dir, '.dockerignore'), 'utf8'));
  } catch {
    return new IgnoreMatcher([]);
  }
}

export interface Item {
  rel: string;
  st: Stats;
}

async function walk(root: string, ignore: IgnoreMatcher, keep: Set<string>): Promise<Item[]> {
  const out: Item[] = [];
  const visit = async (rel: string): Promise<boolean> => {
    let any = false;
    for (const name of (await readdir(join(root, rel))).sort()) {
      const child = rel ? `${rel}/${name}` : name;
      const st = await lstat(join(root, child));
      const skip = ignore.ignores(child) && !keep.has(child);
      if (skip && !(st.isDirectory() && ignore.mayReinclude(child))) continue;
      if (st.isDirectory()) {
        const at = out.length;
        out.push({ rel: child, st });
        const inner = await visit(child);
        if (skip && !inner) {
          out.splice(at, 1);
          continue;
        }
      } else out.push({ rel: child, st });
      any = true;
    }
    return any;
  };
  await visit('');
  return out;
}

/** The context's entries (ignores applied) and the size of the tar that carries them. */
export async function contextItems(root: string, ignore: IgnoreMatcher): Promise<{ items: Item[]; tarSize: number }> {
  // The Dockerfile and .dockerignore always go: the daemon needs them even when ignored.
  const items = await walk(root, ignore, new Set(['.dockerignore', 'Dockerfile']));
  let tarSize = 1024;
  for (const { st } of items) tarSize += 512 + (st.isFile() ? Math.ceil(st.size / 512) * 512 : 0);
  return { items, tarSize };
}

/** A tar stream of the context; `extra` adds generated files (a Dockerfile from elsewhere). */
export function packContext(root: string, items: Item[], extra: { name: string; data: Buffer }[]): NodeJS.ReadableStream {
  const pack = tar.pack();
  void (async () => {
    try {
      for (const { rel, st } of items) {
        const base = { name: rel, mode: st.mode & 0o7777, mtime: st.mtime, uid: st.uid, gid: st.gid };
        if (st.isDirectory()) pack.entry({ ...base, type: 'directory' });
        else if (st.isSymbolicLink()) pack.entry({ ...base, type: 'symlink', linkname: await readlink(join(root, rel)) });
        else if (st.isFile()) {
          const entry = pack.entry({ ...base, type: 'file', size: st.size });
          await pipeline(createReadStream(join(root, rel)), entry);
        }
      }
      for (const e of extra) pack.entry({ name: e.name, mode: 0o644, mtime: new Date(), type: 'file', size: e.data.length }, e.data);
      pack.finalize();
    } catch (e) {
      pack.destroy(e as Error);
    }
  })();
  return pack;
}
