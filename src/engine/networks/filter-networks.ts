import { invalidArgument } from '../../core/errors.js';
import { matchLabels, type Filters } from '../containers/filter-containers.js';
import type { NetworkRecord } from './network-types.js';

const ALLOWED = new Set(['driver', 'id', 'label', 'name', 'scope', 'type', 'dangling']);

/** `GET /networks` filters: values of one filter are OR-ed, filters AND-ed, labels AND-ed. */
export function filterNetworks(all: NetworkRecord[], filters: Filters, inUse: (n: NetworkRecord) => boolean): NetworkRecord[] {
  for (const k of Object.keys(filters)) if (!ALLOWED.has(k)) throw invalidArgument(`invalid filter '${k}'`);
  for (const t of filters.type ?? []) if (t !== 'custom' && t !== 'builtin') throw invalidArgument(`invalid filter: 'type'='${t}'`);
  for (const d of filters.dangling ?? []) if (!/^(true|false|1|0)$/.test(d)) throw invalidArgument(`invalid filter 'dangling=${d}'`);
  const any = (vals: string[] | undefined, pred: (v: string) => boolean) => !vals || vals.length === 0 || vals.some(pred);
  return all.filter((n) => {
    if (!any(filters.driver, (v) => n.Driver === v)) return false;
    if (!any(filters.id, (v) => n.Id.startsWith(v))) return false;
    if (!any(filters.name, (v) => n.Name.includes(v))) return false;
    if (!any(filters.scope, (v) => v === 'local')) return false;
    if (!any(filters.type, (v) => (v === 'builtin') === Boolean(n.predefined))) return false;
    if (!any(filters.dangling, (v) => (v === 'true' || v === '1') === (!n.predefined && !inUse(n)))) return false;
    if (filters.label && !matchLabels(n.Labels, filters.label)) return false;
    return true;
  });
}

/** `POST /networks/prune` filters: until (a duration or a time) and label / label!. */
export function pruneKeep(filters: Filters, now = Date.now()): (n: NetworkRecord) => boolean {
  for (const k of Object.keys(filters)) if (!['until', 'label', 'label!'].includes(k)) throw invalidArgument(`invalid filter '${k}'`);
  const until = filters.until?.[0] ? parseUntil(filters.until[0], now) : undefined;
  return (n) => {
    if (until !== undefined && Date.parse(n.Created) >= until) return true;
    if (filters.label && !matchLabels(n.Labels, filters.label)) return true;
    if (filters['label!'] && filters['label!'].some((l) => matchLabels(n.Labels, [l]))) return true;
    return false;
  };
}

/** "24h", "10m30s", a unix timestamp or an RFC 3339 time → epoch milliseconds. */
export function parseUntil(v: string, now: number): number {
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const d = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(v);
  if (d && v) return now - ((Number(d[1] ?? 0) * 60 + Number(d[2] ?? 0)) * 60 + Number(d[3] ?? 0)) * 1000;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw invalidArgument(`invalid filter 'until=${v}'`);
  return t;
}
