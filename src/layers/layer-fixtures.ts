/**
 * Test helpers for the layer tests (not used by production code): build tars with
 * tar-stream, describe a directory tree completely so two trees (or a tree before and after)
 * can be compared with deepEqual.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { mkdtemp, readdir, readFile, lstat, readlink, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import tar from 'tar-stream';
import { native } from '../sys/native.js';

export interface FixtureEntry {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'block-device' | 'fifo';
  content?: string | Buffer;
  linkname?: string;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: Date;
  devmajor?: number;
  devminor?: number;
  pax?: Record<string, string>;
}

/** A tar built by tar-stream (an independent writer), names written verbatim — hostile ones included. */
export async function makeTar(entries: FixtureEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const done = collect(pack);
  for (const e of entries) {
    const { content, ...header } = e;
    const body = typeof content === 'string' ? Buffer.from(content) : content;
    await new Promise<void>((res, rej) => {
      pack.entry({ type: 'file', mode: 0o644, mtime: new Date(1_600_000_000_000), ...header, size: body?.length ?? 0 }, body ?? Buffer.alloc(0), (err) => (err ? rej(err) : res()));
    });
  }
  pack.finalize();
  return done;
}

export function collect(stream: NodeJS.ReadableStream | Readable): Promise<Buffer> {
  return new Promise((res, rej) => {
    const parts: Buffer[] = [];
    stream.on('data', (c: Buffer) => parts.push(c));
    stream.on('end', () => res(Buffer.concat(parts)));
    stream.on('error', rej);
  });
}

/** A Writable that keeps everything written, for tarTree/writeDiff output. */
export function sink(): { stream: Writable; bytes: () => Buffer } {
  const parts: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      parts.push(chunk);
      cb();
    },
  });
  return { stream, bytes: () => Buffer.concat(parts) };
}

export async function tempDir(prefix = 'berth-layers-'): Promise<string> {
  return mkdtemp(join('/tmp', prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export interface NodeInfo {
  type: string;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  size?: number;
  sha256?: string;
  target?: string;
  rdev?: number;
  xattrs: Record<string, string>;
  /** First path (in sorted walk order) sharing this inode, when hardlinked. */
  linkedTo?: string;
}

/** Describe every entry under `dir` (not the root itself) without following symlinks. */
export async function describeTree(dir: string, opts: { mtimes?: boolean } = {}): Promise<Record<string, NodeInfo>> {
  const out: Record<string, NodeInfo> = {};
  const inodes = new Map<number, string>();
  const walk = async (rel: string): Promise<void> => {
    for (const name of (await readdir(join(dir, rel))).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const p = join(dir, r);
      const st = await lstat(p);
      const xattrs: Record<string, string> = {};
      for (const x of native().llistxattr(p).sort()) xattrs[x] = native().lgetxattr(p, x)?.toString('hex') ?? '';
      const info: NodeInfo = {
        type: st.isDirectory() ? 'dir' : st.isFile() ? 'file' : st.isSymbolicLink() ? 'symlink'
          : st.isCharacterDevice() ? 'char' : st.isBlockDevice() ? 'block' : st.isFIFO() ? 'fifo' : 'other',
        mode: st.mode & 0o7777,
        uid: st.uid,
        gid: st.gid,
        mtime: opts.mtimes === false ? 0 : Math.floor(st.mtimeMs / 1000),
        xattrs,
      };
      if (st.isFile()) {
        info.size = st.size;
        info.sha256 = createHash('sha256').update(await readFile(p)).digest('hex');
      }
      if (st.isSymbolicLink()) info.target = await readlink(p);
      if (st.isCharacterDevice() || st.isBlockDevice()) info.rdev = st.rdev;
      if (!st.isDirectory() && st.nlink > 1) {
        const first = inodes.get(st.ino);
        if (first === undefined) inodes.set(st.ino, r);
        else info.linkedTo = first;
      }
      out[r] = info;
      if (st.isDirectory()) await walk(r);
    }
  };
  await walk('');
  return out;
}

/** Pids of running extract/pack workers whose arguments mention `needle`. */
export function workerPids(needle: string): number[] {
  const pids: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (/(extract|pack)-worker\.js/.test(cmd) && cmd.includes(needle)) pids.push(Number(d));
    } catch {
      // process exited while we looked
    }
  }
  return pids;
}

/** A readable that yields `first` and then never ends (until destroyed). */
export function stalledInput(first: Buffer): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (!sent) {
        sent = true;
        this.push(first);
      }
    },
  });
}

/** Parse a tar with tar-stream (an independent reader) into headers (+ small bodies). */
export async function listTar(buf: Buffer): Promise<{ header: tar.Headers; body: Buffer }[]> {
  const ex = tar.extract();
  const out: { header: tar.Headers; body: Buffer }[] = [];
  ex.on('entry', (header, stream, next) => {
    collect(stream).then((body) => {
      out.push({ header, body });
      next();
    }, next);
  });
  const done = new Promise<void>((res, rej) => {
    ex.on('finish', res);
    ex.on('error', rej);
  });
  Readable.from([buf]).pipe(ex);
  await done;
  return out;
}

