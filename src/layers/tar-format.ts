/**
 * The tar header format as used by OCI image layers
 * (https://github.com/opencontainers/image-spec/blob/main/layer.md): POSIX ustar headers,
 * pax extended headers (`x`/`g`, POSIX.1-2001) and the GNU long-name records (`L`/`K`) that
 * many image builders still emit.
 *
 * Written here rather than taken from tar-stream because layers carry binary xattr values
 * (`SCHILY.xattr.security.capability` is raw little-endian bytes) that a string-based pax
 * decoder corrupts, and because the extractor needs exact control over hostile input.
 */
import { invalidArgument, notImplemented } from '../core/errors.js';

export const BLOCK = 512;

export type EntryType = 'file' | 'link' | 'symlink' | 'char' | 'block' | 'dir' | 'fifo';

/** One archive member after pax / GNU overrides are applied. `name` is still raw (not normalized). */
export interface TarEntry {
  name: string;
  type: EntryType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Seconds since the epoch, possibly fractional (pax `mtime`). */
  mtime: number;
  linkname: string;
  devmajor: number;
  devminor: number;
  xattrs: Map<string, Buffer>;
}

const TYPE_BY_FLAG: Record<string, EntryType> = {
  '0': 'file', '\0': 'file', '7': 'file', '1': 'link', '2': 'symlink',
  '3': 'char', '4': 'block', '5': 'dir', '6': 'fifo', D: 'dir', // GNU dumpdir: a directory
};
const FLAG_BY_TYPE: Record<EntryType, string> = {
  file: '0', link: '1', symlink: '2', char: '3', block: '4', dir: '5', fifo: '6',
};

function cstr(buf: Buffer, off: number, len: number): string {
  const end = buf.indexOf(0, off);
  return buf.toString('utf8', off, end === -1 || end > off + len ? off + len : end);
}

/** Numeric field: octal text (NUL/space padded) or GNU base-256 when the high bit is set. */
export function parseNumeric(buf: Buffer, off: number, len: number): number {
  const first = buf[off]!;
  if (first & 0x80) {
    // base-256: two's complement big-endian; 0xff marks a negative number
    const negative = first === 0xff;
    let v = negative ? -1 : first & 0x7f;
    for (let i = 1; i < len; i++) v = v * 256 + (negative ? buf[off + i]! - 255 : buf[off + i]!);
    if (!Number.isSafeInteger(v)) throw invalidArgument('tar header numeric field out of range');
    return v;
  }
  let i = off;
  const end = off + len;
  while (i < end && (buf[i] === 0x20 || buf[i] === 0)) i++;
  let v = 0;
  for (; i < end; i++) {
    const c = buf[i]!;
    if (c === 0 || c === 0x20) break;
    if (c < 0x30 || c > 0x37) throw invalidArgument('tar header has a malformed numeric field');
    v = v * 8 + (c - 0x30);
  }
  return v;
}

export function isZeroBlock(buf: Buffer, off: number): boolean {
  for (let i = off; i < off + BLOCK; i++) if (buf[i] !== 0) return false;
  return true;
}

/** Checksum over the header with the checksum field read as spaces; old tars summed signed bytes. */
export function checksumOk(buf: Buffer, off: number): boolean {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const c = i >= 148 && i < 156 ? 0x20 : buf[off + i]!;
    unsigned += c;
    signed += c > 127 ? c - 256 : c;
  }
  let stored: number;
  try {
    stored = parseNumeric(buf, off + 148, 8);
  } catch {
    return false;
  }
  return stored === unsigned || stored === signed;
}

/** Fields of a raw header block; `flag` is the typeflag character. */
export interface RawHeader {
  flag: string;
  name: string;
  linkname: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  devmajor: number;
  devminor: number;
}

