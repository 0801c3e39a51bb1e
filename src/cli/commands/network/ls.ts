import type { Command } from '../../command.js';
import { formatList } from '../../format/table.js';
import { filtersQuery } from '../filters-flag.js';

interface NetworkSummary {
  Name: string;
  Id: string;
  Created: string;
  Driver: string;
  Scope: string;
  EnableIPv6: boolean;
  Internal: boolean;
  Labels: Record<string, string> | null;
}

const DEFAULT_TABLE = 'table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}';
const HEADERS: Record<string, string> = {
  ID: 'NETWORK ID',
  Name: 'NAME',
  Driver: 'DRIVER',
  Scope: 'SCOPE',
  IPv6: 'IPV6',
  Internal: 'INTERNAL',
  Labels: 'LABELS',
  CreatedAt: 'CREATED AT',
};

const command: Command = {
  usage: '[OPTIONS]',
  description: 'List networks',
  flags: [
    { name: 'filter', short: 'f', type: 'list', value: 'filter', description: "Provide filter values (e.g. 'driver=bridge')" },
    { name: 'format', type: 'string', description: "Format output using a custom template: 'table', 'table TEMPLATE', 'json', 'TEMPLATE'" },
    { name: 'no-trunc', type: 'bool', description: 'Do not truncate the output' },
    { name: 'quiet', short: 'q', type: 'bool', description: 'Only display network IDs' },
  ],
  maxArgs: 0,
  async run(env, p) {
    const nets = await env.client.json<NetworkSummary[]>('GET', '/networks', { query: { filters: filtersQuery(p.flags.filter as string[]) } });
    const noTrunc = Boolean(p.flags['no-trunc']);
    const data = nets
      .sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0))
      .map((n) => {
        const labels = n.Labels ?? {};
        return {
          ID: noTrunc ? n.Id : n.Id.slice(0, 12),
          Name: n.Name,
          Driver: n.Driver,
          Scope: n.Scope,
          IPv6: String(n.EnableIPv6),
          Internal: String(n.Internal),
          Labels: Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(','),
          Label: (name: string) => labels[name] ?? '',
          CreatedAt: `${n.Created.slice(0, 19).replace('T', ' ')} +0000 UTC`,
        };
      });
    const format = p.flags.quiet ? '{{.ID}}' : (p.flags.format as string | undefined);
    env.stdout.write(formatList(format, data, { defaultTable: DEFAULT_TABLE, headers: HEADERS }));
    return 0;
  },
};

export default command;
