import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerRecord } from './container-record.js';
import type { ContainerService } from './container-service.js';
import { eventAttributes } from './event-attributes.js';
import { unmountRootfs } from './rootfs.js';
import { guards } from './state-guards.js';

export interface RemoveOptions {
  force: boolean;
  /** Remove anonymous volumes too (`rm -v`); the volume layer hooks in here. */
  volumes?: boolean;
}

/** `DELETE /containers/{id}`: a running container needs force, which kills it first. */
export async function removeContainer(svc: ContainerService, ref: string, opts: RemoveOptions): Promise<void> {
  const { ctx } = svc;
  const c = ctx.containers.get(ref);
  guards.remove(c, opts.force);
  await svc.restarts.cancel(c);
  if (c.state.Running) {
    const exited = svc.waiters.nextExit(c.id);
    await ctx.runc.kill(c.id, 'KILL').catch(() => {});
    ctx.events.publish('container', 'kill', c.id, eventAttributes(c, { signal: '9' }));
    await exited;
  }
  await ctx.containers.locks.run(c.id, () => removeLocked(svc, c, opts));
}

/** With the container lock held. Also finishes a removal a crash interrupted. */
export async function removeLocked(svc: ContainerService, c: ContainerRecord, opts: RemoveOptions): Promise<void> {
  const { ctx } = svc;
  if (!ctx.containers.find(c.id)) return;
  c.removing = true;
  svc.health.stop(c.id);
  await ctx.containers.save(c);
  if (await ctx.runc.hasState(c.id)) await ctx.runc.delete(c.id, true).catch(() => {});
  await svc.extendStop(c);
  unmountRootfs(ctx, c.id);
  await svc.beforeRemove(c, opts);
  await svc.extendRemove(c, opts);
  await ctx.snapshotter.removeActive(c.id);
  await rm(join(ctx.paths.exitDir, c.id), { force: true });
  await rm(join(ctx.paths.socketDir, c.id), { recursive: true, force: true });
  await ctx.containers.delete(c);
  svc.restarts.forget(c.id);
  ctx.events.publish('container', 'destroy', c.id, eventAttributes(c));
  svc.waiters.wasRemoved(c.id, c.state.ExitCode);
}
