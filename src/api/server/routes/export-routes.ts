import { exportContainer } from '../../../engine/containers/export-container.js';
import type { RequestContext } from '../request-context.js';
import type { Router } from '../router.js';

/** `GET /containers/{id}/export`: the container's filesystem as a tar. */
async function exportFs(ctx: RequestContext): Promise<void> {
  ctx.engine.containers.get(ctx.params.id!);
  ctx.res.writeHead(200, { 'Content-Type': 'application/x-tar' });
  try {
    await exportContainer(ctx.engine.ctx, ctx.params.id!, ctx.res, ctx.signal);
  } catch (e) {
    ctx.res.destroy(e as Error);
  }
}

export function exportRoutes(r: Router): void {
  r.add('GET', '/containers/{id}/export', exportFs);
}
