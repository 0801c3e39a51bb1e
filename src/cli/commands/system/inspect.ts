import type { Command } from '../../command.js';
import { INSPECT_FLAGS, inspectObjects, type Kind } from '../inspect-objects.js';

const command: Command = {
  usage: '[OPTIONS] NAME|ID [NAME|ID...]',
  description: 'Return low-level information on berth objects',
  flags: [...INSPECT_FLAGS, { name: 'type', type: 'string', description: 'Return JSON for specified type' }],
  minArgs: 1,
  async run(env, p) {
    const type = p.flags.type as string | undefined;
    const all: Kind[] = ['container', 'image', 'network', 'volume'];
    const kinds: Kind[] = type && all.includes(type as Kind) ? [type as Kind] : all;
    return inspectObjects(env, p.args, kinds, fmt(p.flags.format));
  },
};

/** `--format json` means the plain JSON output. */
export function fmt(v: unknown): string | undefined {
  return v === undefined || v === '' || v === 'json' ? undefined : String(v);
}

export default command;
