import { createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { StatusError, type Command } from '../../command.js';

const command: Command = {
  usage: '[OPTIONS] CONTAINER',
  description: "Export a container's filesystem as a tar archive",
  flags: [{ name: 'output', short: 'o', type: 'string', description: 'Write to a file, instead of STDOUT' }],
  minArgs: 1,
  maxArgs: 1,
  async run(env, p) {
    const output = p.flags.output as string | undefined;
    if (!output && env.stdout.isTTY) throw new StatusError('cowardly refusing to save to a terminal. Use the -o flag or redirect', 1);
    const res = await env.client.stream('GET', `/containers/${encodeURIComponent(p.args[0]!)}/export`);
    if (!output) {
      await pipeline(res.body, env.stdout, { end: false });
      return 0;
    }
    const tmp = join(dirname(output), `.${basename(output)}.${process.pid}.tmp`);
    try {
      await pipeline(res.body, createWriteStream(tmp));
      await rename(tmp, output);
    } catch (e) {
      await unlink(tmp).catch(() => {});
      throw new StatusError(`error exporting container: ${(e as Error).message}`, 1);
    }
    return 0;
  },
};

export default command;
