import type { Command } from '../../command.js';
import { createdAgo, humanSize, ellipsis } from '../../format/human.js';
import { formatList } from '../../format/table.js';

interface HistoryRow {
  Id: string;
  Created: number;
  CreatedBy: string;
  Tags: string[] | null;
  Size: number;
  Comment: string;
}

interface TagVersions {
  Name: string;
  Versions: { Version: number; Id: string; Since: string; RepoDigest: string; Present: boolean }[];
}

const command: Command = {
  usage: '[OPTIONS] IMAGE',
  description: 'Show the history of an image (with --tags: the images a tag has pointed to)',
  flags: [
    { name: 'format', type: 'string', description: 'Format output using a custom template' },
    { name: 'human', short: 'H', type: 'bool', default: true, description: 'Print sizes and dates in human readable format' },
    { name: 'no-trunc', type: 'bool', description: "Don't truncate output" },
    { name: 'quiet', short: 'q', type: 'bool', description: 'Only show image IDs' },
    { name: 'tags', type: 'bool', description: 'List the versions the tag NAME[:TAG] has pointed to, newest first (berth extension)' },
  ],
  minArgs: 1,
  maxArgs: 1,
  async run(env, p) {
    const name = p.args[0]!;
    const noTrunc = Boolean(p.flags['no-trunc']);
    const now = new Date();
    if (p.flags.tags) {
      const h = await env.client.json<TagVersions>('GET', `/images/${encodeURIComponent(name)}/taghistory`);
      const rows = h.Versions.map((v) => ({
        Version: v.Version === 0 ? 'current' : String(v.Version),
        ID: v.Present ? (noTrunc ? v.Id : v.Id.slice(7, 19)) : `${noTrunc ? v.Id : v.Id.slice(7, 19)} (deleted)`,
        Since: p.flags.human === false ? v.Since : createdAgo(new Date(v.Since), now),
        CreatedAt: v.Since,
        Digest: v.RepoDigest || '<none>',
      }));
      const format = p.flags.quiet ? '{{.ID}}' : (p.flags.format as string | undefined);
      env.stdout.write(formatList(format, rows, {
        defaultTable: 'table {{.Version}}\t{{.ID}}\t{{.Since}}\t{{.Digest}}',
        headers: { Version: 'VERSION', ID: 'IMAGE ID', Since: 'TAGGED', CreatedAt: 'TAGGED AT', Digest: 'DIGEST' },
      }));
      return 0;
    }
    const hist = await env.client.json<HistoryRow[]>('GET', `/images/${encodeURIComponent(name)}/history`);
    const rows = hist.map((h) => {
      const created = new Date(h.Created * 1000);
      const by = h.CreatedBy.replace(/\t/g, ' ');
      return {
        ID: h.Id === '<missing>' ? h.Id : noTrunc ? h.Id : h.Id.replace(/^sha256:/, '').slice(0, 12),
        CreatedSince: p.flags.human === false ? created.toISOString() : createdAgo(created, now),
        CreatedAt: created.toISOString(),
        CreatedBy: noTrunc ? by : ellipsis(by, 45),
        Size: p.flags.human === false ? String(h.Size) : humanSize(h.Size),
        Comment: h.Comment,
      };
    });
    const format = p.flags.quiet ? '{{.ID}}' : (p.flags.format as string | undefined);
    env.stdout.write(formatList(format, rows, {
      defaultTable: 'table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}',
      headers: { ID: 'IMAGE', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', CreatedBy: 'CREATED BY', Size: 'SIZE', Comment: 'COMMENT' },
    }));
    return 0;
  },
};

export default command;
