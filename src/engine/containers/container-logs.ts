import { createReadStream, watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { errnoCode } from '../../core/errors.js';
import type { StreamKind } from '../../runtime/attach-socket.js';

export interface LogEntry {
  stream: StreamKind;
  /** RFC 3339 with nanoseconds, as conmon wrote it. */
  time: string;
  /** Epoch nanoseconds, for since/until comparison. */
  timeNs: bigint;
  data: Buffer;
}

export interface LogOptions {
  stdout: boolean;
  stderr: boolean;
  /** Epoch nanoseconds; entries before are skipped. */
  sinceNs?: bigint;
  untilNs?: bigint;
  /** Last N entries only; undefined means all. */
  tail?: number;
  follow: boolean;
  /** For follow: true while more output can still arrive. */
  isLive?: () => boolean;
  signal?: AbortSignal;
}

/**
 * Parse conmon's k8s-file log (`<RFC3339Nano> <stdout|stderr> <F|P> <text>`).
 * P marks a partial line (no newline), F a full one.
 */
export function parseLogLine(line: string): LogEntry | undefined {
  const a = line.indexOf(' ');
  const b = line.indexOf(' ', a + 1);
  const c = line.indexOf(' ', b + 1);
  if (a < 0 || b < 0) return undefined;
  const time = line.slice(0, a);
  const stream = line.slice(a + 1, b);
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  const tag = c < 0 ? line.slice(b + 1) : line.slice(b + 1, c);
  const text = c < 0 ? '' : line.slice(c + 1);
  return { stream, time, timeNs: parseTimeNs(time), data: Buffer.from(tag.includes('P') ? text : `${text}\n`) };
}

/** RFC 3339 with up to nanosecond precision and a zone offset, to epoch nanoseconds. */
export function parseTimeNs(t: string): bigint {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(t);
  if (!m) return 0n;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  const frac = BigInt(((m[2] ?? '') + '000000000').slice(0, 9));
  return BigInt(ms) * 1_000_000n + frac;
}

/** Docker's log timestamp: RFC 3339 in UTC with 9 fractional digits. */
export function formatTimeNs(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return `${new Date(ms).toISOString().slice(0, 19)}.${frac}Z`;
}

/** Read (and with follow, keep reading) a container log, calling `emit` per entry. */
export async function readLogs(path: string, opts: LogOptions, emit: (e: LogEntry) => void): Promise<void> {
  const want = (e: LogEntry) =>
    ((e.stream === 'stdout' && opts.stdout) || (e.stream === 'stderr' && opts.stderr)) &&
    (opts.sinceNs === undefined || e.timeNs >= opts.sinceNs) &&
    (opts.untilNs === undefined || e.timeNs <= opts.untilNs);
  let offset = 0;
  let rest = '';
  const tailBuf: LogEntry[] = [];
  const consume = async (collectTail: boolean) => {
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') return;
      throw e;
    }
    if (size < offset) offset = 0; // rotated or truncated
    if (size === offset) return;
    for await (const chunk of createReadStream(path, { start: offset, end: size - 1, encoding: 'utf8' })) {
      const text = rest + (chunk as string);
      const lines = text.split('\n');
      rest = lines.pop()!;
      for (const l of lines) {
        const e = parseLogLine(l);
        if (!e || !want(e)) continue;
        if (collectTail && opts.tail !== undefined) {
          tailBuf.push(e);
          if (tailBuf.length > opts.tail) tailBuf.shift();
        } else emit(e);
      }
    }
    offset = size;
  };
  await consume(true);
  for (const e of tailBuf) emit(e);
  if (!opts.follow || opts.signal?.aborted) return;
  await new Promise<void>((resolve) => {
    let watcher: FSWatcher | undefined;
    let busy = false;
    let again = false;
    const finish = () => {
      watcher?.close();
      clearInterval(poll);
      opts.signal?.removeEventListener('abort', finish);
      resolve();
    };
    const pump = async () => {
      if (busy) return void (again = true);
      busy = true;
      do {
        again = false;
        await consume(false).catch(() => {});
      } while (again);
      busy = false;
      if (opts.isLive && !opts.isLive()) {
        await consume(false).catch(() => {});
        finish();
      }
    };
    try {
      watcher = watch(path, () => void pump());
    } catch {
      /* the file may not exist yet; the poll below covers it */
    }
    // inotify covers writes; the poll notices the container's end and a log created late.
    const poll = setInterval(() => void pump(), 250);
    opts.signal?.addEventListener('abort', finish);
  });
}
