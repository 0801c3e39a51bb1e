import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { EngineError } from '../core/errors.js';
import { runtimeMessage } from './runc-driver.js';

export interface ConmonCreateOptions {
  id: string;
  bundle: string;
  /** k8s-file log the monitor writes. */
  logPath: string;
  logSizeMax?: number;
  exitDir: string;
  socketDir: string;
  pidFile: string;
  conmonPidFile: string;
  stdin: boolean;
  /** Keep the container's stdin open after the first attached client leaves (Docker's !StdinOnce). */
  leaveStdinOpen: boolean;
  tty: boolean;
  signal?: AbortSignal;
}

/**
 * Driver for conmon (https://github.com/containers/conmon), the per-container
 * monitor: it runs `runc create`, holds the container's stdio, writes the log,
 * records the exit code in `exitDir/<id>`, and outlives the daemon.
 */
export class ConmonDriver {
  constructor(
    readonly binary: string,
    readonly runtimeBinary: string,
    readonly runtimeRoot: string,
  ) {}

  /**
   * Spawn conmon, which daemonizes and runs `runc create`. Resolves with the
   * container's pid read from the sync pipe once the container exists (not yet started).
   */
  async create(o: ConmonCreateOptions): Promise<{ pid: number }> {
    await mkdir(o.socketDir, { recursive: true, mode: 0o700 });
    await mkdir(o.exitDir, { recursive: true, mode: 0o700 });
    const args = [
      '--api-version', '1',
      '-c', o.id,
      '-u', o.id,
      '-n', o.id,
      '-r', this.runtimeBinary,
      '-b', o.bundle,
      // conmon writes an `oom` marker into its persist dir when the kernel OOM-kills the container.
      '-0', o.bundle,
      '-p', o.pidFile,
      '-P', o.conmonPidFile,
      '--exit-dir', o.exitDir,
      '--socket-dir-path', o.socketDir,
      '-l', `k8s-file:${o.logPath}`,
      '--log-level', 'error',
      '--runtime-arg', `--root=${this.runtimeRoot}`,
    ];
    if (o.logSizeMax && o.logSizeMax > 0) args.push('--log-size-max', String(o.logSizeMax));
    if (o.stdin) args.push('-i');
    if (o.stdin && o.leaveStdinOpen) args.push('--leave-stdin-open');
    if (o.tty) args.push('-t');
    // conmon reports the result of `runc create` on the fd named by _OCI_SYNCPIPE.
    const child = spawn(this.binary, args, {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      env: { ...process.env, _OCI_SYNCPIPE: '3' },
      signal: o.signal,
    });
    const syncPipe = child.stdio[3] as Readable;
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const message = await new Promise<string>((resolve, reject) => {
      let buf = '';
      child.on('error', (e) => reject(new EngineError('Internal', `cannot start conmon: ${e.message}`, { cause: e })));
      syncPipe.on('data', (d: Buffer) => {
        buf += d.toString();
        if (buf.includes('\n')) resolve(buf);
      });
      syncPipe.on('end', () => resolve(buf));
      syncPipe.on('error', () => resolve(buf));
    });
    syncPipe.destroy();
    child.stderr!.destroy();
    let parsed: { data?: number; message?: string };
    try {
      parsed = JSON.parse(message.split('\n')[0]!) as { data?: number; message?: string };
    } catch {
      throw new EngineError('Internal', `conmon failed to create the container: ${stderr.trim() || 'no report on the sync pipe'}`);
    }
    if (typeof parsed.data !== 'number' || parsed.data <= 0) {
      throw new EngineError('Internal', `OCI runtime create failed: ${runtimeMessage(parsed.message ?? stderr) || 'unknown error'}`);
    }
    return { pid: parsed.data };
  }

