import { unavailable } from '../../../core/errors.js';
import type { RequestContext } from '../request-context.js';
import { Router } from '../router.js';
import { buildRoutes as buildApiRoutes } from './build-routes.js';
import { containerRoutes } from './container-routes.js';
import { execRoutes } from './exec-routes.js';
import { imageRoutes } from './image-routes.js';
import { lifecycleRoutes } from './lifecycle-routes.js';
import { notImplementedRoutes } from './not-implemented-routes.js';
import { networkRoutes } from './network-routes.js';
import { volumeRoutes } from './volume-routes.js';
import { archiveRoutes } from './archive-routes.js';
import { registryRoutes } from './registry-routes.js';
import { exportRoutes } from './export-routes.js';
import { systemRoutes } from './system-routes.js';
import { housekeepingRoutes } from './housekeeping-routes.js';

const SWARM_MESSAGE =
  'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.';

export function buildRoutes(): Router {
  const r = new Router();
  systemRoutes(r);
  containerRoutes(r);
  lifecycleRoutes(r);
  execRoutes(r);
  registryRoutes(r);
  exportRoutes(r);
  imageRoutes(r);
  buildApiRoutes(r);
  networkRoutes(r);
  volumeRoutes(r);
  archiveRoutes(r);
  housekeepingRoutes(r);
  // Swarm is out of scope: answer as a dockerd that is not part of a swarm.
  for (const area of ['swarm', 'nodes', 'services', 'tasks', 'secrets', 'configs']) {
    for (const m of ['GET', 'POST', 'DELETE']) {
      r.add(m, `/${area}`, swarm);
      r.add(m, `/${area}/{rest*}`, swarm);
    }
  }
  // Last: Docker endpoints without a berth implementation answer 501.
  notImplementedRoutes(r);
  return r;
}

async function swarm(_ctx: RequestContext): Promise<void> {
  throw unavailable(SWARM_MESSAGE);
}
