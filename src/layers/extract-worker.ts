/**
 * Layer extraction worker: `node extract-worker.js <targetDir> overlay|direct`, uncompressed
 * tar on stdin, one JSON report line on fd 3 (see worker-io.ts).
 *
 * Why a separate process: Node's fs has no openat()/O_BENEATH, so joining archive paths onto a
 * host directory can be redirected by symlinks in the archive (or planted by a running
 * container). This process loads every module it needs, then chroot()s into the target, so
 * every path — absolute names, `evil -> /` symlinks, hardlink targets, whiteouts through
 * symlinked parents — resolves inside the layer root by construction. Synchronous fs calls are
 * used throughout: this process does nothing else, and they are the cheapest calls Node has.
 *
 * Semantics follow https://github.com/opencontainers/image-spec/blob/main/layer.md.
 */
import * as fs from 'node:fs';
import { invalidArgument, failedPrecondition, errnoCode, errorMessage, notFound } from '../core/errors.js';
import { native, type NativeSys } from '../sys/native.js';
import { normalizeName, type TarEntry } from './tar-format.js';
import { TarReader, type TarSink } from './tar-reader.js';
import { fail, readSomeSync, report } from './worker-io.js';

const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, S_IFCHR, S_IFBLK, S_IFIFO } = fs.constants;
const CREATE_FLAGS = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW;
const WH = '.wh.';
const OPAQUE = '.wh..wh..opq';
/** The native addon copies paths into 4096-byte buffers; longer ones would be silently cut. */
const PATH_MAX = 4095;

function parentOf(rel: string): string {
  const i = rel.lastIndexOf('/');
  return i === -1 ? '' : rel.slice(0, i);
}

/** uid/gid as the kernel takes them: 32 bits, with (uid_t)-1 meaning "unchanged". */
function validId(id: number): boolean {
  return Number.isInteger(id) && id >= 0 && id < 0xffffffff;
}

function abs(rel: string): string {
  return `/${rel}`;
}

class Extractor implements TarSink {
  count = 0;
  current: string | undefined;
  private fd = -1;
  private file: { path: string; e: TarEntry } | undefined;
  /** Directory path → mtime, applied at the end (a Map: a later entry may replace the dir). */
  private readonly dirTimes = new Map<string, number>();
  /** Paths written by this layer and their ancestors: whiteouts only hide lower layers. */
  private readonly created = new Set<string>();
  private readonly ancestors = new Set<string>();

  constructor(
    private readonly sys: NativeSys,
    private readonly mode: 'overlay' | 'direct' | 'none',
    private readonly opts: ExtractOptions = {},
  ) {}

  entry(entry: TarEntry): void {
    // copyUIDGID (docker cp -a): everything belongs to the container's user instead.
    const e = this.opts.chown ? { ...entry, uid: this.opts.chown.uid, gid: this.opts.chown.gid } : entry;
    this.current = e.name;
    this.count++;
    const rel = normalizeName(e.name);
    const path = abs(rel);
    if (Buffer.byteLength(path) > PATH_MAX) throw invalidArgument(`refusing archive entry ${JSON.stringify(e.name)}: path too long`);
    // Only a directory entry may name the root itself: anything else would first have to
    // remove the root (and, in direct mode, a whole container filesystem with it).
    if (rel === '' && e.type !== 'dir') throw invalidArgument(`refusing archive entry ${JSON.stringify(e.name)}: a ${e.type} cannot replace the root`);
    if (!validId(e.uid) || !validId(e.gid)) throw invalidArgument(`refusing archive entry ${JSON.stringify(e.name)}: invalid owner ${e.uid}:${e.gid}`);
    const base = rel.slice(rel.lastIndexOf('/') + 1);
    if (base.startsWith(WH) && this.mode !== 'none') {
      this.whiteout(rel, base);
      return;
    }
    this.track(rel);
    if (e.type !== 'dir') this.dirTimes.delete(path); // a directory replaced by this entry
    switch (e.type) {
      case 'file':
        this.fd = this.create(path, () => fs.openSync(path, CREATE_FLAGS, e.mode));
        this.file = { path, e };
        return;
      case 'dir':
        this.directory(rel, e);
        return;
      case 'symlink':
        if (e.linkname === '') throw invalidArgument(`refusing archive entry ${JSON.stringify(e.name)}: empty symlink target`);
        // The target is stored verbatim; it is only ever resolved inside this root.
        this.create(path, () => fs.symlinkSync(e.linkname, path));
        this.finishNode(path, e);
        return;
      case 'link':
        this.hardlink(rel, e);
        return;
      case 'char': case 'block': case 'fifo': {
        const type = e.type === 'char' ? S_IFCHR : e.type === 'block' ? S_IFBLK : S_IFIFO;
        this.create(path, () => this.sys.mknod(path, type | (e.mode & 0o777), e.devmajor, e.devminor));
        this.finishNode(path, e);
        return;
      }
    }
  }