  /**
   * `runc exec` under its own conmon (--exec): like a container's monitor it daemonizes, so the
   * process, its stdio and its exit status outlive the daemon. With `beforeStart`, conmon holds
   * the process back (start pipe) until the caller has connected to the attach socket.
   */
  async exec(o: ConmonExecOptions): Promise<ConmonExec> {
    await mkdir(join(o.dir, 'exit'), { recursive: true, mode: 0o700 });
    await mkdir(o.socketDir, { recursive: true, mode: 0o700 });
    const attach = o.beforeStart !== undefined;
    const args = [
      '--api-version', '1',
      '-c', o.containerId,
      '-u', o.execId,
      '-n', o.containerId,
      '-r', this.runtimeBinary,
      '-b', o.dir,
      '-p', join(o.dir, 'pid'),
      '-P', join(o.dir, 'conmon.pid'),
      '--exit-dir', join(o.dir, 'exit'),
      '--socket-dir-path', o.socketDir,
      // docker exec output is never logged: it goes to the attached client or nowhere.
      '-l', 'none',
      '--log-level', 'error',
      '--runtime-arg', `--root=${this.runtimeRoot}`,
      '--exec', '--exec-process-spec', join(o.dir, 'process.json'),
    ];
    if (o.stdin) args.push('-i');
    if (o.tty) args.push('-t');
    if (attach) args.push('--exec-attach');
    const env: NodeJS.ProcessEnv = { ...process.env, _OCI_SYNCPIPE: '3', _OCI_STARTPIPE: '4' };
    if (attach) env._OCI_ATTACHPIPE = '5';
    const child = spawn(this.binary, args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe', attach ? 'pipe' : 'ignore'], env });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stderr!.on('error', () => {});
    const spawned = new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (e) => reject(new EngineError('Internal', `cannot start conmon: ${e.message}`, { cause: e })));
    });
    const sync = child.stdio[3] as Readable;
    const start = child.stdio[4] as Writable;
    start.on('error', () => {});
    const nextSync = pipeReports(sync);
    try {
      await spawned;
      // The first message lets conmon fork (a caller could move it into a cgroup first).
      start.write('0');
      if (attach) {
        const attachPipe = (child.stdio as unknown as Readable[])[5]!;
        const ready = await pipeReports(attachPipe)();
        attachPipe.destroy();
        if (!ready || ready.data !== 0) throw new EngineError('Internal', `conmon failed to set up the exec session: ${ready?.message ?? stderr.trim()}`);
        await o.beforeStart!();
        start.write('0');
      }
      start.end();
      const first = await nextSync();
      if (!first || typeof first.data !== 'number' || first.data <= 0) {
        sync.destroy();
        const msg = runtimeMessage(first?.message ?? stderr) || 'unknown error';
        throw new EngineError('Internal', `OCI runtime exec failed: ${msg}`);
      }
      const exited = nextSync().then((r) => {
        sync.destroy();
        return typeof r?.data === 'number' ? r.data : undefined;
      });
      return { pid: first.data, exited };
    } catch (e) {
      sync.destroy();
      start.destroy();
      throw e;
    } finally {
      child.stderr!.destroy();
    }
  }
}

/**
 * Resize the TTY of a container or exec through conmon's control fifo in its bundle dir
 * (message type 1: `1 <height> <width>`).
 */
export async function resizeConsole(bundleDir: string, height: number, width: number): Promise<void> {
  // Non-blocking: conmon holds the read side open for as long as it runs; without it, ENXIO.
  const fh = await open(join(bundleDir, 'ctl'), constants.O_WRONLY | constants.O_NONBLOCK);
  try {
    await fh.write(`1 ${height} ${width}\n`);
  } finally {
    await fh.close();
  }
}

export interface ConmonExecOptions {
  containerId: string;
  execId: string;
  /** The exec's own directory: process.json, pid files, conmon's ctl fifo and attach socket, exit/. */
  dir: string;
  socketDir: string;
  stdin: boolean;
  tty: boolean;
  /**
   * Attach before the process runs (conmon's --exec-attach): called once the attach socket
   * exists, and the process is started only when it resolves, so no output is lost.
   */
  beforeStart?: () => Promise<void>;
}

export interface ConmonExec {
  pid: number;
  /** The exit status conmon reports on the sync pipe; undefined if the pipe broke without one. */
  exited: Promise<number | undefined>;
}

/** conmon writes an exec's exit status to `<dir>/exit/<container id>` (it names exit files by -c). */
export function execExitFile(dir: string, containerId: string): string {
  return join(dir, 'exit', containerId);
}

/** Read newline-terminated JSON reports (`{"data": n, "message": ...}`) from one of conmon's pipes. */
function pipeReports(stream: Readable): () => Promise<{ data?: number; message?: string } | undefined> {
  let buf = '';
  let ended = false;
  let wake: (() => void) | undefined;
  stream.on('data', (d: Buffer) => {
    buf += d.toString();
    wake?.();
  });
  const end = () => {
    ended = true;
    wake?.();
  };
  stream.on('end', end);
  stream.on('close', end);
  stream.on('error', end);
  return async () => {
    for (;;) {
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        try {
          return JSON.parse(line) as { data?: number; message?: string };
        } catch {
          return { message: line };
        }
      }
      if (ended) return undefined;
      await new Promise<void>((r) => (wake = r));
      wake = undefined;
    }
  };
}

/** Path of the attach socket conmon publishes for container (or exec) `uuid`. */
export function attachSocketPath(socketDir: string, uuid: string): string {
  return `${socketDir}/${uuid}/attach`;
}
