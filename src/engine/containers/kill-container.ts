import type { ContainerService } from './container-service.js';
import { eventAttributes } from './event-attributes.js';
import { parseSignal } from './signals.js';
import { guards } from './state-guards.js';
import { thawAfterSignal } from './thaw-after-signal.js';

/** `POST /containers/{id}/kill`: deliver a signal (default SIGKILL) to the container's init. */
export async function killContainer(svc: ContainerService, ref: string, signal?: string): Promise<void> {
  const { ctx } = svc;
  const c = ctx.containers.get(ref);
  guards.kill(c);
  const sig = parseSignal(signal);
  if (sig === 9 || sig === 15) c.manuallyStopped = true;
  await ctx.runc.kill(c.id, String(sig));
  ctx.events.publish('container', 'kill', c.id, eventAttributes(c, { signal: String(sig) }));
  await thawAfterSignal(svc, c);
}
