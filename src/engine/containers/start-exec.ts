import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_DETACH_KEYS } from '../../core/detach-keys.js';
import { conflict, EngineError } from '../../core/errors.js';
import { capabilitiesFromMask } from '../../oci/capabilities.js';
import type { Process } from '../../oci/runtime-spec.js';
import { AttachSession, type AttachOptions } from './attach-hub.js';
import type { ContainerRecord } from './container-record.js';
import { readContainerProcess } from './container-process.js';
import type { ExecService } from './exec-service.js';
import type { ExecRecord } from './exec-record.js';
import { resolveUser } from './resolve-user.js';
import { exitCodeFor } from './start-container.js';
import { guards } from './state-guards.js';

export interface ExecStartOptions {
  /** Tty from the start request overrides the one given at create (as dockerd does). */
  tty?: boolean;
  consoleSize?: [number, number] | null;
  /** Attach the client's streams; absent for `Detach: true`. */
  attach?: Omit<AttachOptions, 'stdin' | 'stdout' | 'stderr' | 'detachKeys'>;
}

export interface ExecStarted {
  rec: ExecRecord;
  session?: AttachSession;
}

/**
 * `POST /exec/{id}/start`: run the process with `runc exec` under its own conmon. An
 * attached client is connected to conmon's attach socket before the process starts.
 * A process that cannot be started leaves the record with exit code 126 (127: not found).
 */
export async function startExec(svc: ExecService, ref: string, opts: ExecStartOptions): Promise<ExecStarted> {
  const { rec, c } = checkExecStart(svc, ref);
  rec.started = true;
  const cfg = rec.config;
  const tty = opts.tty ?? cfg.Tty;
  const dir = svc.store.dir(rec.id);
  const { ctx } = svc.containers;
  let session: AttachSession | undefined;
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const proc = await execProcess(svc, c, rec, tty, opts.consoleSize ?? cfg.ConsoleSize ?? null);
    await writeFile(join(dir, 'process.json'), JSON.stringify(proc));
    if (opts.attach) {
      session = new AttachSession({
        ...opts.attach,
        stdin: cfg.AttachStdin,
        stdout: cfg.AttachStdout,
        stderr: cfg.AttachStderr,
        detachKeys: tty ? cfg.DetachKeys || DEFAULT_DETACH_KEYS : undefined,
      });
    }
    const s = session;
    const handle = await ctx.conmon.exec({
      containerId: c.id,
      execId: rec.id,
      dir,
      socketDir: ctx.paths.socketDir,
      stdin: cfg.AttachStdin,
      tty,
      beforeStart: s ? () => s.connect(ctx.paths.socketDir, rec.id) : undefined,
    });
    rec.running = true;
    rec.pid = handle.pid;
    await svc.store.save(rec);
    svc.watch(rec, handle.exited);
    return { rec, session };
  } catch (e) {
    session?.end();
    const msg = e instanceof Error ? e.message : String(e);
    const code = exitCodeFor(msg);
    rec.running = false;
    rec.exitCode = code === 128 ? 126 : code;
    rec.error = msg;
    svc.exitedNow(rec);
    throw e instanceof EngineError ? e : new EngineError('Internal', msg, { cause: e });
  }
}

/** Whether an exec may start now: it exists, never ran, and its container runs unpaused. */
export function checkExecStart(svc: ExecService, ref: string): { rec: ExecRecord; c: ContainerRecord } {
  const rec = svc.store.get(ref);
  if (rec.running) throw conflict(`Error: Exec command ${rec.id} is already running`);
  if (rec.started) throw conflict(`Error: Exec command ${rec.id} has already run`);
  const c = svc.containers.get(rec.containerId);
  guards.exec(c);
  return { rec, c };
}

/** The exec's process spec: the container's own, with the exec's args, env, cwd, user and TTY. */
async function execProcess(svc: ExecService, c: ContainerRecord, rec: ExecRecord, tty: boolean, size: [number, number] | null): Promise<Process> {
  const { ctx } = svc.containers;
  const base = await readContainerProcess(ctx, c.id);
  const cfg = rec.config;
  // Exec env: the container's, then the exec's (a later name wins), with TERM for a TTY.
  const env = new Map<string, string>();
  for (const e of [...(base.env ?? []), ...cfg.Env]) {
    const i = e.indexOf('=');
    env.set(i < 0 ? e : e.slice(0, i), e);
  }
  if (tty && !env.has('TERM')) env.set('TERM', 'TERM=xterm');
  const proc: Process = { ...base, terminal: tty, args: [...cfg.Cmd], env: [...env.values()], cwd: cfg.WorkingDir || base.cwd || '/' };
  if (tty && size && size[0] > 0 && size[1] > 0) proc.consoleSize = { height: size[0], width: size[1] };
  if (cfg.User) {
    // Resolved against the running container's own /etc/passwd and /etc/group.
    const u = await resolveUser(`/proc/${c.state.Pid}/root`, cfg.User);
    proc.user = { uid: u.uid, gid: u.gid, additionalGids: u.additionalGids };
  }
  if (cfg.Privileged) {
    const all = capabilitiesFromMask(ctx.host.capBoundingMask);
    proc.capabilities = { bounding: all, effective: all, permitted: all };
  }
  return proc;
}
