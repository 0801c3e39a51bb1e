import { notImplemented } from '../../../core/errors.js';
import type { RequestContext } from '../request-context.js';
import type { Router } from '../router.js';

/**
 * Every Docker Engine API endpoint (https://docs.docker.com/engine/api/v1.45/),
 * registered after the real routes: whatever berth does not serve yet answers
 * 501 with a sentence naming the endpoint, never a bare 404 or a hang. Swarm's endpoints are
 * answered 503 in routes/index.ts. docs/compatibility.md lists every entry (checked by
 * src/cli/compatibility.test.ts).
 */
export const DOCKER_ENDPOINTS: [string, string][] = [
  ['GET', '/_ping'], ['HEAD', '/_ping'], ['GET', '/version'], ['GET', '/info'], ['GET', '/events'],
  ['GET', '/containers/json'], ['POST', '/containers/create'], ['GET', '/containers/{id}/json'], ['GET', '/containers/{id}/top'],
  ['GET', '/containers/{id}/logs'], ['GET', '/containers/{id}/changes'], ['GET', '/containers/{id}/export'], ['GET', '/containers/{id}/stats'],
  ['POST', '/containers/{id}/resize'], ['POST', '/containers/{id}/start'], ['POST', '/containers/{id}/stop'], ['POST', '/containers/{id}/restart'],
  ['POST', '/containers/{id}/kill'], ['POST', '/containers/{id}/update'], ['POST', '/containers/{id}/rename'], ['POST', '/containers/{id}/pause'],
  ['POST', '/containers/{id}/unpause'], ['POST', '/containers/{id}/attach'], ['GET', '/containers/{id}/attach/ws'], ['POST', '/containers/{id}/wait'],
  ['DELETE', '/containers/{id}'], ['HEAD', '/containers/{id}/archive'], ['GET', '/containers/{id}/archive'], ['PUT', '/containers/{id}/archive'],
  ['POST', '/containers/prune'], ['POST', '/containers/{id}/exec'], ['POST', '/exec/{id}/start'], ['POST', '/exec/{id}/resize'], ['GET', '/exec/{id}/json'],
  ['GET', '/images/json'], ['POST', '/build'], ['POST', '/build/prune'], ['POST', '/images/create'], ['GET', '/images/search'], ['POST', '/images/prune'],
  ['POST', '/commit'], ['GET', '/images/get'], ['POST', '/images/load'], ['GET', '/images/{name*}/json'], ['GET', '/images/{name*}/history'],
  ['POST', '/images/{name*}/push'], ['POST', '/images/{name*}/tag'], ['GET', '/images/{name*}/get'], ['DELETE', '/images/{name*}'],
  ['GET', '/networks'], ['POST', '/networks/create'], ['POST', '/networks/prune'], ['GET', '/networks/{id}'], ['DELETE', '/networks/{id}'],
  ['POST', '/networks/{id}/connect'], ['POST', '/networks/{id}/disconnect'],
  ['GET', '/volumes'], ['POST', '/volumes/create'], ['POST', '/volumes/prune'], ['GET', '/volumes/{name}'], ['PUT', '/volumes/{name}'], ['DELETE', '/volumes/{name}'],
  ['POST', '/auth'], ['GET', '/system/df'], ['GET', '/distribution/{name*}/json'], ['POST', '/session'], ['POST', '/grpc'],
  ['GET', '/plugins'], ['GET', '/plugins/privileges'], ['POST', '/plugins/pull'], ['GET', '/plugins/{name*}/json'], ['DELETE', '/plugins/{name*}'],
  ['POST', '/plugins/{name*}/enable'], ['POST', '/plugins/{name*}/disable'], ['POST', '/plugins/{name*}/upgrade'], ['POST', '/plugins/create'],
  ['POST', '/plugins/{name*}/push'], ['POST', '/plugins/{name*}/set'],
];

export function notImplementedRoutes(r: Router): void {
  for (const [method, path] of DOCKER_ENDPOINTS) {
    r.add(method, path, async (_ctx: RequestContext) => {
      throw notImplemented(`${method} ${path.replace('{name*}', '{name}')} is not implemented by berth yet`);
    });
  }
}
