import type { ContainerService } from './container-service.js';
import { eventAttributes } from './event-attributes.js';
import { parseSignal } from './signals.js';
import { guards } from './state-guards.js';
import { thawAfterSignal } from './thaw-after-signal.js';

export interface StopOptions {
  /** Seconds to wait before SIGKILL; -1 waits forever. Default: StopTimeout or 10. */
  timeout?: number;
  signal?: string;
}

/**
 * `POST /containers/{id}/stop`: the stop signal, a grace period, then SIGKILL.
 * Returns false when the container was not running (the API's 304).
 */
export async function stopContainer(svc: ContainerService, ref: string, opts: StopOptions = {}): Promise<boolean> {
  const { ctx } = svc;
  const c = ctx.containers.get(ref);
  const wasRestarting = c.state.Restarting;
  await svc.restarts.cancel(c);
  if (guards.stop(c) === 'not-running') {
    if (!wasRestarting) return false;
    c.manuallyStopped = true;
    await ctx.containers.save(c);
    ctx.events.publish('container', 'stop', c.id, eventAttributes(c));
    return true;
  }
  c.manuallyStopped = true;
  const exited = svc.waiters.nextExit(c.id);
  const sig = parseSignal(opts.signal || c.config.StopSignal, 'SIGTERM');
  const timeout = opts.timeout ?? c.config.StopTimeout ?? 10;
  await ctx.runc.kill(c.id, String(sig)).catch(() => {});
  ctx.events.publish('container', 'kill', c.id, eventAttributes(c, { signal: String(sig) }));
  await thawAfterSignal(svc, c);
  if (timeout >= 0) {
    const timedOut = await Promise.race([exited.then(() => false), delay(timeout * 1000).then(() => true)]);
    if (timedOut && c.state.Running) {
      await ctx.runc.kill(c.id, 'KILL').catch(() => {});
      ctx.events.publish('container', 'kill', c.id, eventAttributes(c, { signal: '9' }));
    }
  }
  await exited;
  ctx.events.publish('container', 'stop', c.id, eventAttributes(c));
  return true;
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
