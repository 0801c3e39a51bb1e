import type { Command } from '../../command.js';
import { waitForExit } from './container-io.js';
import { forEachTarget } from './for-each.js';

const command: Command = {
  usage: 'CONTAINER [CONTAINER...]',
  description: 'Block until one or more containers stop, then print their exit codes',
  flags: [],
  minArgs: 1,
  async run(env, p) {
    return forEachTarget(
      env,
      p.args,
      async (c) => {
        const code = await waitForExit(env.client, encodeURIComponent(c), 'not-running');
        env.stdout.write(`${code}\n`);
      },
      { echo: false },
    );
  },
};

export default command;
