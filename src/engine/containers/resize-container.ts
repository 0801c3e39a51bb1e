import { resizeConsole } from '../../runtime/conmon-driver.js';
import type { ContainerService } from './container-service.js';
import { guards } from './state-guards.js';

/**
 * `POST /containers/{id}/resize`: set the TTY size of a running container through its
 * conmon (the ctl fifo in the bundle dir). Without a TTY there is nothing to resize.
 */
export async function resizeContainer(svc: ContainerService, ref: string, height: number, width: number): Promise<void> {
  const c = svc.get(ref);
  guards.resize(c);
  if (!c.config.Tty) return;
  await resizeConsole(svc.ctx.containers.dir(c.id), height, width);
}