  data(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length) off += fs.writeSync(this.fd, chunk, off, chunk.length - off);
  }

  entryEnd(): void {
    if (!this.file) return;
    const { path, e } = this.file;
    const fd = this.fd;
    this.file = undefined;
    this.fd = -1;
    try {
      // Order matters: chown clears set-id bits and security.capability, so mode and
      // xattrs come after it; times last since the others bump ctime only.
      fs.fchownSync(fd, e.uid, e.gid);
      fs.fchmodSync(fd, e.mode);
      this.xattrs(path, e);
      fs.futimesSync(fd, e.mtime, e.mtime);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Restore directory times last: creating their children changed them. */
  finish(): void {
    for (const [path, t] of this.dirTimes) {
      try {
        fs.lutimesSync(path, t, t);
      } catch (e) {
        // Removed by a later whiteout, or replaced (with its parent) by a non-directory.
        if (errnoCode(e) !== 'ENOENT' && errnoCode(e) !== 'ENOTDIR') throw e;
      }
    }
  }

  private track(rel: string): void {
    this.created.add(rel);
    for (let p = parentOf(rel); p !== '' && !this.ancestors.has(p); p = parentOf(p)) this.ancestors.add(p);
  }

  private isOurs(rel: string): boolean {
    return this.created.has(rel) || this.ancestors.has(rel);
  }

  /**
   * Run a creating call; on EEXIST remove what is there (a directory recursively, as Docker
   * does when a non-directory replaces it) and retry; on ENOENT create the parents and retry.
   */
  private create<T>(path: string, make: () => T): T {
    for (let attempt = 0; ; attempt++) {
      try {
        return make();
      } catch (e) {
        const code = errnoCode(e);
        if (attempt >= 2 || (code !== 'EEXIST' && code !== 'ENOENT')) throw e;
        if (code === 'EEXIST' && this.opts.noOverwriteDirNonDir && fs.lstatSync(path).isDirectory()) {
          throw invalidArgument(`cannot overwrite directory ${JSON.stringify(path)} with non-directory ${JSON.stringify(this.current)}`);
        }
        if (code === 'EEXIST') fs.rmSync(path, { recursive: true, force: true });
        else this.parents(path);
      }
    }
  }

  /**
   * Create the missing parents of `path` (mode 0755, as Docker does). A parent that is a
   * symlink is followed — inside the chroot that is harmless — but a dangling one is refused
   * rather than guessed at, as GNU tar does.
   */
  private parents(path: string): void {
    const dir = path.slice(0, path.lastIndexOf('/')) || '/';
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
    } catch (e) {
      const code = errnoCode(e);
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EEXIST') {
        throw invalidArgument(`cannot create parent directory ${dir} of archive entry ${JSON.stringify(this.current)}: ${errorMessage(e)}`, e);
      }
      throw e;
    }
  }

  private directory(rel: string, e: TarEntry): void {
    const path = abs(rel);
    if (rel !== '') {
      try {
        fs.mkdirSync(path, e.mode & 0o777);
      } catch (err) {
        const code = errnoCode(err);
        if (code === 'EEXIST' && fs.lstatSync(path).isDirectory()) {
          // An existing directory stays (with its contents); its metadata is updated below.
        } else if (code === 'EEXIST' || code === 'ENOENT') {
          if (code === 'EEXIST' && this.opts.noOverwriteDirNonDir) {
            throw invalidArgument(`cannot overwrite non-directory ${JSON.stringify(path)} with directory ${JSON.stringify(this.current)}`);
          }
          this.create(path, () => fs.mkdirSync(path, e.mode & 0o777));
        } else {
          throw err;
        }
      }
    }
    fs.lchownSync(path, e.uid, e.gid);
    fs.chmodSync(path, e.mode);
    this.xattrs(path, e);
    this.dirTimes.set(path, e.mtime);
  }

  private hardlink(rel: string, e: TarEntry): void {
    const target = normalizeName(e.linkname);
    if (target === rel) return; // a member linked to itself: nothing to do
    const targetPath = abs(target);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(targetPath);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') {
        throw invalidArgument(`hardlink ${JSON.stringify(e.name)} points to ${JSON.stringify(e.linkname)}, which is not in the layer`, err);
      }
      throw err;
    }
    if (st.isDirectory()) throw invalidArgument(`hardlink ${JSON.stringify(e.name)} points to directory ${JSON.stringify(e.linkname)}`);
    const path = abs(rel);
    this.create(path, () => fs.linkSync(targetPath, path));
  }

  /** Owner, xattrs and times of a symlink or device node, without following it. */
  private finishNode(path: string, e: TarEntry): void {
    fs.lchownSync(path, e.uid, e.gid);
    this.xattrs(path, e);
    fs.lutimesSync(path, e.mtime, e.mtime);
  }

  private xattrs(path: string, e: TarEntry): void {
    for (const [name, value] of e.xattrs) {
      // Overlay's own attributes (opaque, redirect, origin, metacopy) steer how layers merge;
      // an archive must not set them directly — opacity comes only from .wh..wh..opq.
      if (name.startsWith('trusted.overlay.')) continue;
      if (name.length === 0 || Buffer.byteLength(name) > 255) throw invalidArgument(`archive entry ${JSON.stringify(e.name)} has an invalid xattr name`);
      try {
        this.sys.lsetxattr(path, name, value);
      } catch (err) {
        // A filesystem without xattr support drops them, as GNU tar does with a warning.
        if (errnoCode(err) !== 'ENOTSUP' && errnoCode(err) !== 'EOPNOTSUPP') throw err;
      }
    }
  }

  private whiteout(rel: string, base: string): void {
    const dir = parentOf(rel);
    if (base === OPAQUE) {
      if (this.mode === 'overlay') {
        if (dir !== '') this.parents(`${abs(dir)}/${OPAQUE}`);
        this.sys.lsetxattr(abs(dir), 'trusted.overlay.opaque', Buffer.from('y'));
      } else {
        this.clearLower(dir);
      }
      return;
    }
    if (base.startsWith(`${WH}${WH}`)) return; // other aufs metadata (.wh..wh.plnk...): not content
    const name = base.slice(WH.length);
    if (name === '' || name === '.' || name === '..') throw invalidArgument(`refusing whiteout ${JSON.stringify(this.current)}: invalid name`);
    const victim = dir === '' ? name : `${dir}/${name}`;
    // A whiteout hides lower layers only; the same layer's own entry of that name wins.
    if (this.isOurs(victim)) return;
    if (this.mode === 'overlay') {
      const path = abs(victim);
      this.create(path, () => this.sys.mknod(path, S_IFCHR, 0, 0));
    } else {
      this.remove(abs(victim));
    }
  }

  private remove(path: string): void {
    try {
      fs.rmSync(path, { recursive: true, force: true });
    } catch (e) {
      if (errnoCode(e) !== 'ENOTDIR') throw e;
    }
  }

  /** Direct-mode opaque directory: drop everything in `dir` this layer did not write. */
  private clearLower(dir: string): void {
    let names: string[];
    try {
      names = fs.readdirSync(abs(dir));
    } catch (e) {
      if (errnoCode(e) === 'ENOENT' || errnoCode(e) === 'ENOTDIR') return;
      throw e;
    }
    for (const n of names) {
      const rel = dir === '' ? n : `${dir}/${n}`;
      if (!this.isOurs(rel)) this.remove(abs(rel));
      else if (fs.lstatSync(abs(rel)).isDirectory()) this.clearLower(rel);
    }
  }
}

