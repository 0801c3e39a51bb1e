/**
 * Archive worker: `node pack-worker.js <rootDir> tree|diff [sourceDateEpoch]` writes a tar of
 * the tree to stdout and one JSON report line to fd 3 (see worker-io.ts).
 *
 * It chroot()s into the tree first, like extract-worker: a running container can swap a
 * directory for a symlink between our readdir and our open (the `docker cp` race,
 * CVE-2018-15664); inside the chroot such a swap can only point at the container's own files.
 * Nothing is followed anyway: lstat/readlink, and regular files are opened O_NOFOLLOW and
 * checked with fstat against what lstat saw.
 *
 * 'diff' mode converts overlayfs upper-dir markers into OCI whiteouts
 * (https://github.com/opencontainers/image-spec/blob/main/layer.md#whiteouts): a char device
 * 0:0 becomes `.wh.<name>`, a dir with trusted.overlay.opaque=y gets `.wh..wh..opq`.
 */
import * as fs from 'node:fs';
import { conflict, errorMessage, failedPrecondition, invalidArgument, notFound } from '../core/errors.js';
import { native, type NativeSys } from '../sys/native.js';
import { BLOCK, encodeHeaders, padding, type EntryType, type WriteEntry } from './tar-format.js';
import { fail, report, writeAllSync, type PathStat } from './worker-io.js';

const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK, S_IFMT, S_IFREG, S_IFDIR, S_IFLNK, S_IFCHR, S_IFBLK, S_IFIFO, S_IFSOCK } = fs.constants;
const OUT_FD = 1;

type Stat = fs.BigIntStats;

function major(rdev: bigint): number {
  return Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn));
}
function minor(rdev: bigint): number {
  return Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn));
}

class Packer {
  count = 0;
  current: string | undefined;
  private readonly out = Buffer.allocUnsafe(1 << 20);
  private pos = 0;
  /** dev:ino of multiply-linked inodes already written → their archive name. */
  private readonly links = new Map<string, string>();

  constructor(private readonly sys: NativeSys, private readonly diff: boolean, private readonly epoch: number | undefined) {}

