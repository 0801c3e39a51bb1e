import type { Command } from '../../command.js';

const command: Command = {
  usage: 'SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]',
  description: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE',
  flags: [],
  minArgs: 2,
  maxArgs: 2,
  async run(env, p) {
    const [source, target] = p.args as [string, string];
    const at = target.lastIndexOf(':');
    const slash = target.lastIndexOf('/');
    const [repo, tag] = at > slash ? [target.slice(0, at), target.slice(at + 1)] : [target, 'latest'];
    await env.client.call('POST', `/images/${encodeURIComponent(source)}/tag`, { query: { repo, tag } });
    return 0;
  },
};

export default command;
