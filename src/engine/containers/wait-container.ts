import { invalidArgument } from '../../core/errors.js';
import type { ContainerService } from './container-service.js';
import type { WaitCondition, WaitResult } from './exit-waiters.js';

/**
 * `POST /containers/{id}/wait`. Returns a promise for the registration (the
 * container exists and the condition is valid) whose value is the promise of
 * the result, so the API can send headers at once and the body on exit.
 */
export function waitContainer(svc: ContainerService, ref: string, condition: string = 'not-running', signal?: AbortSignal): Promise<WaitResult> {
  const cond = (condition || 'not-running') as WaitCondition;
  if (!['not-running', 'next-exit', 'removed'].includes(cond)) throw invalidArgument(`invalid condition: "${condition}"`);
  const c = svc.ctx.containers.get(ref);
  if (cond === 'removed') return svc.waiters.removed(c.id, signal);
  if (cond === 'not-running' && !c.state.Running) return Promise.resolve({ StatusCode: c.state.ExitCode, Error: null });
  return svc.waiters.nextExit(c.id, signal);
}