  /**
   * Archive the tree below the root (`tree`/`diff`: the root itself is not an entry), or, with
   * `start`, the entry `start.rel` itself named `start.as` and everything below it renamed alike
   * (the copy API's archives start with the copied file or directory).
   */
  run(start?: { rel: string; as: string }): void {
    // Iterative depth-first walk with sorted children: deterministic output, and a very deep
    // tree cannot exhaust the JS stack.
    const stack: { rel: string; as: string; names: string[]; i: number }[] = [];
    if (!start) stack.push({ ...this.open(''), as: '' });
    else if (this.entry(start.rel, start.as)) stack.push({ ...this.open(start.rel), as: start.as });
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.i >= top.names.length) {
        stack.pop();
        continue;
      }
      const name = top.names[top.i++]!;
      const rel = top.rel === '' ? name : `${top.rel}/${name}`;
      const as = top.as === '' ? name : `${top.as}/${name}`;
      this.current = rel;
      if (this.entry(rel, as)) stack.push({ ...this.open(rel), as });
    }
    this.current = undefined;
    this.emit(Buffer.alloc(2 * BLOCK)); // end-of-archive marker
    this.flush();
  }

  /**
   * List a directory. In diff mode its whiteouts are written here, first: the opaque marker,
   * then one `.wh.<name>` per overlay whiteout (char device 0:0), before any sibling — the
   * order layer.md asks for ("whiteout files appear before sibling directory entries").
   */
  private open(rel: string): { rel: string; names: string[]; i: number } {
    const path = `/${rel}`;
    const prefix = rel === '' ? '' : `${rel}/`;
    if (!this.diff) return { rel, names: fs.readdirSync(path).sort(), i: 0 };
    const v = this.sys.lgetxattr(path, 'trusted.overlay.opaque');
    if (v !== null && v.toString() === 'y') this.whiteout(`${prefix}.wh..wh..opq`, fs.lstatSync(path, { bigint: true }));
    const names: string[] = [];
    const whiteouts: [string, Stat][] = [];
    for (const d of fs.readdirSync(path, { withFileTypes: true })) {
      if (d.isCharacterDevice()) {
        const st = fs.lstatSync(`/${prefix}${d.name}`, { bigint: true });
        if (st.rdev === 0n) {
          whiteouts.push([d.name, st]);
          continue;
        }
      }
      names.push(d.name);
    }
    for (const [name, st] of whiteouts.sort((a, b) => (a[0] < b[0] ? -1 : 1))) this.whiteout(`${prefix}.wh.${name}`, st);
    return { rel, names: names.sort(), i: 0 };
  }

  /** An OCI whiteout: an empty regular file, owned by root, mode 0, time of the marker. */
  private whiteout(name: string, st: Stat): void {
    this.header({ ...this.meta(name, st, 'file'), mode: 0, uid: 0, gid: 0 });
  }

  private meta(name: string, st: Stat, type: EntryType): WriteEntry {
    let mtime = Number(st.mtimeNs / 1_000_000_000n);
    if (this.epoch !== undefined && mtime > this.epoch) mtime = this.epoch;
    return { name, type, mode: Number(st.mode & 0o7777n), uid: Number(st.uid), gid: Number(st.gid), size: 0, mtime };
  }

  /** Write one member; returns true when it is a directory to descend into. */
  private entry(rel: string, name: string = rel): boolean {
    const path = `/${rel}`;
    const st = fs.lstatSync(path, { bigint: true });
    const fmt = Number(st.mode) & S_IFMT;
    if (fmt === S_IFSOCK) return false; // sockets cannot be archived (GNU tar skips them too)
    if (fmt !== S_IFDIR && st.nlink > 1n) {
      const key = `${st.dev}:${st.ino}`;
      const first = this.links.get(key);
      if (first !== undefined) {
        this.header({ ...this.meta(name, st, 'link'), linkname: first });
        return false;
      }
      this.links.set(key, name);
    }
    switch (fmt) {
      case S_IFDIR:
        this.header({ ...this.meta(name, st, 'dir'), xattrs: this.xattrs(path) });
        return true;
      case S_IFREG:
        this.file(rel, st, name);
        return false;
      case S_IFLNK:
        this.header({ ...this.meta(name, st, 'symlink'), linkname: fs.readlinkSync(path), xattrs: this.xattrs(path) });
        return false;
      case S_IFCHR: case S_IFBLK: case S_IFIFO: {
        const type: EntryType = fmt === S_IFCHR ? 'char' : fmt === S_IFBLK ? 'block' : 'fifo';
        const dev = fmt === S_IFIFO ? {} : { devmajor: major(st.rdev), devminor: minor(st.rdev) };
        this.header({ ...this.meta(name, st, type), ...dev, xattrs: this.xattrs(path) });
        return false;
      }
      default:
        return false;
    }
  }

  private file(rel: string, seen: Stat, name: string = rel): void {
    const path = `/${rel}`;
    let fd: number;
    try {
      // O_NONBLOCK: if the file was swapped for a FIFO, opening must not hang.
      fd = fs.openSync(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
    } catch (e) {
      throw conflict(`${JSON.stringify(rel)} changed while being archived: ${errorMessage(e)}`, e);
    }
    try {
      const st = fs.fstatSync(fd, { bigint: true });
      if ((Number(st.mode) & S_IFMT) !== S_IFREG || st.ino !== seen.ino || st.dev !== seen.dev) {
        throw conflict(`${JSON.stringify(rel)} changed while being archived`);
      }
      const size = Number(st.size);
      this.header({ ...this.meta(name, st, 'file'), size, xattrs: this.xattrs(path) });
      let left = size;
      while (left > 0) {
        if (this.pos === this.out.length) this.flush();
        const want = Math.min(left, this.out.length - this.pos);
        const n = fs.readSync(fd, this.out, this.pos, want, null);
        if (n === 0) {
          // The file shrank after fstat: the header promised `size` bytes, so pad with zeros.
          this.out.fill(0, this.pos, this.pos + want);
          this.pos += want;
          left -= want;
          continue;
        }
        this.pos += n;
        left -= n;
      }
      this.emit(Buffer.alloc(padding(size)));
    } finally {
      fs.closeSync(fd);
    }
  }

  private xattrs(path: string): [string, Buffer][] | undefined {
    const names = this.sys.llistxattr(path)
      // overlayfs bookkeeping (origin, impure, redirect...) is not image content.
      .filter((n) => !n.startsWith('trusted.overlay.') && !n.includes('=') && !n.includes('\n'))
      .sort();
    if (names.length === 0) return undefined;
    const out: [string, Buffer][] = [];
    for (const n of names) {
      const v = this.sys.lgetxattr(path, n);
      if (v !== null) out.push([n, v]);
    }
    return out;
  }

  private header(e: WriteEntry): void {
    this.count++;
    this.emit(encodeHeaders(e));
  }

  private emit(buf: Buffer): void {
    if (buf.length > this.out.length - this.pos) {
      this.flush();
      if (buf.length > this.out.length) {
        writeAllSync(OUT_FD, buf);
        return;
      }
    }
    buf.copy(this.out, this.pos);
    this.pos += buf.length;
  }

  private flush(): void {
    if (this.pos > 0) writeAllSync(OUT_FD, this.out.subarray(0, this.pos));
    this.pos = 0;
  }
}

