import { createReadStream, statSync } from 'node:fs';
import { StatusError, type Command } from '../../command.js';
import { displayJsonMessages } from '../../progress-display.js';

const command: Command = {
  usage: '[OPTIONS]',
  description: 'Load an image from a tar archive or STDIN',
  flags: [
    { name: 'input', short: 'i', type: 'string', description: 'Read from tar archive file, instead of STDIN' },
    { name: 'quiet', short: 'q', type: 'bool', description: 'Suppress the load output' },
  ],
  maxArgs: 0,
  async run(env, p) {
    const input = p.flags.input as string | undefined;
    let stream: NodeJS.ReadableStream = env.stdin;
    if (input) {
      try {
        if (!statSync(input).isFile()) throw new Error('not a file');
      } catch {
        throw new StatusError(`open ${input}: no such file or directory`, 1);
      }
      stream = createReadStream(input);
    } else if (env.stdin.isTTY) {
      throw new StatusError('requested load from stdin, but stdin is empty', 1);
    }
    const res = await env.client.stream('POST', '/images/load', { query: { quiet: Boolean(p.flags.quiet) }, stream: stream as never });
    await displayJsonMessages(res.body, env.stdout);
    return 0;
  },
};

export default command;
