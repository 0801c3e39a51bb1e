import { invalidArgument } from '../../core/errors.js';
import { netState } from '../networks/network-types.js';
import type { ContainerRecord } from './container-record.js';

export type Filters = Record<string, string[]>;

const ALLOWED = new Set(['id', 'name', 'label', 'status', 'ancestor', 'exited', 'before', 'since', 'health', 'volume', 'network', 'publish', 'expose', 'is-task']);
const STATUSES = new Set(['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead']);

/** Docker's label filter: `key` (present) or `key=value` (equal). */
export function matchLabels(labels: Record<string, string> | null | undefined, wanted: string[]): boolean {
  return wanted.every((w) => {
    const i = w.indexOf('=');
    if (i < 0) return labels?.[w] !== undefined;
    return labels?.[w.slice(0, i)] === w.slice(i + 1);
  });
}

/**
 * `GET /containers/json` filters (https://docs.docker.com/engine/api/v1.41/#operation/ContainerList).
 * Values of one filter are OR-ed; different filters are AND-ed; labels are AND-ed.
 */
export function filterContainers(
  all: ContainerRecord[],
  filters: Filters,
  opts: { all: boolean; resolveImage: (ref: string) => string | undefined; find: (ref: string) => ContainerRecord | undefined },
): ContainerRecord[] {
  for (const k of Object.keys(filters)) if (!ALLOWED.has(k)) throw invalidArgument(`invalid filter '${k}'`);
  for (const s of filters.status ?? []) {
    if (!STATUSES.has(s)) throw invalidArgument(`invalid filter 'status=${s}'`);
  }
  const before = filters.before?.[0] ? opts.find(filters.before[0]) : undefined;
  const since = filters.since?.[0] ? opts.find(filters.since[0]) : undefined;
  if (filters.before?.[0] && !before) throw invalidArgument(`No such container: ${filters.before[0]}`);
  if (filters.since?.[0] && !since) throw invalidArgument(`No such container: ${filters.since[0]}`);
  const ancestors = (filters.ancestor ?? []).map((a) => opts.resolveImage(a) ?? `unresolved:${a}`);
  const any = (vals: string[] | undefined, pred: (v: string) => boolean) => !vals || vals.length === 0 || vals.some(pred);
  const showAll = opts.all || Boolean(filters.status?.length || filters.exited?.length);
  return all.filter((c) => {
    // Docker counts a container waiting for its policy restart as running.
    if (!showAll && !c.state.Running && !c.state.Restarting) return false;
    if (!any(filters.id, (v) => c.id.startsWith(v))) return false;
    if (!any(filters.name, (v) => new RegExp(v).test(c.name.slice(1)) || new RegExp(v).test(c.name))) return false;
    if (filters.label && !matchLabels(c.config.Labels, filters.label)) return false;
    if (!any(filters.status, (v) => statusOf(c) === v)) return false;
    if (!any(filters.exited, (v) => !c.state.Running && c.state.StartedAt !== '0001-01-01T00:00:00Z' && String(c.state.ExitCode) === v)) return false;
    if (!any(filters.health, (v) => (c.state.Health?.Status ?? 'none') === v)) return false;
    if (ancestors.length && !ancestors.some((id) => id === c.image || c.config.Image === filters.ancestor![ancestors.indexOf(id)])) return false;
    if (before && !(c.created < before.created)) return false;
    if (since && !(c.created > since.created)) return false;
    if (!any(filters.network, (v) => Object.entries(netState(c).networks).some(([name, e]) => name === v || e.NetworkID.startsWith(v)))) return false;
    if (!any(filters.volume, (v) => c.mounts.some((m) => m.Name === v || m.Destination === v || m.Source === v))) return false;
    if (!any(filters.publish, (v) => portMatch(v, Object.entries(netState(c).ports).filter(([, b]) => b?.length).map(([k]) => k)))) return false;
    if (!any(filters.expose, (v) => portMatch(v, Object.keys(c.config.ExposedPorts ?? {})))) return false;
    return true;
  });
}

export function statusOf(c: ContainerRecord): string {
  if (c.removing) return 'removing';
  if (c.state.Paused) return 'paused';
  if (c.state.Restarting) return 'restarting';
  if (c.state.Running) return 'running';
  if (c.state.Dead) return 'dead';
  return c.state.StartedAt === '0001-01-01T00:00:00Z' && c.state.Status === 'created' ? 'created' : c.state.Status;
}

/** The publish/expose filters: "80", "80/udp" or a range "8000-8010/tcp" against "port/proto" keys. */
function portMatch(filter: string, keys: string[]): boolean {
  const m = /^(\d+)(?:-(\d+))?(?:\/(\w+))?$/.exec(filter);
  if (!m) throw invalidArgument(`invalid filter: ${filter}`);
  const lo = Number(m[1]);
  const hi = m[2] ? Number(m[2]) : lo;
  const proto = m[3] ?? 'tcp';
  return keys.some((k) => {
    const [p, pr = 'tcp'] = k.split('/');
    return pr === proto && Number(p) >= lo && Number(p) <= hi;
  });
}
