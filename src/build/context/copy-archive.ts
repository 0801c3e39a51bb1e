/**
 * The tar stream a COPY or ADD applies inside the step's root filesystem: each source file
 * under its destination name, with the owner and mode the instruction asks for. Files are
 * opened O_NOFOLLOW and checked against what the walk saw, so a source swapped for a symlink
 * between the walk and the read is refused instead of followed.
 */
import { constants, type BigIntStats } from 'node:fs';
import { open, readlink } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { conflict } from '../../core/errors.js';
import { encodeHeaders, padding, type EntryType } from '../../layers/tar-format.js';

export interface ArchiveItem {
  /** Destination path relative to the root ('' never: the root itself is not written). */
  name: string;
  /** Where the bytes come from; undefined for generated content (heredocs, downloads use `data`). */
  host?: string;
  st?: BigIntStats;
  data?: Buffer;
  type: EntryType;
  mode: number;
  mtime: number;
}

export interface ArchiveOwner {
  uid: number;
  gid: number;
  /** --chmod: replaces the mode of files and directories. */
  mode?: number;
}

const CHUNK = 1 << 20;

async function* generate(items: ArchiveItem[], owner: ArchiveOwner): AsyncGenerator<Buffer> {
  for (const it of items) {
    const mode = owner.mode ?? it.mode;
    const base = { name: it.name, mode, uid: owner.uid, gid: owner.gid, mtime: it.mtime };
    if (it.type === 'symlink') {
      yield encodeHeaders({ ...base, mode: it.mode, type: 'symlink', size: 0, linkname: await readlink(it.host!) });
      continue;
    }
    if (it.type === 'dir') {
      yield encodeHeaders({ ...base, type: 'dir', size: 0 });
      continue;
    }
    if (it.data) {
      yield encodeHeaders({ ...base, type: 'file', size: it.data.length });
      yield it.data;
      yield Buffer.alloc(padding(it.data.length));
      continue;
    }
    const fh = await open(it.host!, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    try {
      const st = await fh.stat({ bigint: true });
      if (!st.isFile() || (it.st && (st.ino !== it.st.ino || st.dev !== it.st.dev))) throw conflict(`${it.host} changed while it was being copied`);
      const size = Number(st.size);
      yield encodeHeaders({ ...base, type: 'file', size });
      let left = size;
      while (left > 0) {
        const buf = Buffer.allocUnsafe(Math.min(CHUNK, left));
        const { bytesRead } = await fh.read(buf, 0, buf.length, size - left);
        if (bytesRead === 0) {
          // Shrunk while copying: the header promised `size` bytes.
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
  }
  yield Buffer.alloc(1024);
}

export function copyArchive(items: ArchiveItem[], owner: ArchiveOwner): Readable {
  return Readable.from(generate(items, owner), { objectMode: false, highWaterMark: 4 * CHUNK });
}

export function entryType(st: BigIntStats): EntryType | undefined {
  if (st.isDirectory()) return 'dir';
  if (st.isFile()) return 'file';
  if (st.isSymbolicLink()) return 'symlink';
  return undefined;
}
