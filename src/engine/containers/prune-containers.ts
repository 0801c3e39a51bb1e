import { EngineError, invalidArgument } from '../../core/errors.js';
import { parseUntil } from '../networks/filter-networks.js';
import { diskUsage } from '../volumes/volume-service.js';
import type { ContainerService } from './container-service.js';
import { matchLabels, type Filters } from './filter-containers.js';

export interface PruneContainersResult {
  ContainersDeleted: string[] | null;
  SpaceReclaimed: number;
}

/**
 * `POST /containers/prune` (https://docs.docker.com/engine/api/v1.41/#operation/ContainerPrune):
 * remove every container that is not running, narrowed by `until`, `label` and `label!`.
 * A container that cannot be removed (someone else is removing it) is skipped, as dockerd does.
 */
export async function pruneContainers(svc: ContainerService, filters: Filters, now = Date.now()): Promise<PruneContainersResult> {
  for (const k of Object.keys(filters)) if (!['until', 'label', 'label!'].includes(k)) throw invalidArgument(`invalid filter '${k}'`);
  const until = filters.until?.[0] ? parseUntil(filters.until[0], now) : undefined;
  const deleted: string[] = [];
  let reclaimed = 0;
  for (const c of svc.list()) {
    if (c.state.Running || c.state.Paused || c.state.Restarting || c.removing) continue;
    if (until !== undefined && !(Date.parse(c.created) < until)) continue;
    if (filters.label && !matchLabels(c.config.Labels, filters.label)) continue;
    if (filters['label!'] && filters['label!'].some((l) => matchLabels(c.config.Labels, [l]))) continue;
    const size = await diskUsage(svc.ctx.snapshotter.upperDir(c.id));
    try {
      await svc.remove(c.id, { force: false });
    } catch (e) {
      if (!(e instanceof EngineError)) throw e;
      svc.ctx.log.warn('prune could not remove container', { container: c.id, error: e.message });
      continue;
    }
    deleted.push(c.id);
    reclaimed += size;
  }
  svc.ctx.events.publish('container', 'prune', '', { reclaimed: String(reclaimed) });
  return { ContainersDeleted: deleted.length ? deleted : null, SpaceReclaimed: reclaimed };
}
