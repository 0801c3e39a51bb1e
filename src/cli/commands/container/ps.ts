import type { Command } from '../../command.js';
import { formatList } from '../../format/table.js';
import { createdAgo, truncateCommand } from '../../format/human.js';
import { filtersQuery } from '../filters-flag.js';

interface ContainerSummary {
  Id: string;
  Names: string[];
  Image: string;
  Command: string;
  Created: number;
  State: string;
  Status: string;
  Labels: Record<string, string> | null;
  Ports: { IP?: string; PrivatePort: number; PublicPort?: number; Type: string }[];
  Mounts: { Name?: string; Source: string }[];
  NetworkSettings?: { Networks?: Record<string, unknown> };
  SizeRw?: number;
  SizeRootFs?: number;
}

const DEFAULT_TABLE = 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}';
const HEADERS: Record<string, string> = {
  ID: 'CONTAINER ID',
  Image: 'IMAGE',
  Command: 'COMMAND',
  CreatedAt: 'CREATED AT',
  RunningFor: 'CREATED',
  Ports: 'PORTS',
  Status: 'STATUS',
  Size: 'SIZE',
  Names: 'NAMES',
  Labels: 'LABELS',
  Mounts: 'MOUNTS',
  Networks: 'NETWORKS',
  State: 'STATE',
  LocalVolumes: 'LOCAL VOLUMES',
};

/** Docker's PORTS column: "0.0.0.0:8080->80/tcp, 443/tcp". */
function portsText(ports: ContainerSummary['Ports']): string {
  return ports
    .map((p) => (p.PublicPort ? `${p.IP ? `${p.IP.includes(':') ? `[${p.IP}]` : p.IP}:` : ''}${p.PublicPort}->${p.PrivatePort}/${p.Type}` : `${p.PrivatePort}/${p.Type}`))
    .join(', ');
}

/** The fields docker's container formatter offers to --format templates. */
export function containerRow(c: ContainerSummary, noTrunc: boolean, now: number): Record<string, unknown> {
  const labels = c.Labels ?? {};
  return {
    ID: noTrunc ? c.Id : c.Id.slice(0, 12),
    Image: c.Image,
    Command: truncateCommand(c.Command, !noTrunc),
    CreatedAt: goTime(new Date(c.Created * 1000)),
    RunningFor: createdAgo(new Date(c.Created * 1000), new Date(now)),
    Ports: portsText(c.Ports ?? []),
    State: c.State,
    Status: c.Status,
    Size: c.SizeRw !== undefined ? `${c.SizeRw}B` : '0B',
    Names: c.Names.map((n) => n.slice(1)).filter((n) => noTrunc || !n.includes('/')).join(','),
    Labels: Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(','),
    Label: (name: string) => labels[name] ?? '',
    Mounts: (c.Mounts ?? []).map((m) => m.Name ?? m.Source).join(','),
    Networks: Object.keys(c.NetworkSettings?.Networks ?? {}).join(','),
    LocalVolumes: String((c.Mounts ?? []).filter((m) => m.Name).length),
  };
}

/** Go's time.Time String(): "2006-01-02 15:04:05 -0700 MST" (UTC here). */
function goTime(d: Date): string {
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} +0000 UTC`;
}

const command: Command = {
  usage: '[OPTIONS]',
  description: 'List containers',
  flags: [
    { name: 'all', short: 'a', type: 'bool', description: 'Show all containers (default shows just running)' },
    { name: 'filter', short: 'f', type: 'list', value: 'filter', description: 'Filter output based on conditions provided' },
    { name: 'format', type: 'string', description: "Format output using a custom template: 'table', 'table TEMPLATE', 'json', 'TEMPLATE'" },
    { name: 'last', short: 'n', type: 'int', default: -1, description: 'Show n last created containers (includes all states)' },
    { name: 'latest', short: 'l', type: 'bool', description: 'Show the latest created container (includes all states)' },
    { name: 'no-trunc', type: 'bool', description: "Don't truncate output" },
    { name: 'quiet', short: 'q', type: 'bool', description: 'Only display container IDs' },
    { name: 'size', short: 's', type: 'bool', description: 'Display total file sizes' },
  ],
  maxArgs: 0,
  async run(env, p) {
    const last = p.flags.latest ? 1 : (p.flags.last as number);
    const rows = await env.client.json<ContainerSummary[]>('GET', '/containers/json', {
      query: { all: Boolean(p.flags.all) || last > 0, limit: last > 0 ? last : undefined, size: Boolean(p.flags.size), filters: filtersQuery(p.flags.filter as string[]) },
    });
    const noTrunc = Boolean(p.flags['no-trunc']);
    const now = Date.now();
    const data = rows.map((c) => containerRow(c, noTrunc, now));
    const format = p.flags.quiet ? '{{.ID}}' : (p.flags.format as string | undefined);
    env.stdout.write(formatList(format, data, { defaultTable: DEFAULT_TABLE, headers: HEADERS }));
    return 0;
  },
};

export default command;
