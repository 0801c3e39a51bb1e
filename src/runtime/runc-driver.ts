import { constants } from 'node:fs';
import { access, open, readFile, rm, rmdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError, errnoCode, notFound } from '../core/errors.js';
import { spawn } from 'node:child_process';
import { execFile } from './exec-file.js';

export interface RuncExecResult {
  /** The process's exit code; -1 when it was killed for running too long. */
  code: number;
  /** stdout and stderr interleaved as they arrived, at most `maxOutput` bytes. */
  output: string;
  timedOut: boolean;
}

export interface RuncState {
  id: string;
  pid: number;
  status: 'creating' | 'created' | 'running' | 'paused' | 'stopped';
  bundle: string;
}

/**
 * Thin driver for runc (https://github.com/opencontainers/runc): each method is
 * one runc verb. No state machine lives here; the engine owns that.
 */
export class RuncDriver {
  constructor(
    readonly binary: string,
    readonly stateRoot: string,
  ) {}

  private args(verb: string[]): string[] {
    return [`--root=${this.stateRoot}`, ...verb];
  }

  private async run(verb: string[], what: string, input?: string): Promise<string> {
    const r = await execFile(this.binary, this.args(verb), { input });
    if (r.code !== 0) {
      const msg = runtimeMessage(r.stderr) || `runc ${verb[0]} exited with status ${r.code}`;
      if (/does not exist|not found/i.test(msg)) throw notFound(`${what}: ${msg}`);
      throw new EngineError('Internal', `${what}: ${msg}`);
    }
    return r.stdout;
  }

  async state(id: string): Promise<RuncState | undefined> {
    const r = await execFile(this.binary, this.args(['state', id]));
    if (r.code !== 0) return undefined;
    return JSON.parse(r.stdout) as RuncState;
  }

  /**
   * `runc start` does nothing but read the created container's exec fifo, which
   * releases its init into the user's process, then remove it. Doing that here
   * saves spawning runc on every start; anything unexpected falls back to runc.
   */
  async start(id: string): Promise<void> {
    if (await this.releaseExecFifo(id)) return;
    await this.run(['start', id], `cannot start container ${id}`);
  }

