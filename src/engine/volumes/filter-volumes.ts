import { invalidArgument } from '../../core/errors.js';
import { matchLabels, type Filters } from '../containers/filter-containers.js';
import { ANONYMOUS_LABEL, type VolumeRecord } from './volume-service.js';

const ALLOWED = new Set(['dangling', 'driver', 'label', 'name']);

/** `GET /volumes` filters. */
export function filterVolumes(all: VolumeRecord[], filters: Filters, inUse: (v: VolumeRecord) => boolean): VolumeRecord[] {
  for (const k of Object.keys(filters)) if (!ALLOWED.has(k)) throw invalidArgument(`invalid filter '${k}'`);
  for (const d of filters.dangling ?? []) if (!/^(true|false|1|0)$/.test(d)) throw invalidArgument(`invalid filter 'dangling=${d}'`);
  const any = (vals: string[] | undefined, pred: (v: string) => boolean) => !vals || vals.length === 0 || vals.some(pred);
  return all.filter((v) => {
    if (!any(filters.name, (x) => v.Name.includes(x))) return false;
    if (!any(filters.driver, (x) => v.Driver === x)) return false;
    if (!any(filters.dangling, (x) => (x === 'true' || x === '1') === !inUse(v))) return false;
    if (filters.label && !matchLabels(v.Labels, filters.label)) return false;
    return true;
  });
}

/** `POST /volumes/prune` filters: label, label!, and all (named volumes too). */
export function volumePruneFilters(filters: Filters): { keep: (v: VolumeRecord) => boolean; all: boolean } {
  for (const k of Object.keys(filters)) if (!['label', 'label!', 'all'].includes(k)) throw invalidArgument(`invalid filter '${k}'`);
  const all = (filters.all ?? []).some((x) => x === 'true' || x === '1');
  for (const x of filters.all ?? []) if (!/^(true|false|1|0)$/.test(x)) throw invalidArgument(`invalid filter 'all=${x}'`);
  return {
    all,
    keep: (v) => {
      if (filters.label && !matchLabels(v.Labels, filters.label)) return true;
      if (filters['label!'] && filters['label!'].some((l) => matchLabels(v.Labels, [l]))) return true;
      return false;
    },
  };
}

export function isAnonymous(v: VolumeRecord): boolean {
  return v.Labels?.[ANONYMOUS_LABEL] !== undefined;
}
