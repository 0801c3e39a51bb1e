import { createReadStream, statSync } from 'node:fs';
import { jsonMessages } from '../../../api/client/api-client.js';
import { StatusError, type Command } from '../../command.js';

const command: Command = {
  usage: '[OPTIONS] file|URL|- [REPOSITORY[:TAG]]',
  description: 'Import the contents from a tarball to create a filesystem image',
  flags: [
    { name: 'change', short: 'c', type: 'list', value: 'list', description: 'Apply Dockerfile instruction to the created image' },
    { name: 'message', short: 'm', type: 'string', description: 'Set commit message for imported image' },
    { name: 'platform', type: 'string', description: 'Set platform if server is multi-platform capable' },
  ],
  minArgs: 1,
  maxArgs: 2,
  async run(env, p) {
    const [source, reference] = p.args as [string, string | undefined];
    const isUrl = /^https?:\/\//.test(source);
    let stream: NodeJS.ReadableStream | undefined;
    if (source === '-') stream = env.stdin;
    else if (!isUrl) {
      try {
        if (!statSync(source).isFile()) throw new StatusError(`open ${source}: is a directory`, 1);
      } catch (e) {
        if (e instanceof StatusError) throw e;
        throw new StatusError(`open ${source}: no such file or directory`, 1);
      }
      stream = createReadStream(source);
    }
    const res = await env.client.stream('POST', '/images/create', {
      query: { fromSrc: isUrl ? source : '-', repo: reference, message: p.flags.message as string | undefined, changes: p.flags.change as string[], platform: p.flags.platform as string | undefined },
      stream: stream as never,
    });
    for await (const m of jsonMessages(res.body)) {
      if (m.error) throw new StatusError(String(m.error), 1);
      if (typeof m.status === 'string' && m.status.startsWith('sha256:')) env.stdout.write(`${m.status}\n`);
    }
    return 0;
  },
};

export default command;
