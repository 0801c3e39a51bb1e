import { StdcopyDemuxer } from '../../../api/client/api-client.js';
import type { Command } from '../../command.js';
import { sinceValue } from '../time-flag.js';

const command: Command = {
  usage: '[OPTIONS] CONTAINER',
  description: 'Fetch the logs of a container',
  flags: [
    { name: 'details', type: 'bool', description: 'Show extra details provided to logs' },
    { name: 'follow', short: 'f', type: 'bool', description: 'Follow log output' },
    { name: 'since', type: 'string', description: 'Show logs since timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)' },
    { name: 'tail', short: 'n', type: 'string', default: 'all', description: 'Number of lines to show from the end of the logs' },
    { name: 'timestamps', short: 't', type: 'bool', description: 'Show timestamps' },
    { name: 'until', type: 'string', description: 'Show logs before a timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)' },
  ],
  minArgs: 1,
  maxArgs: 1,
  async run(env, p) {
    const id = encodeURIComponent(p.args[0]!);
    const info = await env.client.json<{ Config: { Tty: boolean } }>('GET', `/containers/${id}/json`);
    const res = await env.client.stream('GET', `/containers/${id}/logs`, {
      query: {
        stdout: true,
        stderr: true,
        follow: Boolean(p.flags.follow),
        timestamps: Boolean(p.flags.timestamps),
        tail: p.flags.tail as string,
        since: sinceValue(p.flags.since as string | undefined, '--since'),
        until: sinceValue(p.flags.until as string | undefined, '--until'),
      },
    });
    const demux = new StdcopyDemuxer((s, d) => (s === 2 ? env.stderr : env.stdout).write(d));
    for await (const chunk of res.body) {
      if (info.Config.Tty) env.stdout.write(chunk as Buffer);
      else demux.push(chunk as Buffer);
    }
    return 0;
  },
};

export default command;
