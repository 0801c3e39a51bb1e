import type { ContainerService } from './container-service.js';
import { eventAttributes } from './event-attributes.js';
import { guards } from './state-guards.js';

/** `POST /containers/{id}/pause`: freeze every process of the container (cgroup freezer, `runc pause`). */
export async function pauseContainer(svc: ContainerService, ref: string): Promise<void> {
  const { ctx } = svc;
  const c = ctx.containers.get(ref);
  await ctx.containers.locks.run(c.id, async () => {
    guards.pause(c);
    await ctx.runc.pause(c.id);
    c.state = { ...c.state, Paused: true, Status: 'paused' };
    await ctx.containers.save(c);
  });
  ctx.events.publish('container', 'pause', c.id, eventAttributes(c));
}
