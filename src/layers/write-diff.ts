/**
 * writeDiff / tarTree: produce an OCI layer tar
 * (https://github.com/opencontainers/image-spec/blob/main/layer.md) from a directory. The walk
 * and every read happen in pack-worker.ts, chrooted into the directory; this side hashes the
 * uncompressed stream (the diffID) and forwards it with backpressure.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { Digester } from '../core/digest.js';
import { canceled, errnoCode, invalidArgument, notFound, unavailable } from '../core/errors.js';
import type { ApplyResult } from './apply-layer.js';
import { checkExit, startWorker, writeChunk } from './worker-process.js';
import type { PathStat } from './worker-io.js';

export interface PackOptions {
  signal?: AbortSignal;
  /** Clamp every mtime to at most this (seconds since the epoch) for reproducible layers. */
  sourceDateEpoch?: number;
}

async function pack(rootDir: string, mode: 'tree' | 'diff' | 'cp', out: Writable, opts: PackOptions, cp?: { path: string; name: string; expectRoot?: string }): Promise<ApplyResult> {
  const { signal, sourceDateEpoch } = opts;
  if (signal?.aborted) throw canceled('layer archive canceled', signal.reason);
  if (sourceDateEpoch !== undefined && (!Number.isSafeInteger(sourceDateEpoch) || sourceDateEpoch < 0)) {
    throw invalidArgument(`invalid sourceDateEpoch ${sourceDateEpoch}: expected whole seconds since the epoch`);
  }
  const root = resolve(rootDir);
  try {
    if (!(await stat(root)).isDirectory()) throw invalidArgument(`${root} is not a directory`);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') throw notFound(`directory ${root} does not exist`, e);
    throw e;
  }
  const args = cp ? [root, mode, cp.path, cp.name, cp.expectRoot ?? ''] : [root, mode, sourceDateEpoch === undefined ? '' : String(sourceDateEpoch)];
  const worker = startWorker('pack-worker.js', args, {
    stdin: false,
    stdout: true,
  });
  // Like pipeline(): an abort tears down both ends, so a stalled destination cannot hold us.
  // Destroyed without an error object so a caller without an 'error' listener cannot crash.
  const onAbort = (): void => {
    worker.kill();
    out.destroy();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const digester = new Digester();
  let downstream: unknown;
  try {
    try {
      for await (const chunk of worker.stdout! as AsyncIterable<Buffer>) {
        digester.update(chunk);
        if (!(await writeChunk(out, chunk))) {
          downstream = out.errored ?? unavailable('the destination closed before the layer archive was complete');
          break;
        }
      }
    } catch (e) {
      downstream = e;
    }
    if (downstream !== undefined) worker.kill();
    const exit = await worker.done;
    if (signal?.aborted) throw canceled('layer archive canceled', signal.reason);
    // When the destination failed we stopped the worker ourselves (it may still have managed
    // to report the EPIPE that caused): the destination's error is the one that explains.
    if (downstream !== undefined) throw downstream;
    checkExit(exit, 'layer archive');
    // Like pipeline(): the destination is ended once the whole archive is in it.
    out.end();
    await finished(out, { readable: false });
    return { diffId: digester.digest(), size: digester.size };
  } catch (e) {
    if (!out.destroyed) out.destroy();
    throw e;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Tar the changes recorded in an overlay upper dir as an OCI layer: overlay whiteouts
 * (char 0:0) become `.wh.<name>`, dirs with trusted.overlay.opaque=y get `.wh..wh..opq`.
 * Deterministic order (depth-first, names sorted). Ends `out` on success, destroys it on error
 * or abort.
 * Assumes the overlay was mounted without redirect_dir/metacopy (their upper dirs are partial).
 */
export async function writeDiff(upperDir: string, out: Writable, opts: PackOptions = {}): Promise<ApplyResult> {
  return pack(upperDir, 'diff', out, opts);
}

/** Tar a whole directory tree (`docker export`, non-overlay diffs). Same format and rules as writeDiff. */
export async function tarTree(rootDir: string, out: Writable, opts: PackOptions = {}): Promise<ApplyResult> {
  return pack(rootDir, 'tree', out, opts);
}

/**
 * The copy API's archive (`GET /containers/{id}/archive`): `containerPath` resolved inside
 * `rootDir` (directory part followed, last element not; see pack-worker), archived as an entry
 * named `name` with its contents below it.
 */
export async function archivePath(
  rootDir: string,
  containerPath: string,
  name: string,
  out: Writable,
  opts: PackOptions & { expectRoot?: string } = {},
): Promise<ApplyResult> {
  return pack(rootDir, 'cp', out, opts, { path: containerPath, name, expectRoot: opts.expectRoot });
}

/**
 * Describe `containerPath` inside `rootDir` (resolved as by archivePath), in docker's path-stat
 * shape. With `expectRoot` ("dev:ino"), a root that is some other directory is refused.
 */
export async function statPath(rootDir: string, containerPath: string, expectRoot?: string): Promise<PathStat> {
  const worker = startWorker('pack-worker.js', [resolve(rootDir), 'stat', containerPath, expectRoot ?? ''], { stdin: false, stdout: false });
  const r = checkExit(await worker.done, 'path stat');
  if (!r.stat) throw unavailable('path stat worker sent no result');
  return r.stat;
}
