import { parseReference } from '../../../core/reference.js';
import { StatusError, type Command } from '../../command.js';
import { registryAuthHeader } from '../../credentials.js';
import { displayJsonMessages } from '../../progress-display.js';

const command: Command = {
  usage: '[OPTIONS] NAME[:TAG]',
  description: 'Upload an image to a registry',
  flags: [
    { name: 'all-tags', short: 'a', type: 'bool', description: 'Push all tags of an image to the repository' },
    { name: 'disable-content-trust', type: 'bool', default: true, description: 'Skip image signing' },
    { name: 'quiet', short: 'q', type: 'bool', description: 'Suppress verbose output' },
  ],
  minArgs: 1,
  maxArgs: 1,
  async run(env, p) {
    const image = p.args[0]!;
    let ref;
    try {
      ref = parseReference(image);
    } catch (e) {
      throw new StatusError((e as Error).message, 1);
    }
    if (ref.digest) throw new StatusError('cannot push a digest reference', 1);
    if (p.flags['all-tags'] && ref.tag) throw new StatusError('tag can\'t be used with --all-tags/-a', 1);
    const tag = p.flags['all-tags'] ? '' : (ref.tag ?? 'latest');
    if (!p.flags['all-tags'] && !ref.tag) env.stdout.write('Using default tag: latest\n');
    const at = image.lastIndexOf(':');
    const name = ref.tag ? image.slice(0, at) : image;
    const res = await env.client.stream('POST', `/images/${encodeURIComponent(name)}/push`, { query: { tag }, headers: registryAuthHeader(image) });
    const out = p.flags.quiet ? Object.assign(Object.create(env.stdout) as NodeJS.WriteStream, { write: () => true, isTTY: false }) : env.stdout;
    await displayJsonMessages(res.body, out);
    if (p.flags.quiet) env.stdout.write(`${image}\n`);
    return 0;
  },
};

export default command;