/** Decode one 512-byte header block (checksum already verified by the caller). */
export function decodeHeader(buf: Buffer, off: number): RawHeader {
  const flag = String.fromCharCode(buf[off + 156]!);
  let name = cstr(buf, off, 100);
  // POSIX ustar ("ustar\0" "00") splits long names into prefix + name; the GNU magic
  // ("ustar  \0") reuses that area for atime/ctime, so only honour it for POSIX.
  const posix = buf.toString('latin1', off + 257, off + 263) === 'ustar\0';
  if (posix && buf[off + 345] !== 0) name = `${cstr(buf, off + 345, 155)}/${name}`;
  return {
    flag,
    name,
    linkname: cstr(buf, off + 157, 100),
    mode: parseNumeric(buf, off + 100, 8) & 0o7777,
    uid: parseNumeric(buf, off + 108, 8),
    gid: parseNumeric(buf, off + 116, 8),
    size: parseNumeric(buf, off + 124, 12),
    mtime: parseNumeric(buf, off + 136, 12),
    devmajor: parseNumeric(buf, off + 329, 8),
    devminor: parseNumeric(buf, off + 337, 8),
  };
}

export function entryTypeOf(flag: string, name: string): EntryType {
  const t = TYPE_BY_FLAG[flag];
  // POSIX: an unknown typeflag is extracted as a regular file. Pre-POSIX tars mark
  // directories with a trailing slash on a regular-file entry.
  if (t === undefined || t === 'file') return name.endsWith('/') ? 'dir' : 'file';
  return t;
}

/** Parse pax records `"<len> <key>=<value>\n"`; values stay raw bytes (xattrs are binary). */
export function decodePax(data: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let pos = 0;
  while (pos < data.length) {
    if (data[pos] === 0) break; // NUL padding after the last record
    const sp = data.indexOf(0x20, pos);
    const len = sp === -1 ? NaN : Number(data.toString('latin1', pos, sp));
    if (!Number.isInteger(len) || len <= sp - pos + 1 || pos + len > data.length || data[pos + len - 1] !== 0x0a) {
      throw invalidArgument('archive has a malformed pax header record');
    }
    const eq = data.indexOf(0x3d, sp + 1);
    if (eq === -1 || eq >= pos + len - 1) throw invalidArgument('archive has a malformed pax header record');
    out.set(data.toString('utf8', sp + 1, eq), data.subarray(eq + 1, pos + len - 1));
    pos += len;
  }
  return out;
}

/** Apply pax records (global first, then per-entry) over the values from the ustar header. */
export function applyPax(h: RawHeader, pax: Map<string, Buffer>, xattrs: Map<string, Buffer>, global = false): void {
  for (const [key, value] of pax) {
    // A global header naming every later member's path or size makes no sense: ignore those.
    if (global && (key === 'path' || key === 'linkpath' || key === 'size')) continue;
    const text = (): string => value.toString('utf8');
    const num = (): number => {
      const n = Number(text());
      if (!Number.isFinite(n)) throw invalidArgument(`archive has a malformed pax "${key}" value`);
      return n;
    };
    switch (key) {
      case 'path': h.name = text(); break;
      case 'linkpath': h.linkname = text(); break;
      case 'size': h.size = num(); break;
      case 'uid': h.uid = num(); break;
      case 'gid': h.gid = num(); break;
      case 'mtime': h.mtime = num(); break;
      default:
        if (key.startsWith('SCHILY.xattr.')) xattrs.set(key.slice('SCHILY.xattr.'.length), value);
        else if (key.startsWith('GNU.sparse.')) throw notImplemented('sparse files in layers are not supported');
    }
  }
  if (!Number.isSafeInteger(h.size) || h.size < 0) throw invalidArgument('archive has an invalid entry size');
}

/**
 * Turn an archive path into a path relative to the layer root: strip leading `/` and `./`
 * (absolute names land inside the root, as GNU tar does by default), drop `.` components,
 * refuse `..` anywhere. Returns '' for the root itself.
 */
export function normalizeName(raw: string): string {
  if (raw.includes('\0')) throw invalidArgument(`refusing archive entry ${JSON.stringify(raw)}: name contains NUL`);
  const parts: string[] = [];
  for (const p of raw.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') throw invalidArgument(`refusing archive entry ${JSON.stringify(raw)}: path contains ".."`);
    parts.push(p);
  }
  return parts.join('/');
}

// ---------------------------------------------------------------- encoding