  private async releaseExecFifo(id: string): Promise<boolean> {
    const fifo = join(this.stateRoot, id, 'exec.fifo');
    let fh;
    try {
      // Non-blocking: if init is already gone there is no writer, and a blocking open would hang.
      fh = await open(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch {
      return false;
    }
    try {
      const buf = Buffer.alloc(1);
      for (let i = 0; i < 50; i++) {
        try {
          const { bytesRead } = await fh.read(buf, 0, 1, null);
          if (bytesRead === 1 && buf[0] === 0x30) {
            await unlink(fifo).catch(() => {});
            return true;
          }
        } catch (e) {
          if (errnoCode(e) !== 'EAGAIN') return false;
        }
        await new Promise((r) => setTimeout(r, 2));
      }
      return false;
    } finally {
      await fh.close();
    }
  }

  /** Whether runc has state for this container (a crash may have left some). */
  async hasState(id: string): Promise<boolean> {
    return access(join(this.stateRoot, id)).then(
      () => true,
      () => false,
    );
  }

  async kill(id: string, signal: string, all = false): Promise<void> {
    await this.run(['kill', ...(all ? ['--all'] : []), id, signal], `cannot kill container ${id}`);
  }

  async delete(id: string, force = false): Promise<void> {
    const r = await execFile(this.binary, this.args(['delete', ...(force ? ['--force'] : []), id]));
    if (r.code !== 0 && !/does not exist|not found/i.test(r.stderr)) {
      throw new EngineError('Internal', `cannot delete container ${id} from runc: ${runtimeMessage(r.stderr)}`);
    }
  }

  /**
   * Delete a container whose init has exited, without spawning runc: what
   * `runc delete` does in that case is remove the (empty) cgroups listed in its
   * state.json and the state directory. Anything unusual (a live init, a busy
   * cgroup, unreadable state) falls back to `runc delete --force`.
   */
  async deleteStopped(id: string): Promise<void> {
    const dir = join(this.stateRoot, id);
    let state: { init_process_pid?: number; init_process_start?: number; cgroup_paths?: Record<string, string> };
    try {
      state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as typeof state;
    } catch (e) {
      if (errnoCode(e) === 'ENOENT' && !(await this.hasState(id))) return;
      return this.delete(id, true);
    }
    if (state.init_process_pid && (await sameProcess(state.init_process_pid, state.init_process_start))) return this.delete(id, true);
    try {
      for (const p of new Set(Object.values(state.cgroup_paths ?? {}))) {
        await rmdir(p).catch((e: unknown) => {
          if (errnoCode(e) !== 'ENOENT') throw e;
        });
      }
    } catch {
      return this.delete(id, true);
    }
    await rm(dir, { recursive: true, force: true });
  }

  async pause(id: string): Promise<void> {
    await this.run(['pause', id], `cannot pause container ${id}`);
  }

  async resume(id: string): Promise<void> {
    await this.run(['resume', id], `cannot unpause container ${id}`);
  }

  /** `runc update` with a linux.resources JSON document (already serialised: limits may be bigints) on stdin. */
  async update(id: string, resourcesJson: string): Promise<void> {
    await this.run(['update', '--resources', '-', id], `cannot update container ${id}`, resourcesJson);
  }

  /**
   * `runc exec --process <file>`: run one more process in the container and collect its output.
   * After `timeoutMs` the process itself (its host pid from --pid-file) is SIGKILLed, since
   * killing runc alone would leave it running inside the container.
   */
  exec(id: string, opts: { processPath: string; pidFile: string; timeoutMs: number; maxOutput: number }): Promise<RuncExecResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.binary, this.args(['exec', '--process', opts.processPath, '--pid-file', opts.pidFile, id]), {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const chunks: Buffer[] = [];
      let size = 0;
      const collect = (d: Buffer) => {
        if (size >= opts.maxOutput) return;
        const part = d.subarray(0, opts.maxOutput - size);
        chunks.push(part);
        size += part.length;
      };
      child.stdout.on('data', collect);
      child.stderr.on('data', collect);
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        void readFile(opts.pidFile, 'utf8')
          .then((pid) => process.kill(Number(pid.trim()), 'SIGKILL'))
          .catch(() => child.kill('SIGKILL'));
      }, opts.timeoutMs);
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.on('close', (code, sig) => {
        clearTimeout(timer);
        const output = Buffer.concat(chunks).toString();
        resolve({ code: timedOut ? -1 : (code ?? (sig ? 128 : 1)), output, timedOut });
      });
    });
  }

  /** The container's cgroup directories by controller (v2: the unified one under ""), from runc's state.json. */
  async cgroupPaths(id: string): Promise<Record<string, string>> {
    const text = await readFile(join(this.stateRoot, id, 'state.json'), 'utf8').catch(() => undefined);
    if (text === undefined) throw notFound(`no runtime state for container ${id}`);
    return (JSON.parse(text) as { cgroup_paths?: Record<string, string> }).cgroup_paths ?? {};
  }

  async ps(id: string): Promise<number[]> {
    const out = await this.run(['ps', '--format', 'json', id], `cannot list processes of ${id}`);
    return (JSON.parse(out) as number[] | null) ?? [];
  }
}

/**
 * runc logs errors as logrus lines: time="..." level=error msg="...". Pull the
 * msg values out so users see runc's sentence, not its log framing.
 */
export function runtimeMessage(stderr: string): string {
  const msgs: string[] = [];
  for (const line of stderr.split('\n')) {
    const m = /msg="((?:[^"\\]|\\.)*)"/.exec(line);
    if (m) msgs.push(m[1]!.replace(/\\(.)/g, '$1'));
    else if (line.trim()) msgs.push(line.trim());
  }
  return msgs.join(': ');
}

/** Is `pid` still the process that started at `start` (clock ticks since boot, /proc/<pid>/stat field 22)? */
async function sameProcess(pid: number, start: number | undefined): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return start === undefined || Number(fields[19]) === start;
  } catch {
    return false;
  }
}
