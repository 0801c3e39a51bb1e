import type { Command } from '../../command.js';
import { formatList } from '../../format/table.js';
import { filtersQuery } from '../filters-flag.js';

interface Volume {
  Name: string;
  Driver: string;
  Mountpoint: string;
  Labels: Record<string, string> | null;
  Scope: string;
  CreatedAt: string;
}

const DEFAULT_TABLE = 'table {{.Driver}}\t{{.Name}}';
const HEADERS: Record<string, string> = {
  Name: 'VOLUME NAME',
  Driver: 'DRIVER',
  Scope: 'SCOPE',
  Mountpoint: 'MOUNTPOINT',
  Labels: 'LABELS',
  Links: 'LINKS',
  Size: 'SIZE',
  CreatedAt: 'CREATED AT',
};

const command: Command = {
  usage: '[OPTIONS]',
  description: 'List volumes',
  flags: [
    { name: 'filter', short: 'f', type: 'list', value: 'filter', description: "Provide filter values (e.g. 'dangling=true')" },
    { name: 'format', type: 'string', description: "Format output using a custom template: 'table', 'table TEMPLATE', 'json', 'TEMPLATE'" },
    { name: 'quiet', short: 'q', type: 'bool', description: 'Only display volume names' },
  ],
  maxArgs: 0,
  async run(env, p) {
    const r = await env.client.json<{ Volumes: Volume[] | null }>('GET', '/volumes', { query: { filters: filtersQuery(p.flags.filter as string[]) } });
    const data = (r.Volumes ?? [])
      .sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0))
      .map((v) => {
        const labels = v.Labels ?? {};
        return {
          Name: v.Name,
          Driver: v.Driver,
          Scope: v.Scope,
          Mountpoint: v.Mountpoint,
          Labels: Object.entries(labels).map(([k, x]) => `${k}=${x}`).join(','),
          Label: (name: string) => labels[name] ?? '',
          Links: 'N/A',
          Size: 'N/A',
          CreatedAt: v.CreatedAt,
        };
      });
    const format = p.flags.quiet ? '{{.Name}}' : (p.flags.format as string | undefined);
    env.stdout.write(formatList(format, data, { defaultTable: DEFAULT_TABLE, headers: HEADERS }));
    return 0;
  },
};

export default command;
