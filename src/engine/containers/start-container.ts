import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError, invalidArgument } from '../../core/errors.js';
import { buildSpec } from '../../oci/build-spec.js';
import { specToJson } from '../../oci/runtime-spec.js';
import { specInputFor } from './spec-input.js';
import { secureJoin } from '../../sys/secure-join.js';
import type { ContainerRecord } from './container-record.js';
import type { ContainerService } from './container-service.js';
import { writeEtcFiles } from './etc-files.js';
import { eventAttributes } from './event-attributes.js';
import { processArgs } from './merge-config.js';
import { resolveUser } from './resolve-user.js';
import { mountRootfs, unmountRootfs } from './rootfs.js';
import { guards } from './state-guards.js';
import { removeLocked } from './remove-container.js';
import { logSizeBytes } from './create-container.js';
import { nowRfc3339Nano } from '../../core/clock.js';

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * `POST /containers/{id}/start`: mount the root, write config.json, let conmon
 * run `runc create`, connect waiting attach clients, then `runc start`.
 * Returns false when the container was already running (the API's 304).
 */
export async function startContainer(svc: ContainerService, ref: string): Promise<boolean> {
  const { ctx } = svc;
  const c = ctx.containers.get(ref);
  return ctx.containers.locks.run(c.id, async () => {
    if (guards.start(c) === 'already-running') return false;
    svc.restarts.reset(c);
    try {
      await startLocked(svc, c);
    } catch (e) {
      // dockerd removes an --rm container whose start failed, so nothing is left behind.
      if (c.hostConfig.AutoRemove) await removeLocked(svc, c, { force: true }).catch(() => {});
      throw e;
    }
    return true;
  });
}

/** Start with the container lock held (also used by restart and restart policies). */
export async function startLocked(svc: ContainerService, c: ContainerRecord): Promise<void> {
  const { ctx } = svc;
  const dir = ctx.containers.dir(c.id);
  const exitFile = join(ctx.paths.exitDir, c.id);
  try {
    if (await ctx.runc.hasState(c.id)) await ctx.runc.delete(c.id, true);
    await rm(exitFile, { force: true });
    const rootfs = await mountRootfs(ctx, c.id);
    const user = await resolveUser(rootfs, c.config.User, c.hostConfig.GroupAdd ?? []);
    const cwd = c.config.WorkingDir || '/';
    if (c.config.WorkingDir) await mkdir(await secureJoin(rootfs, cwd), { recursive: true, mode: 0o755 });
    const ext = await svc.extendStart(c, rootfs);
    const etcMounts = await writeEtcFiles(c, dir, ext.etc);
    const env = containerEnv(c, user.home);
    const extraMounts = [...etcMounts, ...(ext.mounts ?? [])];
    const spec = buildSpec(specInputFor(ctx, c, { rootfs, args: processArgs(c.config), env, cwd, user, extraMounts }, ext.network));
    await writeFile(join(dir, 'config.json'), specToJson(spec));
    const { pid } = await ctx.conmon.create({
      id: c.id,
      bundle: dir,
      logPath: join(dir, 'container.log'),
      logSizeMax: logSizeBytes(c.hostConfig.LogConfig?.Config?.['max-size'] ?? '') ?? 0,
      exitDir: ctx.paths.exitDir,
      socketDir: ctx.paths.socketDir,
      pidFile: join(dir, 'pidfile'),
      conmonPidFile: join(dir, 'conmon.pid'),
      stdin: c.config.OpenStdin,
      // dockerd closes a TTY's stdin on neither detach nor a client's EOF, StdinOnce or not.
      leaveStdinOpen: !c.config.StdinOnce || c.config.Tty,
      tty: c.config.Tty,
    });
    await svc.attach.connectPending(ctx.paths.socketDir, c.id);
    await ctx.runc.start(c.id);
    c.state = {
      ...c.state,
      Status: 'running',
      Running: true,
      Paused: false,
      Restarting: false,
      OOMKilled: false,
      Dead: false,
      Pid: pid,
      ExitCode: 0,
      Error: '',
      StartedAt: nowRfc3339Nano(),
    };
    c.manuallyStopped = false;
    svc.health.start(c);
    await ctx.containers.save(c);
    ctx.events.publish('container', 'start', c.id, eventAttributes(c));
  } catch (e) {
    svc.health.stop(c.id);
    await ctx.runc.delete(c.id, true).catch(() => {});
    await svc.extendStop(c);
    unmountRootfs(ctx, c.id);
    svc.attach.endPending(c.id);
    const err = startError(e);
    c.state = { ...c.state, Running: false, Pid: 0, Error: err.message, ExitCode: exitCodeFor(err.message) };
    await ctx.containers.save(c);
    throw err;
  }
}

/** The environment the process sees: image + user env, then Docker's additions. */
export function containerEnv(c: ContainerRecord, home: string): string[] {
  const env = [...c.config.Env];
  const has = (k: string) => env.some((e) => e.startsWith(`${k}=`));
  if (!has('PATH')) env.unshift(DEFAULT_PATH);
  if (!has('HOSTNAME')) env.splice(1, 0, `HOSTNAME=${c.config.Hostname}`);
  if (c.config.Tty && !has('TERM')) env.push('TERM=xterm');
  if (!has('HOME')) env.push(`HOME=${home}`);
  return env;
}

/**
 * Docker's CLI turns a start error into exit status 127 (command not found) or
 * 126 (cannot execute) by its text, and dockerd records the same in State.ExitCode.
 */
export function exitCodeFor(message: string): number {
  if (/executable file not found|no such file or directory/.test(message)) return 127;
  if (/permission denied|is a directory/.test(message)) return 126;
  return 128;
}

function startError(e: unknown): EngineError {
  if (e instanceof EngineError && e.code !== 'Internal') return e;
  const msg = e instanceof Error ? e.message : String(e);
  const code = exitCodeFor(msg);
  // dockerd answers a process that cannot be executed with 400 and anything else with 500.
  if (code === 127 || code === 126) return invalidArgument(msg, e);
  return new EngineError('Internal', msg, { cause: e });
}
