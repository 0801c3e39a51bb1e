/**
 * Plumbing shared by the chrooted workers (extract-worker, pack-worker). Everything here is
 * synchronous and touches only already-open file descriptors, so it keeps working after
 * chroot() when no module can be loaded any more.
 *
 * Protocol: the parent opens fd 3 as a pipe; the worker writes exactly one JSON line to it,
 * `{"ok":true,...}` or `{"ok":false,"code":<ErrorCode>,"message":...}`, then exits.
 */
import { readSync, writeSync } from 'node:fs';
import { EngineError, errnoCode, errorMessage, type ErrorCode } from '../core/errors.js';

export const REPORT_FD = 3;

/** What the copy API reports about a path (Docker's container path stat). */
export interface PathStat {
  name: string;
  size: number;
  /** Go's os.FileMode bits (type bits high, permissions low), as docker clients decode them. */
  mode: number;
  /** RFC 3339 with nanoseconds. */
  mtime: string;
  /** For a symlink: the absolute path inside the container it resolves to. */
  linkTarget: string;
}

export type WorkerReport =
  | { ok: true; entries: number; stat?: PathStat }
  | { ok: false; code: ErrorCode; message: string };

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Blocking read that tolerates a non-blocking fd (EAGAIN): returns 0 at end of input. */
export function readSomeSync(fd: number, buf: Buffer): number {
  for (;;) {
    try {
      return readSync(fd, buf, 0, buf.length, null);
    } catch (e) {
      if (errnoCode(e) === 'EAGAIN') { Atomics.wait(sleeper, 0, 0, 1); continue; }
      throw e;
    }
  }
}

export function writeAllSync(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off, buf.length - off);
    } catch (e) {
      if (errnoCode(e) === 'EAGAIN') { Atomics.wait(sleeper, 0, 0, 1); continue; }
      throw e;
    }
  }
}

/** errno values that mean "this archive/tree cannot be represented here", not a host failure. */
const BAD_INPUT_ERRNO = new Set(['ENOTDIR', 'EISDIR', 'ENAMETOOLONG', 'ELOOP', 'EMLINK', 'EEXIST', 'ENOTEMPTY', 'EXDEV']);

export function toReport(e: unknown, context?: string): WorkerReport & { ok: false } {
  if (e instanceof EngineError) return { ok: false, code: e.code, message: e.message };
  const errno = errnoCode(e);
  let code: ErrorCode = 'Internal';
  if (errno && BAD_INPUT_ERRNO.has(errno)) code = 'InvalidArgument';
  else if (errno === 'ENOSPC' || errno === 'EDQUOT') code = 'Unavailable';
  else if (errno === 'EROFS') code = 'FailedPrecondition';
  const msg = errorMessage(e);
  return { ok: false, code, message: context ? `${context}: ${msg}` : msg };
}

export function report(r: WorkerReport): void {
  writeAllSync(REPORT_FD, Buffer.from(`${JSON.stringify(r)}\n`));
}

/** Report the failure on the structured channel and exit non-zero. */
export function fail(e: unknown, context?: string): never {
  try {
    report(toReport(e, context));
  } finally {
    process.exit(1);
  }
}
