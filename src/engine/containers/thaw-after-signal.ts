import type { ContainerRecord } from './container-record.js';
import type { ContainerService } from './container-service.js';
import { eventAttributes } from './event-attributes.js';

/**
 * A signal sent to a paused container waits in the frozen processes. Like dockerd, thaw the
 * container right after signalling it so the signal is delivered (and `stop` of a paused
 * container ends with the stop signal, not the SIGKILL after the grace period).
 */
export async function thawAfterSignal(svc: ContainerService, c: ContainerRecord): Promise<void> {
  if (!c.state.Paused || !c.state.Running) return;
  const { ctx } = svc;
  await ctx.runc.resume(c.id).catch((e: unknown) => ctx.log.warn('unpausing a signalled container failed', { id: c.id, error: String(e) }));
  c.state = { ...c.state, Paused: false, Status: 'running' };
  await ctx.containers.save(c);
  ctx.events.publish('container', 'unpause', c.id, eventAttributes(c));
}
