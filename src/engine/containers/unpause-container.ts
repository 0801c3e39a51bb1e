import type { ContainerService } from './container-service.js';
import { eventAttributes } from './event-attributes.js';
import { guards } from './state-guards.js';

/** `POST /containers/{id}/unpause`: thaw a paused container (`runc resume`). */
export async function unpauseContainer(svc: ContainerService, ref: string): Promise<void> {
  const { ctx } = svc;
  const c = ctx.containers.get(ref);
  await ctx.containers.locks.run(c.id, async () => {
    guards.unpause(c);
    await ctx.runc.resume(c.id);
    c.state = { ...c.state, Paused: false, Status: 'running' };
    await ctx.containers.save(c);
  });
  ctx.events.publish('container', 'unpause', c.id, eventAttributes(c));
}