/** Go's os.FileMode for a stat (https://pkg.go.dev/io/fs#FileMode); arithmetic, as bit 31 overflows JS ints. */
function goFileMode(st: fs.BigIntStats): number {
  const mode = Number(st.mode);
  const fmt = mode & S_IFMT;
  let m = mode & 0o777;
  if (fmt === S_IFDIR) m += 2 ** 31;
  else if (fmt === S_IFLNK) m += 2 ** 27;
  else if (fmt === S_IFBLK) m += 2 ** 26;
  else if (fmt === S_IFCHR) m += 2 ** 26 + 2 ** 21;
  else if (fmt === S_IFIFO) m += 2 ** 25;
  else if (fmt === S_IFSOCK) m += 2 ** 24;
  if (mode & 0o4000) m += 2 ** 23;
  if (mode & 0o2000) m += 2 ** 22;
  if (mode & 0o1000) m += 2 ** 20;
  return m;
}

function rfc3339Nano(ns: bigint): string {
  const secs = ns / 1_000_000_000n;
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return `${new Date(Number(secs) * 1000).toISOString().slice(0, 19)}${frac ? `.${frac}` : ''}Z`;
}

const notInContainer = (path: string, e?: unknown) => notFound(`Could not find the file ${path} in container`, e);

/**
 * Split a container path (absolute, cleaned, a trailing "/" or "/." kept) into the directory to
 * resolve with symlinks followed and the last element, which is not followed — unless the
 * path ends in "/" or "/.", which names the directory itself.
 */
function splitPath(path: string): { dir: string; base: string } {
  if (path === '/' || path.endsWith('/') || path.endsWith('/.')) return { dir: path.replace(/\/\.?$/, '') || '/', base: '' };
  const i = path.lastIndexOf('/');
  return { dir: path.slice(0, i) || '/', base: path.slice(i + 1) };
}

/** `stat`: inside the container root, resolve and describe `path` (never following its last element). */
function statPath(path: string): PathStat {
  const { dir, base } = splitPath(path);
  let realDir: string;
  try {
    realDir = fs.realpathSync(dir);
  } catch (e) {
    throw notInContainer(path, e);
  }
  const full = base ? (realDir === '/' ? `/${base}` : `${realDir}/${base}`) : realDir;
  let st: fs.BigIntStats;
  try {
    st = fs.lstatSync(full, { bigint: true });
  } catch (e) {
    throw notInContainer(path, e);
  }
  let linkTarget = '';
  if ((Number(st.mode) & S_IFMT) === S_IFLNK) {
    try {
      linkTarget = fs.realpathSync(full);
    } catch {
      const t = fs.readlinkSync(full);
      linkTarget = t.startsWith('/') ? t : `${realDir === '/' ? '' : realDir}/${t}`;
    }
  }
  const name = path === '/' ? '/' : path.replace(/\/$/, '').slice(path.replace(/\/$/, '').lastIndexOf('/') + 1);
  return { name, size: Number(st.size), mode: goFileMode(st), mtime: rfc3339Nano(st.mtimeNs), linkTarget };
}

function checkRoot(expect: string | undefined): void {
  if (!expect) return;
  const st = fs.statSync('/', { bigint: true });
  if (`${st.dev}:${st.ino}` !== expect) throw failedPrecondition('the container is no longer running (its root changed)');
}

function main(): void {
  const [rootDir, mode, arg3, arg4, arg5] = process.argv.slice(2);
  if (!rootDir || !['tree', 'diff', 'stat', 'cp'].includes(mode ?? '')) throw invalidArgument('usage: pack-worker <dir> tree|diff [epoch] | stat <path> | cp <path> <name>');
  const epoch = (mode === 'tree' || mode === 'diff') && arg3 ? Number(arg3) : undefined;
  const sys = native();
  try {
    sys.chroot(rootDir);
  } catch (e) {
    throw failedPrecondition(`cannot chroot into ${rootDir} to archive it: ${errorMessage(e)}`, e);
  }
  // stat <path> [expect], cp <path> <name> [expect]: the root must be the expected directory.
  checkRoot(mode === 'stat' ? arg4 : mode === 'cp' ? arg5 : undefined);
  if (mode === 'stat') {
    report({ ok: true, entries: 0, stat: statPath(arg3 ?? '/') });
    return;
  }
  let top: { rel: string; as: string } | undefined;
  if (mode === 'cp') {
    // The directory part is resolved by the kernel inside the root we are chrooted to: a
    // symlink a running container swaps in cannot lead out of it (CVE-2018-15664).
    const path = arg3 ?? '/';
    const { dir, base } = splitPath(path);
    try {
      sys.chroot(dir);
    } catch (e) {
      throw notInContainer(path, e);
    }
    try {
      fs.lstatSync(base ? `/${base}` : '/');
    } catch (e) {
      throw notInContainer(path, e);
    }
    top = { rel: base, as: arg4 || '.' };
  }
  const packer = new Packer(sys, mode === 'diff', epoch);
  try {
    packer.run(top);
  } catch (e) {
    fail(e, packer.current === undefined ? undefined : `archive ${JSON.stringify(packer.current)}`);
  }
  report({ ok: true, entries: packer.count });
}

try {
  main();
} catch (e) {
  fail(e);
}