/** Options for extracting into a directory of a container's tree (the copy API). */
export interface ExtractOptions {
  /** Extract below this path, resolved inside the target root (symlinks in it cannot leave the root). */
  within?: string;
  /** Own every entry by this uid/gid. */
  chown?: { uid: number; gid: number };
  /** Refuse to replace a directory with a non-directory or the other way round. */
  noOverwriteDirNonDir?: boolean;
  /** "dev:ino" the target root must have (a /proc/<pid>/root whose pid was reused is refused). */
  expectRoot?: string;
}

/** After chroot: check that "/" is the directory the caller meant (see ExtractOptions.expectRoot). */
export function checkRoot(expect: string | undefined): void {
  if (!expect) return;
  const st = fs.statSync('/', { bigint: true });
  if (`${st.dev}:${st.ino}` !== expect) throw failedPrecondition('the container is no longer running (its root changed)');
}

/**
 * Narrow the root to `within`: the path is resolved by the kernel inside the current root, so
 * a symlink planted anywhere on it — even one swapped in by a running container — resolves
 * inside that root too.
 */
export function enterWithin(sys: NativeSys, within: string): void {
  try {
    sys.chroot(within);
  } catch (e) {
    const code = errnoCode(e);
    if (code === 'ENOENT') throw notFound(`Could not find the file ${within} in container`, e);
    if (code === 'ENOTDIR') throw invalidArgument(`extraction point is not a directory`, e);
    throw e;
  }
}

