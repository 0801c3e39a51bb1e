import type { ContainerService } from './container-service.js';
import { eventAttributes } from './event-attributes.js';
import { startLocked } from './start-container.js';
import { stopContainer } from './stop-container.js';

/** `POST /containers/{id}/restart`: stop (if running) then start. */
export async function restartContainer(svc: ContainerService, ref: string, opts: { timeout?: number; signal?: string } = {}): Promise<void> {
  const { ctx } = svc;
  const c = ctx.containers.get(ref);
  await stopContainer(svc, c.id, opts);
  svc.restarts.reset(c);
  await ctx.containers.locks.run(c.id, async () => {
    if (!c.state.Running) await startLocked(svc, c);
  });
  ctx.events.publish('container', 'restart', c.id, eventAttributes(c));
}
