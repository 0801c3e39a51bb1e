import { access, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoCode } from '../../core/errors.js';
import type { ContainerRecord } from './container-record.js';
import type { ContainerService } from './container-service.js';
import { eventAttributes } from './event-attributes.js';
import { removeLocked } from './remove-container.js';
import { unmountRootfs } from './rootfs.js';
import { nowRfc3339Nano } from '../../core/clock.js';

/** conmon writes the exit status (128+signal when killed) into exitDir/<id>. */
export async function readExitFile(exitDir: string, id: string): Promise<number | undefined> {
  try {
    const text = await readFile(join(exitDir, id), 'utf8');
    const n = Number.parseInt(text.trim(), 10);
    return Number.isFinite(n) ? n : undefined;
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * A container's process is gone: release runtime resources, record the exit,
 * tell waiters, then apply --rm. Idempotent: a second report for the same exit
 * finds the container no longer running and does nothing.
 */
export async function handleExit(svc: ContainerService, id: string, exitCode: number): Promise<void> {
  const { ctx } = svc;
  const c = ctx.containers.find(id);
  if (!c) return;
  await ctx.containers.locks.run(c.id, async () => {
    if (!c.state.Running) return;
    await recordExit(svc, c, exitCode);
  });
  if (c.hostConfig.AutoRemove) {
    await ctx.containers.locks.run(c.id, () => removeLocked(svc, c, { force: false })).catch((e: unknown) =>
      ctx.log.warn('auto-remove failed', { id: c.id, error: String(e) }),
    );
  } else {
    await svc.afterExit(c);
  }
}

/** With the container lock held. */
export async function recordExit(svc: ContainerService, c: ContainerRecord, exitCode: number): Promise<void> {
  const { ctx } = svc;
  svc.health.stop(c.id);
  await ctx.runc.deleteStopped(c.id).catch((e: unknown) => ctx.log.warn('runc delete failed', { id: c.id, error: String(e) }));
  await svc.extendStop(c);
  unmountRootfs(ctx, c.id);
  await rm(join(ctx.paths.exitDir, c.id), { force: true });
  await rm(join(ctx.paths.socketDir, c.id), { recursive: true, force: true });
  const oomFile = join(ctx.containers.dir(c.id), 'oom');
  const oomKilled = await access(oomFile).then(() => true, () => false);
  if (oomKilled) await rm(oomFile, { force: true });
  c.state = {
    ...c.state,
    Status: 'exited',
    Running: false,
    Paused: false,
    Restarting: false,
    Pid: 0,
    ExitCode: exitCode,
    OOMKilled: oomKilled,
    FinishedAt: nowRfc3339Nano(),
  };
  await ctx.containers.save(c);
  if (oomKilled) ctx.events.publish('container', 'oom', c.id, eventAttributes(c));
  const ranFor = (Date.parse(c.state.FinishedAt) - Date.parse(c.state.StartedAt)) / 1000;
  ctx.events.publish('container', 'die', c.id, eventAttributes(c, { execDuration: String(Math.max(0, Math.round(ranFor)) || 0), exitCode: String(exitCode) }));
  svc.waiters.exited(c.id, exitCode);
}
