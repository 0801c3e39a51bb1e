/**
 * Parent side of the chrooted layer workers: spawn, collect the structured report from fd 3,
 * turn the outcome into a result or an EngineError. See worker-io.ts for the protocol.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { EngineError, internal, type ErrorCode } from '../core/errors.js';
import type { PathStat, WorkerReport } from './worker-io.js';

/** Worker scripts sit next to this module in dist/src/layers/. */
export function workerScript(file: string): string {
  return fileURLToPath(new URL(`./${file}`, import.meta.url));
}

export interface WorkerExit {
  report: WorkerReport | undefined;
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

export interface Worker {
  readonly stdin: Writable | null;
  readonly stdout: Readable | null;
  /** Settles once the process exited and every pipe closed; never rejects. */
  readonly done: Promise<WorkerExit>;
  /** SIGKILL: the worker holds no state worth a graceful stop. Idempotent. */
  kill(): void;
}

const STDERR_LIMIT = 16 * 1024;
const QUEUE_LIMIT = 4 * 1024 * 1024;
const CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'NotFound', 'AlreadyExists', 'Conflict', 'InvalidArgument', 'FailedPrecondition', 'NotModified',
  'Unavailable', 'NotImplemented', 'Unauthorized', 'Forbidden', 'Canceled', 'Internal',
]);

function parseReport(text: string): WorkerReport | undefined {
  const line = text.split('\n')[0];
  if (!line) return undefined;
  try {
    const r = JSON.parse(line) as Partial<{ ok: boolean; entries: number; code: string; message: string; stat: PathStat }>;
    if (r.ok === true) return { ok: true, entries: Number(r.entries ?? 0), ...(r.stat ? { stat: r.stat } : {}) };
    if (r.ok === false && typeof r.code === 'string' && CODES.has(r.code) && typeof r.message === 'string') {
      return { ok: false, code: r.code as ErrorCode, message: r.message };
    }
  } catch {
    // fall through: a garbled report is treated like no report
  }
  return undefined;
}

export function startWorker(file: string, args: string[], io: { stdin: boolean; stdout: boolean }): Worker {
  const env = { ...process.env };
  // Under `node --test` children inherit this and would try to talk to the test runner.
  delete env['NODE_TEST_CONTEXT'];
  const child: ChildProcess = spawn(process.execPath, [workerScript(file), ...args], {
    stdio: [io.stdin ? 'pipe' : 'ignore', io.stdout ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    env,
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (s: string) => {
    if (stderr.length < STDERR_LIMIT) stderr += s.slice(0, STDERR_LIMIT - stderr.length);
  });
  let reportText = '';
  const reportPipe = child.stdio[3] as Readable;
  reportPipe.setEncoding('utf8');
  reportPipe.on('data', (s: string) => {
    if (reportText.length < 64 * 1024) reportText += s;
  });
  // The pipes are ours to end or destroy; their errors (EPIPE after a kill) show in `done`.
  child.stdin?.on('error', () => {});
  child.stdout?.on('error', () => {});
  reportPipe.on('error', () => {});
  const done = new Promise<WorkerExit>((resolve) => {
    child.once('error', (e) => resolve({ report: undefined, code: null, signal: null, stderr: `spawn failed: ${e.message}` }));
    child.once('close', (code, signal) => resolve({ report: parseReport(reportText), code, signal, stderr }));
  });
  return {
    stdin: child.stdin,
    stdout: child.stdout,
    done,
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      child.stdin?.destroy();
    },
  };
}

/** Turn an exit into the worker's own error, or an Internal error when it died without one. */
export function checkExit(exit: WorkerExit, what: string): { ok: true; entries: number; stat?: PathStat } {
  const r = exit.report;
  if (r && !r.ok) throw new EngineError(r.code, r.message);
  if (r && r.ok && exit.code === 0) return r;
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  const tail = exit.stderr.trim().split('\n').slice(-5).join(' | ');
  throw internal(`${what} worker ${how}${tail ? `: ${tail}` : ''}`);
}

/**
 * Write with backpressure. Resolves true once the chunk is accepted, false when the stream
 * closed or failed first (the caller then learns why from the stream or the worker report).
 */
export function writeChunk(w: Writable, chunk: Buffer): Promise<boolean> | boolean {
  if (w.destroyed || w.writableEnded) return false;
  // A child's stdin has a 16 KiB high-water mark: waiting for 'drain' at every chunk would
  // make parent and worker take turns. Keep a few MiB queued instead, still bounded.
  if (w.write(chunk) || w.writableLength < QUEUE_LIMIT) return true;
  return new Promise((res) => {
    const settle = (ok: boolean) => (): void => {
      w.off('drain', onDrain);
      w.off('close', onClose);
      w.off('error', onClose);
      res(ok);
    };
    const onDrain = settle(true);
    const onClose = settle(false);
    w.once('drain', onDrain);
    w.once('close', onClose);
    w.once('error', onClose);
  });
}
