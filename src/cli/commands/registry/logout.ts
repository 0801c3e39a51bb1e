import type { Command } from '../../command.js';
import { removeCredentials, serverKey } from '../../credentials.js';

const command: Command = {
  usage: '[SERVER]',
  description: 'Log out from a registry',
  flags: [],
  maxArgs: 1,
  async run(env, p) {
    const key = serverKey(p.args[0]);
    if (!removeCredentials(key)) {
      env.stdout.write(`Not logged in to ${key}\n`);
      return 0;
    }
    env.stdout.write(`Removing login credentials for ${key}\n`);
    return 0;
  },
};

export default command;
