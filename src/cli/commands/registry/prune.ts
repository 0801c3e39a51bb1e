import { StatusError, type Command } from '../../command.js';
import { humanSize } from '../../format/human.js';
import { filtersQuery } from '../filters-flag.js';

async function confirm(stdin: NodeJS.ReadStream, stdout: NodeJS.WriteStream, text: string): Promise<boolean> {
  stdout.write(`${text}\nAre you sure you want to continue? [y/N] `);
  const line = await new Promise<string>((resolve) => {
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d.toString();
      if (buf.includes('\n')) done();
    };
    const done = () => {
      stdin.off('data', onData);
      stdin.off('end', done);
      stdin.pause();
      resolve(buf.split('\n')[0]!);
    };
    stdin.on('data', onData);
    stdin.on('end', done);
  });
  return /^y(es)?$/i.test(line.trim());
}

const command: Command = {
  usage: '[OPTIONS]',
  description: 'Remove unused images (images a tag can still roll back to are kept; see berth image rollback)',
  flags: [
    { name: 'all', short: 'a', type: 'bool', description: 'Remove all unused images, not just dangling ones' },
    { name: 'filter', type: 'list', value: 'filter', description: 'Provide filter values (e.g. "until=<timestamp>")' },
    { name: 'force', short: 'f', type: 'bool', description: 'Do not prompt for confirmation' },
  ],
  maxArgs: 0,
  async run(env, p) {
    const all = Boolean(p.flags.all);
    if (!p.flags.force) {
      const warn = all ? 'WARNING! This will remove all images without at least one container associated to them.' : 'WARNING! This will remove all dangling images.';
      if (!(await confirm(env.stdin, env.stdout, warn))) throw new StatusError('', 1);
    }
    const filters = [...((p.flags.filter as string[]) ?? []), ...(all ? ['dangling=false'] : [])];
    const r = await env.client.json<{ ImagesDeleted: ({ Untagged?: string; Deleted?: string })[] | null; SpaceReclaimed: number }>('POST', '/images/prune', {
      query: { filters: filtersQuery(filters) },
    });
    if (r.ImagesDeleted?.length) {
      env.stdout.write('Deleted Images:\n');
      for (const d of r.ImagesDeleted) env.stdout.write(d.Untagged ? `untagged: ${d.Untagged}\n` : `deleted: ${d.Deleted}\n`);
      env.stdout.write('\n');
    }
    env.stdout.write(`Total reclaimed space: ${humanSize(r.SpaceReclaimed)}\n`);
    return 0;
  },
};

export default command;