function main(): void {
  const [targetDir, mode, optsJson] = process.argv.slice(2);
  if (!targetDir || (mode !== 'overlay' && mode !== 'direct' && mode !== 'none')) throw invalidArgument('usage: extract-worker <dir> overlay|direct|none [options]');
  const opts = optsJson ? (JSON.parse(optsJson) as ExtractOptions) : {};
  const sys = native(); // load the addon before the host filesystem disappears
  try {
    sys.chroot(targetDir);
  } catch (e) {
    throw failedPrecondition(`cannot chroot into ${targetDir} for layer extraction: ${errorMessage(e)}`, e);
  }
  checkRoot(opts.expectRoot);
  if (opts.within) enterWithin(sys, opts.within);
  process.umask(0); // modes come from the archive, not from our umask
  const ex = new Extractor(sys, mode, opts);
  const reader = new TarReader(ex);
  const buf = Buffer.allocUnsafe(1 << 20);
  try {
    for (;;) {
      const n = readSomeSync(0, buf);
      if (n === 0) break;
      // After the end-of-archive marker keep draining: the parent hashes every byte it sends.
      if (!reader.ended) reader.write(buf.subarray(0, n));
    }
    reader.finish();
    ex.current = undefined;
    ex.finish();
  } catch (e) {
    fail(e, ex.current === undefined ? undefined : `extract ${JSON.stringify(ex.current)}`);
  }
  report({ ok: true, entries: ex.count });
}

try {
  main();
} catch (e) {
  fail(e);
}
