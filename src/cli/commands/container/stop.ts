import type { Command } from '../../command.js';
import { forEachTarget } from './for-each.js';

const command: Command = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Stop one or more running containers',
  flags: [
    { name: 'signal', short: 's', type: 'string', description: 'Signal to send to the container' },
    { name: 'time', short: 't', type: 'int', description: 'Seconds to wait before killing the container' },
    { name: 'timeout', type: 'int', hidden: true, description: 'Seconds to wait before killing the container' },
  ],
  minArgs: 1,
  async run(env, p) {
    const t = p.flags.time ?? p.flags.timeout;
    return forEachTarget(env, p.args, (c) =>
      env.client.call('POST', `/containers/${encodeURIComponent(c)}/stop`, { query: { t: t as number | undefined, signal: p.flags.signal as string | undefined } }).then(() => {}),
    );
  },
};

export default command;
