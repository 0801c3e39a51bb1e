import type { Command } from '../../command.js';
import { createdAgo, humanSize, shortId, truncateCommand } from '../../format/human.js';
import { formatList, tabwrite } from '../../format/table.js';

interface DiskUsage {
  LayersSize?: number;
  Images?: { Id: string; RepoTags: string[]; Created: number; Size: number; SharedSize: number; Containers: number }[];
  Containers?: { Id: string; Names: string[]; Image: string; Command: string; Created: number; State: string; Status: string; SizeRw?: number; Mounts: { Name?: string }[] }[];
  Volumes?: { Name: string; UsageData?: { Size: number; RefCount: number } }[];
  BuildCache?: { ID: string; Type: string; Size: number; CreatedAt: string; LastUsedAt: string; UsageCount: number; InUse: boolean; Shared: boolean }[];
}

const DEFAULT_TABLE = 'table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}';
const HEADERS = { Type: 'TYPE', TotalCount: 'TOTAL', Active: 'ACTIVE', Size: 'SIZE', Reclaimable: 'RECLAIMABLE' };

/** docker's "1.2MB (40%)": the percentage only when there is a total to relate to. */
function withPercent(reclaimable: number, total: number): string {
  return total > 0 ? `${humanSize(reclaimable)} (${Math.trunc((reclaimable * 100) / total)}%)` : humanSize(reclaimable);
}

/** The summary rows, computed the way docker/cli's disk usage formatter does. */
function summary(du: DiskUsage): Record<string, string>[] {
  const images = du.Images ?? [];
  const total = du.LayersSize ?? 0;
  const used = images.filter((i) => i.Containers > 0 && i.SharedSize >= 0).reduce((a, i) => a + i.Size - i.SharedSize, 0);
  const containers = du.Containers ?? [];
  const cSize = containers.reduce((a, c) => a + (c.SizeRw ?? 0), 0);
  const cIdle = containers.filter((c) => !['running', 'paused', 'restarting'].includes(c.State)).reduce((a, c) => a + (c.SizeRw ?? 0), 0);
  const volumes = du.Volumes ?? [];
  const vSize = volumes.reduce((a, v) => a + Math.max(0, v.UsageData?.Size ?? 0), 0);
  const vIdle = volumes.filter((v) => !v.UsageData?.RefCount).reduce((a, v) => a + Math.max(0, v.UsageData?.Size ?? 0), 0);
  const cache = du.BuildCache ?? [];
  const bSize = cache.filter((b) => !b.Shared).reduce((a, b) => a + b.Size, 0);
  const bIdle = cache.filter((b) => !b.Shared && !b.InUse).reduce((a, b) => a + b.Size, 0);
  return [
    { Type: 'Images', TotalCount: String(images.length), Active: String(images.filter((i) => i.Containers > 0).length), Size: humanSize(total), Reclaimable: withPercent(total - used, total) },
    { Type: 'Containers', TotalCount: String(containers.length), Active: String(containers.filter((c) => c.State === 'running').length), Size: humanSize(cSize), Reclaimable: withPercent(cIdle, cSize) },
    { Type: 'Local Volumes', TotalCount: String(volumes.length), Active: String(volumes.filter((v) => (v.UsageData?.RefCount ?? 0) > 0).length), Size: humanSize(vSize), Reclaimable: withPercent(vIdle, vSize) },
    { Type: 'Build Cache', TotalCount: String(cache.length), Active: String(cache.filter((b) => b.InUse).length), Size: humanSize(bSize), Reclaimable: humanSize(bIdle) },
  ];
}

function verbose(du: DiskUsage, now: number): string {
  const table = (rows: string[][]) => tabwrite(rows.map((r) => r.join('\t')).join('\n') + '\n', 10, 1, 3);
  let out = 'Images space usage:\n\n';
  out += table([
    ['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE', 'SHARED SIZE', 'UNIQUE SIZE', 'CONTAINERS'],
    ...(du.Images ?? []).flatMap((i) => {
      const tags = i.RepoTags.length ? i.RepoTags : ['<none>:<none>'];
      return tags.map((t) => {
        const at = t.lastIndexOf(':');
        return [t.slice(0, at), t.slice(at + 1), shortId(i.Id), createdAgo(i.Created * 1000, now), humanSize(i.Size), humanSize(i.SharedSize), humanSize(i.Size - i.SharedSize), String(i.Containers)];
      });
    }),
  ]);
  out += '\nContainers space usage:\n\n';
  out += table([
    ['CONTAINER ID', 'IMAGE', 'COMMAND', 'LOCAL VOLUMES', 'SIZE', 'CREATED', 'STATUS', 'NAMES'],
    ...(du.Containers ?? []).map((c) => [shortId(c.Id), c.Image, truncateCommand(c.Command), String(c.Mounts.filter((m) => m.Name).length), humanSize(c.SizeRw ?? 0), createdAgo(c.Created * 1000, now), c.Status, c.Names.map((n) => n.slice(1)).join(',')]),
  ]);
  out += '\nLocal Volumes space usage:\n\n';
  out += table([['VOLUME NAME', 'LINKS', 'SIZE'], ...(du.Volumes ?? []).map((v) => [v.Name, String(v.UsageData?.RefCount ?? 0), humanSize(Math.max(0, v.UsageData?.Size ?? 0))])]);
  const cache = du.BuildCache ?? [];
  out += `\nBuild cache usage: ${humanSize(cache.reduce((a, b) => a + b.Size, 0))}\n\n`;
  out += table([
    ['CACHE ID', 'CACHE TYPE', 'SIZE', 'CREATED', 'LAST USED', 'USAGE', 'SHARED'],
    ...cache.map((b) => [b.ID, b.Type, humanSize(b.Size), createdAgo(b.CreatedAt, now), createdAgo(b.LastUsedAt, now), String(b.UsageCount), String(b.Shared)]),
  ]);
  return out;
}

const command: Command = {
  usage: '[OPTIONS]',
  description: 'Show docker disk usage',
  flags: [
    { name: 'format', type: 'string', description: "Format output using a custom template: 'table', 'table TEMPLATE', 'json', 'TEMPLATE'" },
    { name: 'verbose', short: 'v', type: 'bool', description: 'Show detailed information on space usage' },
  ],
  maxArgs: 0,
  async run(env, p) {
    const du = await env.client.json<DiskUsage>('GET', '/system/df');
    const format = p.flags.format as string | undefined;
    if (p.flags.verbose && !format) env.stdout.write(verbose(du, Date.now()));
    else env.stdout.write(formatList(format, summary(du), { defaultTable: DEFAULT_TABLE, headers: HEADERS }));
    return 0;
  },
};

export default command;
