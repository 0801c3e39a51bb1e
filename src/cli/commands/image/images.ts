import type { Command } from '../../command.js';
import { createdAgo, humanSize } from '../../format/human.js';
import { formatList } from '../../format/table.js';
import { filtersQuery } from '../filters-flag.js';

interface ImageSummary {
  Id: string;
  RepoTags: string[] | null;
  RepoDigests: string[] | null;
  Created: number;
  Size: number;
  SharedSize: number;
  Containers: number;
  Labels: Record<string, string> | null;
}

const DEFAULT_TABLE = 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}';
const DIGESTS_TABLE = 'table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}';
const HEADERS: Record<string, string> = {
  Repository: 'REPOSITORY',
  Tag: 'TAG',
  ID: 'IMAGE ID',
  CreatedSince: 'CREATED',
  CreatedAt: 'CREATED AT',
  Size: 'SIZE',
  Digest: 'DIGEST',
  Containers: 'CONTAINERS',
  SharedSize: 'SHARED SIZE',
  UniqueSize: 'UNIQUE SIZE',
  VirtualSize: 'VIRTUAL SIZE',
};

/** One row per tag (or one `<none>` row), as docker images prints them. */
function rows(img: ImageSummary, noTrunc: boolean, now: Date): Record<string, unknown>[] {
  const tags = (img.RepoTags ?? []).filter((t) => t !== '<none>:<none>');
  const digests = (img.RepoDigests ?? []).filter((d) => d !== '<none>@<none>');
  const id = noTrunc ? img.Id : img.Id.replace(/^sha256:/, '').slice(0, 12);
  const created = new Date(img.Created * 1000);
  const base = {
    ID: id,
    CreatedSince: createdAgo(created, now),
    CreatedAt: `${created.toISOString().slice(0, 19).replace('T', ' ')} +0000 UTC`,
    Size: humanSize(img.Size),
    VirtualSize: humanSize(img.Size),
    SharedSize: img.SharedSize < 0 ? 'N/A' : humanSize(img.SharedSize),
    UniqueSize: img.SharedSize < 0 ? 'N/A' : humanSize(img.Size - img.SharedSize),
    Containers: img.Containers < 0 ? 'N/A' : String(img.Containers),
  };
  const digestOf = (repo: string) => digests.find((d) => d.startsWith(`${repo}@`))?.split('@')[1] ?? '<none>';
  if (tags.length === 0) {
    const repo = digests[0]?.split('@')[0] ?? '<none>';
    return [{ ...base, Repository: repo, Tag: '<none>', Digest: digestOf(repo) }];
  }
  return tags.map((t) => {
    const i = t.lastIndexOf(':');
    const repo = t.slice(0, i);
    return { ...base, Repository: repo, Tag: t.slice(i + 1), Digest: digestOf(repo) };
  });
}

const command: Command = {
  usage: '[OPTIONS] [REPOSITORY[:TAG]]',
  description: 'List images',
  flags: [
    { name: 'all', short: 'a', type: 'bool', description: 'Show all images (default hides intermediate images)' },
    { name: 'digests', type: 'bool', description: 'Show digests' },
    { name: 'filter', short: 'f', type: 'list', value: 'filter', description: 'Filter output based on conditions provided' },
    { name: 'format', type: 'string', description: "Format output using a custom template: 'table', 'table TEMPLATE', 'json', 'TEMPLATE'" },
    { name: 'no-trunc', type: 'bool', description: "Don't truncate output" },
    { name: 'quiet', short: 'q', type: 'bool', description: 'Only show image IDs' },
  ],
  maxArgs: 1,
  async run(env, p) {
    const filters = [...((p.flags.filter as string[]) ?? []), ...(p.args[0] ? [`reference=${p.args[0]}`] : [])];
    const images = await env.client.json<ImageSummary[]>('GET', '/images/json', { query: { all: Boolean(p.flags.all), filters: filtersQuery(filters), digests: Boolean(p.flags.digests) } });
    const now = new Date();
    const noTrunc = Boolean(p.flags['no-trunc']);
    let data = images.flatMap((img) => rows(img, noTrunc, now));
    if (p.flags.quiet) {
      const seen = new Set<string>();
      data = data.filter((r) => !seen.has(r.ID as string) && seen.add(r.ID as string));
    }
    const format = p.flags.quiet ? '{{.ID}}' : (p.flags.format as string | undefined);
    env.stdout.write(formatList(format, data, { defaultTable: p.flags.digests ? DIGESTS_TABLE : DEFAULT_TABLE, headers: HEADERS }));
    return 0;
  },
};

export default command;