/** What the writer needs for one member; `name` is relative, without a trailing slash. */
export interface WriteEntry {
  name: string;
  type: EntryType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  xattrs?: [string, Buffer][];
}

function paxRecord(key: string, value: Buffer): Buffer {
  const body = Buffer.byteLength(key) + value.length + 3; // ' ' '=' '\n'
  let len = body + String(body).length;
  if (String(len).length !== String(body).length) len = body + String(len).length;
  return Buffer.concat([Buffer.from(`${len} ${key}=`), value, Buffer.from('\n')]);
}

function putStr(buf: Buffer, off: number, len: number, s: string): boolean {
  const b = Buffer.from(s);
  if (b.length > len) return false;
  b.copy(buf, off);
  return true;
}

function putOctal(buf: Buffer, off: number, len: number, v: number): boolean {
  const s = Math.max(0, v).toString(8);
  const fits = v >= 0 && Number.isInteger(v) && s.length <= len - 1;
  buf.write((fits ? s : '0').padStart(len - 1, '0'), off, 'latin1');
  buf[off + len - 1] = 0;
  return fits;
}

function finishHeader(buf: Buffer): void {
  buf.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += buf[i]!;
  buf.write(sum.toString(8).padStart(6, '0'), 148, 'latin1');
  buf[154] = 0;
  buf[155] = 0x20;
}

function ustar(e: WriteEntry, name: string, pax: Buffer[]): Buffer {
  const h = Buffer.alloc(BLOCK);
  if (!putStr(h, 0, 100, name)) {
    pax.push(paxRecord('path', Buffer.from(name)));
    putStr(h, 0, 100, Buffer.from(name).subarray(0, 100).toString('latin1').replace(/[^\x20-\x7e]/g, '_'));
  }
  putOctal(h, 100, 8, e.mode & 0o7777);
  if (!putOctal(h, 108, 8, e.uid)) pax.push(paxRecord('uid', Buffer.from(String(e.uid))));
  if (!putOctal(h, 116, 8, e.gid)) pax.push(paxRecord('gid', Buffer.from(String(e.gid))));
  if (!putOctal(h, 124, 12, e.size)) pax.push(paxRecord('size', Buffer.from(String(e.size))));
  if (!putOctal(h, 136, 12, e.mtime)) pax.push(paxRecord('mtime', Buffer.from(String(e.mtime))));
  h.write(FLAG_BY_TYPE[e.type], 156, 'latin1');
  const link = e.linkname ?? '';
  if (!putStr(h, 157, 100, link)) pax.push(paxRecord('linkpath', Buffer.from(link)));
  h.write('ustar\u000000', 257, 'latin1');
  putOctal(h, 329, 8, e.devmajor ?? 0);
  putOctal(h, 337, 8, e.devminor ?? 0);
  return h;
}

/**
 * Encode the header block(s) for one member: a pax `x` header first when a field does not
 * fit ustar or xattrs are present, then the ustar header. Data and padding are the caller's.
 */
export function encodeHeaders(e: WriteEntry): Buffer {
  const name = e.type === 'dir' ? `${e.name}/` : e.name;
  const pax: Buffer[] = [];
  const main = ustar(e, name, pax);
  for (const [k, v] of e.xattrs ?? []) pax.push(paxRecord(`SCHILY.xattr.${k}`, v));
  finishHeader(main);
  if (pax.length === 0) return main;
  const body = Buffer.concat(pax);
  const ph = Buffer.alloc(BLOCK);
  putStr(ph, 0, 100, '././@PaxHeader');
  putOctal(ph, 100, 8, 0o644);
  putOctal(ph, 108, 8, 0);
  putOctal(ph, 116, 8, 0);
  putOctal(ph, 124, 12, body.length);
  putOctal(ph, 136, 12, Math.max(0, Math.min(e.mtime, 0o77777777777)));
  ph.write('x', 156, 'latin1');
  ph.write('ustar\u000000', 257, 'latin1');
  finishHeader(ph);
  return Buffer.concat([ph, body, Buffer.alloc(padding(body.length)), main]);
}

export function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}
