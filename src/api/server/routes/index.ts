import { notImplemented, unavailable } from '../../../core/errors.js';
import type { RequestContext } from '../request-context.js';
import { Router } from '../router.js';
import { containerRoutes } from './container-routes.js';
import { imageRoutes } from './image-routes.js';
import { registryRoutes } from './registry-routes.js';
import { exportRoutes } from './export-routes.js';
import { systemRoutes } from './system-routes.js';

const SWARM_MESSAGE =
  'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.';

export function buildRoutes(): Router {
  const r = new Router();
  systemRoutes(r);
  containerRoutes(r);
  registryRoutes(r);
  exportRoutes(r);
  imageRoutes(r);
  // Swarm is out of scope: answer as a dockerd that is not part of a swarm.
  for (const area of ['swarm', 'nodes', 'services', 'tasks', 'secrets', 'configs']) {
    for (const m of ['GET', 'POST', 'DELETE']) {
      r.add(m, `/${area}`, swarm);
      r.add(m, `/${area}/{rest*}`, swarm);
    }
  }
  return r;
}

async function swarm(_ctx: RequestContext): Promise<void> {
  throw unavailable(SWARM_MESSAGE);
}

/** Endpoints that exist in Docker but not (yet) in berth answer 501 with a sentence saying so. */
export function notYet(what: string) {
  return async (_ctx: RequestContext): Promise<void> => {
    throw notImplemented(`${what} is not implemented by berth yet`);
  };
}
