import type { Command } from '../../command.js';

const KINDS = ['C', 'A', 'D'];

const command: Command = {
  usage: 'CONTAINER',
  description: "Inspect changes to files or directories on a container's filesystem",
  flags: [],
  minArgs: 1,
  maxArgs: 1,
  async run(env, p) {
    const list = await env.client.json<{ Path: string; Kind: number }[] | null>('GET', `/containers/${encodeURIComponent(p.args[0]!)}/changes`);
    env.stdout.write((list ?? []).map((c) => `${KINDS[c.Kind] ?? '?'} ${c.Path}\n`).join(''));
    return 0;
  },
};

export default command;
