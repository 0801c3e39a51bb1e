/**
 * A synchronous, push-driven tar parser: feed it chunks with `write()`, it calls the sink for
 * every member and hands file data through as sub-arrays of the input (no copies, no
 * whole-file buffering). Synchronous on purpose: it runs inside the extraction worker where
 * blocking system calls are the fastest way to write files.
 */
import { invalidArgument, notImplemented } from '../core/errors.js';
import {
  BLOCK, applyPax, checksumOk, decodeHeader, decodePax, entryTypeOf, isZeroBlock, padding,
  type TarEntry,
} from './tar-format.js';

export interface TarSink {
  entry(e: TarEntry): void;
  /** File data of the current entry, in order; the buffer is only valid during the call. */
  data(chunk: Buffer): void;
  /** Called after every entry (for files after the last data chunk). */
  entryEnd(): void;
}

/** Pax and GNU long-name records are metadata we must hold in memory: cap them. */
const MAX_META = 1 << 20;

type State =
  | { kind: 'header' }
  | { kind: 'data'; left: number; pad: number }
  | { kind: 'meta'; flag: string; left: number; pad: number; parts: Buffer[] }
  | { kind: 'skip'; left: number }
  | { kind: 'end' };

export class TarReader {
  private state: State = { kind: 'header' };
  private readonly carry = Buffer.alloc(BLOCK);
  private carried = 0;
  /** Bytes consumed so far: used to name the offset of a bad header. */
  private offset = 0;
  private headers = 0;
  private global = new Map<string, Buffer>();
  private pax: Map<string, Buffer> | undefined;
  private longName: string | undefined;
  private longLink: string | undefined;

  constructor(private readonly sink: TarSink) {}

  /** True once the end-of-archive marker (a zero block) was seen; the rest is ignored. */
  get ended(): boolean {
    return this.state.kind === 'end';
  }

  write(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      const st = this.state;
      switch (st.kind) {
        case 'end':
          return;
        case 'header': {
          let block: Buffer;
          let at: number;
          if (this.carried === 0 && chunk.length - pos >= BLOCK) {
            block = chunk;
            at = pos;
            pos += BLOCK;
          } else {
            const n = Math.min(BLOCK - this.carried, chunk.length - pos);
            chunk.copy(this.carry, this.carried, pos, pos + n);
            this.carried += n;
            pos += n;
            if (this.carried < BLOCK) return;
            this.carried = 0;
            block = this.carry;
            at = 0;
          }
          this.header(block, at);
          this.offset += BLOCK;
          break;
        }
        case 'data': {
          const n = Math.min(st.left, chunk.length - pos);
          if (n > 0) this.sink.data(chunk.subarray(pos, pos + n));
          pos += n;
          st.left -= n;
          this.offset += n;
          if (st.left === 0) {
            this.sink.entryEnd();
            this.state = st.pad > 0 ? { kind: 'skip', left: st.pad } : { kind: 'header' };
          }
          break;
        }
        case 'meta': {
          const n = Math.min(st.left, chunk.length - pos);
          st.parts.push(Buffer.from(chunk.subarray(pos, pos + n)));
          pos += n;
          st.left -= n;
          this.offset += n;
          if (st.left === 0) {
            this.meta(st.flag, Buffer.concat(st.parts));
            this.state = st.pad > 0 ? { kind: 'skip', left: st.pad } : { kind: 'header' };
          }
          break;
        }
        case 'skip': {
          const n = Math.min(st.left, chunk.length - pos);
          pos += n;
          st.left -= n;
          this.offset += n;
          if (st.left === 0) this.state = { kind: 'header' };
          break;
        }
      }
    }
  }

  /** Call at end of input: anything but a clean member boundary is a truncated archive. */
  finish(): void {
    if (this.state.kind === 'end') return;
    if (this.headers === 0) {
      throw invalidArgument(`archive is not a valid tar stream${this.offset + this.carried === 0 ? ': input is empty' : ''}`);
    }
    if (this.state.kind !== 'header' || this.carried !== 0 || this.pax || this.longName !== undefined || this.longLink !== undefined) {
      throw invalidArgument(`archive is truncated: unexpected end of data at offset ${this.offset + this.carried}`);
    }
  }

  private header(buf: Buffer, at: number): void {
    if (isZeroBlock(buf, at)) {
      // End of archive (POSIX writes two zero blocks; like GNU tar, one is enough to stop).
      this.state = { kind: 'end' };
      return;
    }
    if (!checksumOk(buf, at)) {
      throw invalidArgument(this.headers === 0
        ? 'archive is not a valid tar stream'
        : `archive has an invalid tar header at offset ${this.offset}`);
    }
    this.headers++;
    const raw = decodeHeader(buf, at);
    switch (raw.flag) {
      case 'x': case 'g': case 'L': case 'K': {
        if (raw.size > MAX_META) throw invalidArgument(`archive has an oversized ${raw.flag} header (${raw.size} bytes)`);
        this.state = raw.size === 0
          ? (this.meta(raw.flag, Buffer.alloc(0)), { kind: 'header' })
          : { kind: 'meta', flag: raw.flag, left: raw.size, pad: padding(raw.size), parts: [] };
        return;
      }
      case 'S': throw notImplemented('sparse files in layers are not supported');
      case 'M': throw invalidArgument('multi-volume archives are not supported');
      case 'V': this.skip(raw.size); return; // volume label: not a file
    }
    const xattrs = new Map<string, Buffer>();
    if (this.global.size > 0) applyPax(raw, this.global, xattrs, true);
    if (this.pax) applyPax(raw, this.pax, xattrs);
    if (this.longName !== undefined) raw.name = this.longName;
    if (this.longLink !== undefined) raw.linkname = this.longLink;
    this.pax = undefined;
    this.longName = undefined;
    this.longLink = undefined;
    const type = entryTypeOf(raw.flag, raw.name);
    const entry: TarEntry = {
      name: raw.name, type, mode: raw.mode, uid: raw.uid, gid: raw.gid,
      size: type === 'file' ? raw.size : 0, mtime: raw.mtime, linkname: raw.linkname,
      devmajor: raw.devmajor, devminor: raw.devminor, xattrs,
    };
    this.sink.entry(entry);
    if (type === 'file' && raw.size > 0) {
      this.state = { kind: 'data', left: raw.size, pad: padding(raw.size) };
    } else {
      this.sink.entryEnd();
      // Non-file members may still carry data (GNU dumpdir, odd writers): skip it.
      this.skip(raw.size);
    }
  }

  private skip(size: number): void {
    const total = size + padding(size);
    this.state = total > 0 ? { kind: 'skip', left: total } : { kind: 'header' };
  }

  private meta(flag: string, data: Buffer): void {
    if (flag === 'L' || flag === 'K') {
      const nul = data.indexOf(0);
      const s = data.toString('utf8', 0, nul === -1 ? data.length : nul);
      if (flag === 'L') this.longName = s;
      else this.longLink = s;
      return;
    }
    const records = decodePax(data);
    if (flag === 'g') for (const [k, v] of records) this.global.set(k, v);
    else this.pax = records;
  }
}
