/**
 * applyLayer: unpack one image layer (https://github.com/opencontainers/image-spec/blob/main/layer.md)
 * into a directory. This process only decompresses, hashes (the diffID is the sha256 of the
 * uncompressed tar) and meters; the filesystem writes happen in extract-worker.ts, chrooted
 * into the target so no archive path can reach outside it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { access, stat } from 'node:fs/promises';
import { constants as fsConstants } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Digester, type Digest } from '../core/digest.js';
import {
  canceled, errnoCode, errorMessage, internal, invalidArgument, isEngineError, notFound, notImplemented,
} from '../core/errors.js';
import { checkExit, startWorker, writeChunk } from './worker-process.js';

export interface ApplyOptions {
  signal?: AbortSignal;
  /**
   * 'overlay': whiteouts become overlay whiteouts (char device 0:0, opaque xattr) — for a fresh
   * per-layer directory stacked with overlayfs. 'direct': whiteouts delete the named path —
   * for applying onto a full root (archive upload into a container, copying snapshotter).
   */
  whiteouts: 'overlay' | 'direct' | 'none';
  /**
   * Copy API options: extract below `within` (a path resolved inside the target, see
   * extract-worker's enterWithin), own entries by `chown`, refuse dir/non-dir replacement.
   * 'none' whiteouts: `.wh.` names are ordinary files.
   */
  within?: string;
  chown?: { uid: number; gid: number };
  noOverwriteDirNonDir?: boolean;
  /** "dev:ino" the target must be (a running container's /proc/<pid>/root, checked after chroot). */
  expectRoot?: string;
  /** Refuse a stream whose uncompressed size exceeds this many bytes (gzip-bomb guard). */
  maxBytes?: number;
}

export interface ApplyResult {
  diffId: Digest;
  /** Uncompressed bytes. */
  size: number;
}

const GZIP_MAGIC = [0x1f, 0x8b];
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];
const CHUNK = 256 * 1024;

function startsWith(buf: Buffer, magic: number[]): boolean {
  return buf.length >= magic.length && magic.every((b, i) => buf[i] === b);
}

