import { createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { StatusError, type Command } from '../../command.js';

const command: Command = {
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  description: 'Save one or more images to a tar archive (streamed to STDOUT by default)',
  flags: [
    { name: 'output', short: 'o', type: 'string', description: 'Write to a file, instead of STDOUT' },
    { name: 'format', type: 'string', default: 'docker', description: 'Archive format: docker (docker-archive) or oci (OCI image layout; berth extension)' },
  ],
  minArgs: 1,
  async run(env, p) {
    const output = p.flags.output as string | undefined;
    const format = String(p.flags.format ?? 'docker');
    if (format !== 'docker' && format !== 'oci') throw new StatusError(`invalid --format ${JSON.stringify(format)}: docker or oci`, 1);
    if (!output && env.stdout.isTTY) throw new StatusError('cowardly refusing to save to a terminal. Use the -o flag or redirect', 1);
    const res = await env.client.stream('GET', '/images/get', { query: { names: p.args, ...(format === 'oci' ? { format } : {}) } });
    if (!output) {
      await pipeline(res.body, env.stdout, { end: false }).catch((e: unknown) => {
        throw new StatusError(`error saving images: ${(e as Error).message}`, 1);
      });
      return 0;
    }
    // A failed save leaves no half-written archive behind.
    const tmp = join(dirname(output), `.${basename(output)}.${process.pid}.tmp`);
    try {
      await pipeline(res.body, createWriteStream(tmp));
      if (!res.body.complete) throw new Error('the daemon closed the stream early');
      await rename(tmp, output);
    } catch (e) {
      await unlink(tmp).catch(() => {});
      throw new StatusError(`error saving images: ${(e as Error).message}`, 1);
    }
    return 0;
  },
};

export default command;
