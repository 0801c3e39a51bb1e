import type { Command } from '../../command.js';
import { UsageError } from '../../flags.js';

const command: Command = {
  usage: '[OPTIONS] CONTAINER [REPOSITORY[:TAG]]',
  description: "Create a new image from a container's changes",
  flags: [
    { name: 'author', short: 'a', type: 'string', description: 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")' },
    { name: 'change', short: 'c', type: 'list', value: 'list', description: 'Apply Dockerfile instruction to the created image' },
    { name: 'message', short: 'm', type: 'string', description: 'Commit message' },
    { name: 'pause', short: 'p', type: 'bool', default: true, description: 'Pause container during commit' },
  ],
  minArgs: 1,
  maxArgs: 2,
  async run(env, p) {
    const [container, reference] = p.args as [string, string?];
    let repo: string | undefined;
    let tag: string | undefined;
    if (reference) {
      const at = reference.lastIndexOf(':');
      const slash = reference.lastIndexOf('/');
      if (reference.includes('@')) throw new UsageError(`invalid reference format: ${reference} (digests are not allowed)`);
      if (at > slash) {
        repo = reference.slice(0, at);
        tag = reference.slice(at + 1);
      } else repo = reference;
    }
    const r = await env.client.json<{ Id: string }>('POST', '/commit', {
      query: {
        container,
        repo,
        tag,
        comment: p.flags.message as string | undefined,
        author: p.flags.author as string | undefined,
        pause: p.flags.pause !== false,
        changes: (p.flags.change as string[] | undefined) ?? [],
      },
      body: {},
    });
    env.stdout.write(`${r.Id}\n`);
    return 0;
  },
};

export default command;