async function findInPath(bin: string): Promise<string | undefined> {
  for (const dir of (process.env['PATH'] ?? '/usr/bin:/bin').split(delimiter)) {
    const p = join(dir || '.', bin);
    try {
      await access(p, fsConstants.X_OK);
      return p;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

async function* prepend(head: Buffer, rest: AsyncIterator<unknown>): AsyncGenerator<Buffer> {
  if (head.length > 0) yield head;
  for (;;) {
    const r = await rest.next();
    if (r.done) return;
    yield Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value as string);
  }
}

/** The uncompressed tar as chunks, chosen by magic bytes; `closed` reports decompressor failure. */
interface Source {
  chunks: AsyncIterable<Buffer>;
  streams: Readable[];
  helper?: ChildProcess;
  closed: () => Promise<void>;
}

async function openSource(input: Readable): Promise<Source> {
  const it = input[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  while (head.length < ZSTD_MAGIC.length) {
    const r = await it.next();
    if (r.done) break;
    head = Buffer.concat([head, Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value as string)]);
  }
  const raw = prepend(head, it);
  if (startsWith(head, GZIP_MAGIC)) {
    const src = Readable.from(raw, { objectMode: false });
    const gz = createGunzip({ chunkSize: CHUNK });
    const piped = pipeline(src, gz).catch(() => {}); // the error surfaces on the gz iterator
    return { chunks: gz, streams: [src, gz], closed: () => piped };
  }
  if (startsWith(head, ZSTD_MAGIC)) {
    const bin = await findInPath('zstd');
    if (!bin) throw notImplemented('zstd-compressed layers need the zstd program, which is not installed');
    const z = spawn(bin, ['-d', '-c', '-q'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let err = '';
    z.stderr.setEncoding('utf8').on('data', (s: string) => { err = (err + s).slice(-2048); });
    z.stdin.on('error', () => {}); // EPIPE when zstd gives up early; its exit code tells why
    const exited = new Promise<number | null>((res) => {
      z.once('error', () => res(-1));
      z.once('close', (code) => res(code));
    });
    const src = Readable.from(raw, { objectMode: false });
    const fed = pipeline(src, z.stdin).catch(() => {});
    return {
      chunks: z.stdout,
      streams: [src, z.stdout],
      helper: z,
      closed: async () => {
        await fed;
        const code = await exited;
        if (code !== 0) throw invalidArgument(`layer is not a valid zstd stream: ${err.trim() || `zstd exited with ${code}`}`);
      },
    };
  }
  return { chunks: raw, streams: [], closed: async () => {} };
}

/** Errors raised while reading/decompressing/metering, as the caller should see them. */
function upstreamError(e: unknown): unknown {
  if (isEngineError(e)) return e;
  if (errnoCode(e)?.startsWith('Z_')) return invalidArgument(`layer is not a valid gzip stream: ${errorMessage(e)}`, e);
  return e;
}

/**
 * `input` may be a promise (e.g. of a download still in progress): the worker starts at once,
 * so its start-up overlaps the wait; a rejected input stops it and is the error reported.
 */
export async function applyLayer(targetDir: string, pendingInput: Readable | Promise<Readable>, opts: ApplyOptions): Promise<ApplyResult> {
  let input: Readable | undefined = pendingInput instanceof Readable ? pendingInput : undefined;
  // Observed below; this keeps an early rejection from counting as unhandled meanwhile.
  if (!input) (pendingInput as Promise<Readable>).catch(() => {});
  const { signal, whiteouts, maxBytes } = opts;
  if (whiteouts !== 'overlay' && whiteouts !== 'direct' && whiteouts !== 'none') throw invalidArgument(`invalid whiteout mode ${JSON.stringify(whiteouts)}`);
  if (signal?.aborted) throw canceled('layer extraction canceled', signal.reason);
  const root = resolve(targetDir);
  try {
    if (!(await stat(root)).isDirectory()) throw invalidArgument(`layer target ${root} is not a directory`);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') throw notFound(`layer target directory ${root} does not exist`, e);
    throw e;
  }

  // Start the worker first: its startup overlaps with reading the first bytes.
  const extra = opts.within || opts.chown || opts.noOverwriteDirNonDir || opts.expectRoot
    ? [JSON.stringify({ within: opts.within, chown: opts.chown, noOverwriteDirNonDir: opts.noOverwriteDirNonDir, expectRoot: opts.expectRoot })]
    : [];
  const worker = startWorker('extract-worker.js', [root, whiteouts, ...extra], { stdin: true, stdout: false });
  const stdin = worker.stdin!;
  const digester = new Digester();
  let source: Source | undefined;
  // Streams are destroyed without an error object: one without an 'error' listener would
  // otherwise crash the process, and the cause is already known here.
  const stopAll = (): void => {
    worker.kill();
    source?.helper?.kill('SIGKILL');
    for (const s of source?.streams ?? []) s.destroy();
  };
  const onAbort = (): void => {
    stopAll();
    input?.destroy();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  // A worker that exits before we finished feeding it has failed (or crashed): stop reading
  // input at once rather than wait for more data that would never be used.
  let feeding = true;
  let workerGone = false;
  void worker.done.then(() => {
    if (!feeding) return;
    workerGone = true;
    stopAll();
    input?.destroy();
  });
  let upstream: unknown;
  try {
    try {
      input ??= await pendingInput;
      if (workerGone) throw internal('the layer extraction worker exited before its input was ready');
      source = await openSource(input);
      for await (const chunk of source.chunks) {
        digester.update(chunk);
        if (maxBytes !== undefined && digester.size > maxBytes) {
          throw invalidArgument(`layer exceeds the maximum uncompressed size of ${maxBytes} bytes`);
        }
        // A worker that stops reading has failed; its report says why, so stop feeding.
        if (!(await writeChunk(stdin, chunk))) { workerGone = true; break; }
      }
      if (workerGone) stopAll();
      else await source.closed();
      stdin.end();
    } catch (e) {
      if (!workerGone) upstream = e;
      stopAll();
    }
    feeding = false;
    const exit = await worker.done;
    if (signal?.aborted) throw canceled('layer extraction canceled', signal.reason);
    if (upstream !== undefined) throw upstreamError(upstream);
    checkExit(exit, 'layer extraction');
    return { diffId: digester.digest(), size: digester.size };
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
