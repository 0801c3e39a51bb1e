/**
 * The layer tar of a finished build step's overlay upper dir, produced in the daemon process.
 * writeDiff (layers/) does the same in a chrooted worker because a *running* container can
 * swap paths under it; a step's container has exited (its PID namespace died with it) and its
 * upper dir is unmounted, so nothing can change the tree while it is read here. Even so
 * nothing is followed: lstat, readlink, and files opened O_NOFOLLOW and checked with fstat.
 * Saving the worker's start-up (~70 ms) matters: it is paid on every RUN step.
 *
 * The output is byte-for-byte what writeDiff produces for the same tree (same order, same
 * whiteout conversion: https://github.com/opencontainers/image-spec/blob/main/layer.md#whiteouts).
 */
import { constants, type BigIntStats } from 'node:fs';
import { lstat, open, readdir, readlink } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { conflict } from '../../core/errors.js';
import { encodeHeaders, padding, type EntryType, type WriteEntry } from '../../layers/tar-format.js';
import { native } from '../../sys/native.js';

const CHUNK = 1 << 20;

function major(rdev: bigint): number {
  return Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn));
}
function minor(rdev: bigint): number {
  return Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn));
}

function xattrs(path: string): [string, Buffer][] | undefined {
  const sys = native();
  const names = sys.llistxattr(path).filter((n) => !n.startsWith('trusted.overlay.') && !n.includes('=') && !n.includes('\n')).sort();
  if (names.length === 0) return undefined;
  const out: [string, Buffer][] = [];
  for (const n of names) {
    const v = sys.lgetxattr(path, n);
    if (v !== null) out.push([n, v]);
  }
  return out;
}

async function* generate(root: string, epoch: number | undefined): AsyncGenerator<Buffer> {
  const meta = (name: string, st: BigIntStats, type: EntryType): WriteEntry => {
    let mtime = Number(st.mtimeNs / 1_000_000_000n);
    if (epoch !== undefined && mtime > epoch) mtime = epoch;
    return { name, type, mode: Number(st.mode & 0o7777n), uid: Number(st.uid), gid: Number(st.gid), size: 0, mtime };
  };
  const links = new Map<string, string>();
  const hostOf = (rel: string) => (rel === '' ? root : `${root}/${rel}`);

  /** List a directory: its opaque marker and whiteouts come first (layer.md's order). */
  async function* openDir(rel: string): AsyncGenerator<Buffer, string[]> {
    const path = hostOf(rel);
    const prefix = rel === '' ? '' : `${rel}/`;
    const v = native().lgetxattr(path, 'trusted.overlay.opaque');
    if (v !== null && v.toString() === 'y') {
      yield encodeHeaders({ ...meta(`${prefix}.wh..wh..opq`, await lstat(path, { bigint: true }), 'file'), mode: 0, uid: 0, gid: 0 });
    }
    const names: string[] = [];
    const whiteouts: [string, BigIntStats][] = [];
    for (const d of await readdir(path, { withFileTypes: true })) {
      if (d.isCharacterDevice()) {
        const st = await lstat(`${path}/${d.name}`, { bigint: true });
        if (st.rdev === 0n) {
          whiteouts.push([d.name, st]);
          continue;
        }
      }
      names.push(d.name);
    }
    for (const [name, st] of whiteouts.sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      yield encodeHeaders({ ...meta(`${prefix}.wh.${name}`, st, 'file'), mode: 0, uid: 0, gid: 0 });
    }
    return names.sort();
  }

  const stack: { rel: string; names: string[]; i: number }[] = [{ rel: '', names: yield* openDir(''), i: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.i >= top.names.length) {
      stack.pop();
      continue;
    }
    const name = top.names[top.i++]!;
    const rel = top.rel === '' ? name : `${top.rel}/${name}`;
    const path = hostOf(rel);
    const st = await lstat(path, { bigint: true });
    const fmt = Number(st.mode) & constants.S_IFMT;
    if (fmt === constants.S_IFSOCK) continue;
    if (fmt !== constants.S_IFDIR && st.nlink > 1n) {
      const key = `${st.dev}:${st.ino}`;
      const first = links.get(key);
      if (first !== undefined) {
        yield encodeHeaders({ ...meta(rel, st, 'link'), linkname: first });
        continue;
      }
      links.set(key, rel);
    }
    if (fmt === constants.S_IFDIR) {
      yield encodeHeaders({ ...meta(rel, st, 'dir'), xattrs: xattrs(path) });
      stack.push({ rel, names: yield* openDir(rel), i: 0 });
    } else if (fmt === constants.S_IFREG) {
      const fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
      try {
        const fst = await fh.stat({ bigint: true });
        if ((Number(fst.mode) & constants.S_IFMT) !== constants.S_IFREG || fst.ino !== st.ino) throw conflict(`${rel} changed while being archived`);
        const size = Number(fst.size);
        yield encodeHeaders({ ...meta(rel, fst, 'file'), size, xattrs: xattrs(path) });
        let left = size;
        while (left > 0) {
          const buf = Buffer.allocUnsafe(Math.min(CHUNK, left));
          const { bytesRead } = await fh.read(buf, 0, buf.length, size - left);
          if (bytesRead === 0) {
            yield Buffer.alloc(left);
            break;
          }
          left -= bytesRead;
          yield bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
        }
        yield Buffer.alloc(padding(size));
      } finally {
        await fh.close();
      }
    } else if (fmt === constants.S_IFLNK) {
      yield encodeHeaders({ ...meta(rel, st, 'symlink'), linkname: await readlink(path), xattrs: xattrs(path) });
    } else if (fmt === constants.S_IFCHR || fmt === constants.S_IFBLK || fmt === constants.S_IFIFO) {
      const type: EntryType = fmt === constants.S_IFCHR ? 'char' : fmt === constants.S_IFBLK ? 'block' : 'fifo';
      const dev = fmt === constants.S_IFIFO ? {} : { devmajor: major(st.rdev), devminor: minor(st.rdev) };
      yield encodeHeaders({ ...meta(rel, st, type), ...dev, xattrs: xattrs(path) });
    }
  }
  yield Buffer.alloc(1024);
}

/** The upper dir as an uncompressed OCI layer tar. */
export function packUpper(upperDir: string, sourceDateEpoch?: number): Readable {
  return Readable.from(generate(upperDir, sourceDateEpoch), { objectMode: false, highWaterMark: 4 * CHUNK });
}
