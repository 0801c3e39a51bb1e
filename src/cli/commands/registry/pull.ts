import { StatusError, type CliEnv, type Command } from '../../command.js';
import { registryAuthHeader } from '../../credentials.js';
import { UsageError } from '../../flags.js';
import { displayJsonMessages } from '../../progress-display.js';
import { formatReference, parseReference } from '../../../core/reference.js';

/** Split NAME[:TAG|@DIGEST] into the API's fromImage and tag (a digest travels in tag). */
export function splitImage(image: string): { fromImage: string; tag: string } {
  const at = image.lastIndexOf('@');
  if (at > 0) return { fromImage: image.slice(0, at), tag: image.slice(at + 1) };
  const colon = image.lastIndexOf(':');
  const slash = image.lastIndexOf('/');
  return colon > slash ? { fromImage: image.slice(0, colon), tag: image.slice(colon + 1) } : { fromImage: image, tag: 'latest' };
}

/** POST /images/create?fromImage=…, rendering progress on `out`. Returns the canonical reference. */
export async function pullThroughDaemon(env: CliEnv, image: string, opts: { platform?: string; out: NodeJS.WriteStream; quiet?: boolean; errorPrefix?: string; errorStatus?: number }): Promise<string> {
  const { fromImage, tag } = splitImage(image);
  const res = await env.client.stream('POST', '/images/create', { query: { fromImage, tag, platform: opts.platform }, headers: registryAuthHeader(image) });
  if (opts.quiet) {
    const sink = Object.assign(Object.create(opts.out) as NodeJS.WriteStream, { write: () => true, isTTY: false });
    await displayJsonMessages(res.body, sink, { errorPrefix: opts.errorPrefix, errorStatus: opts.errorStatus });
  } else {
    await displayJsonMessages(res.body, opts.out, { errorPrefix: opts.errorPrefix, errorStatus: opts.errorStatus });
  }
  try {
    const ref = parseReference(image);
    if (!ref.tag && !ref.digest) ref.tag = 'latest';
    return formatReference(ref);
  } catch {
    return image;
  }
}

const command: Command = {
  usage: '[OPTIONS] NAME[:TAG|@DIGEST]',
  description: 'Download an image from a registry',
  flags: [
    { name: 'all-tags', short: 'a', type: 'bool', description: 'Download all tagged images in the repository' },
    { name: 'disable-content-trust', type: 'bool', default: true, description: 'Skip image verification' },
    { name: 'platform', type: 'string', description: 'Set platform if server is multi-platform capable' },
    { name: 'quiet', short: 'q', type: 'bool', description: 'Suppress verbose output' },
  ],
  minArgs: 1,
  maxArgs: 1,
  async run(env, p) {
    const image = p.args[0]!;
    if (p.flags['all-tags']) throw new UsageError('--all-tags is not supported by berth yet: pull each tag by name');
    let parsed;
    try {
      parsed = parseReference(image);
    } catch (e) {
      throw new StatusError(`${(e as Error).message}`, 1);
    }
    if (!parsed.tag && !parsed.digest && !p.flags.quiet) env.stdout.write('Using default tag: latest\n');
    const ref = await pullThroughDaemon(env, image, { platform: p.flags.platform as string | undefined, out: env.stdout, quiet: Boolean(p.flags.quiet) });
    env.stdout.write(`${ref}\n`);
    return 0;
  },
};

export default command;
