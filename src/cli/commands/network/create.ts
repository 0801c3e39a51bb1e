import { UsageError } from '../../flags.js';
import type { Command } from '../../command.js';
import { keyValues } from '../confirm.js';

const command: Command = {
  usage: '[OPTIONS] NETWORK',
  description: 'Create a network',
  flags: [
    { name: 'attachable', type: 'bool', description: 'Enable manual container attachment' },
    { name: 'aux-address', type: 'list', value: 'map', description: 'Auxiliary IPv4 or IPv6 addresses used by Network driver' },
    { name: 'driver', short: 'd', type: 'string', default: 'bridge', description: 'Driver to manage the Network' },
    { name: 'gateway', type: 'list', value: 'strings', description: 'IPv4 or IPv6 Gateway for the master subnet' },
    { name: 'internal', type: 'bool', description: 'Restrict external access to the network' },
    { name: 'ip-range', type: 'list', value: 'strings', description: 'Allocate container ip from a sub-range' },
    { name: 'ipam-driver', type: 'string', default: 'default', description: 'IP Address Management Driver' },
    { name: 'ipam-opt', type: 'list', value: 'map', description: 'Set IPAM driver specific options' },
    { name: 'ipv6', type: 'bool', description: 'Enable IPv6 networking' },
    { name: 'label', type: 'list', value: 'list', description: 'Set metadata on a network' },
    { name: 'opt', short: 'o', type: 'list', value: 'map', description: 'Set driver specific options' },
    { name: 'subnet', type: 'list', value: 'strings', description: 'Subnet in CIDR format that represents a network segment' },
  ],
  minArgs: 1,
  maxArgs: 1,
  async run(env, p) {
    const list = (n: string) => (p.flags[n] as string[] | undefined) ?? [];
    const subnets = list('subnet');
    const gateways = list('gateway');
    const ranges = list('ip-range');
    if (!subnets.length && (gateways.length || ranges.length)) throw new UsageError('every ip-range or gateway must have a corresponding subnet');
    if (gateways.length > subnets.length) throw new UsageError('cannot configure multiple gateways for one subnet');
    if (ranges.length > subnets.length) throw new UsageError('cannot configure multiple ranges on the same subnet');
    const config = subnets.map((s, i) => ({
      Subnet: s,
      ...(ranges[i] ? { IPRange: ranges[i] } : {}),
      ...(gateways[i] ? { Gateway: gateways[i] } : {}),
      ...(i === 0 && list('aux-address').length ? { AuxiliaryAddresses: keyValues(list('aux-address')) } : {}),
    }));
    const r = await env.client.json<{ Id: string; Warning?: string }>('POST', '/networks/create', {
      body: {
        Name: p.args[0],
        CheckDuplicate: true,
        Driver: p.flags.driver,
        Internal: Boolean(p.flags.internal),
        Attachable: Boolean(p.flags.attachable),
        EnableIPv6: Boolean(p.flags.ipv6),
        IPAM: { Driver: p.flags['ipam-driver'], Config: config, Options: keyValues(list('ipam-opt')) },
        Options: keyValues(list('opt')),
        Labels: keyValues(list('label')),
      },
    });
    if (r.Warning) env.stderr.write(`WARNING: ${r.Warning}\n`);
    env.stdout.write(`${r.Id}\n`);
    return 0;
  },
};

export default command;
