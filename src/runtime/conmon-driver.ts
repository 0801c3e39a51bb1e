import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import type { Readable } from 'node:stream';
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
}

/** Path of the attach socket conmon publishes for container (or exec) `uuid`. */
export function attachSocketPath(socketDir: string, uuid: string): string {
  return `${socketDir}/${uuid}/attach`;
}
