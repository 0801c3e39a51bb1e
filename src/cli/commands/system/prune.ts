import type { Command } from '../../command.js';
import { humanSize } from '../../format/human.js';
import { confirm } from '../confirm.js';
import { filtersQuery } from '../filters-flag.js';

type Deleted = { Untagged?: string; Deleted?: string };

/** docker's system prune: containers, networks, (volumes,) images and build cache, in that order. */
const command: Command = {
  usage: '[OPTIONS]',
  description: 'Remove unused data',
  flags: [
    { name: 'all', short: 'a', type: 'bool', description: 'Remove all unused images not just dangling ones' },
    { name: 'filter', type: 'list', value: 'filter', description: 'Provide filter values (e.g. "label=<key>=<value>")' },
    { name: 'force', short: 'f', type: 'bool', description: 'Do not prompt for confirmation' },
    { name: 'volumes', type: 'bool', description: 'Prune anonymous volumes' },
  ],
  maxArgs: 0,
  async run(env, p) {
    const all = Boolean(p.flags.all);
    const volumes = Boolean(p.flags.volumes);
    const filter = (p.flags.filter as string[] | undefined) ?? [];
    const warning = [
      'WARNING! This will remove:',
      '  - all stopped containers',
      '  - all networks not used by at least one container',
      ...(volumes ? ['  - all anonymous volumes not used by at least one container'] : []),
      all ? '  - all images without at least one container associated to them' : '  - all dangling images',
      all ? '  - all build cache' : '  - unused build cache',
      '',
    ].join('\n');
    if (!p.flags.force && !(await confirm(env, warning))) return 0;
    const { client } = env;
    const filters = filtersQuery(filter);
    let reclaimed = 0;
    let out = '';
    const section = (title: string, lines: string[]) => {
      if (lines.length) out += `${title}:\n${lines.map((l) => `${l}\n`).join('')}\n`;
    };
    const c = await client.json<{ ContainersDeleted: string[] | null; SpaceReclaimed: number }>('POST', '/containers/prune', { query: { filters } });
    section('Deleted Containers', c.ContainersDeleted ?? []);
    reclaimed += c.SpaceReclaimed ?? 0;
    const n = await client.json<{ NetworksDeleted: string[] | null }>('POST', '/networks/prune', { query: { filters } });
    section('Deleted Networks', n.NetworksDeleted ?? []);
    if (volumes) {
      // until is not a volume filter; docker drops it here too.
      const vf = filtersQuery(filter.filter((f) => !f.startsWith('until=')));
      const v = await client.json<{ VolumesDeleted: string[] | null; SpaceReclaimed: number }>('POST', '/volumes/prune', { query: { filters: vf } });
      section('Deleted Volumes', v.VolumesDeleted ?? []);
      reclaimed += v.SpaceReclaimed ?? 0;
    }
    const imageFilters = filtersQuery([...filter, ...(all ? ['dangling=false'] : ['dangling=true'])]);
    const i = await client.json<{ ImagesDeleted: Deleted[] | null; SpaceReclaimed: number }>('POST', '/images/prune', { query: { filters: imageFilters } });
    section('Deleted Images', (i.ImagesDeleted ?? []).map((d) => (d.Untagged ? `untagged: ${d.Untagged}` : `deleted: ${d.Deleted}`)));
    reclaimed += i.SpaceReclaimed ?? 0;
    const cacheFilters = filtersQuery(filter.filter((f) => f.startsWith('until=')));
    const b = await client.json<{ CachesDeleted: string[] | null; SpaceReclaimed: number }>('POST', '/build/prune', { query: { all, filters: cacheFilters } });
    section('Deleted build cache objects', b.CachesDeleted ?? []);
    reclaimed += b.SpaceReclaimed ?? 0;
    out += `Total reclaimed space: ${humanSize(reclaimed)}\n`;
    env.stdout.write(out);
    return 0;
  },
};

export default command;
