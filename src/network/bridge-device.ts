/**
 * The host side of a bridge network: the Linux bridge with the gateway address (created here,
 * before any container, so the embedded DNS server can listen on the gateway), and the host's
 * view of which IPv4 subnets are taken.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { failedPrecondition } from '../core/errors.js';
import { which } from '../sys/which.js';
import { mustRun, runCommand } from './host-command.js';
import { parseSubnet, type Subnet } from './ipv4.js';

const ip = () => which('ip') ?? '/usr/sbin/ip';

export function linkExists(name: string): boolean {
  return existsSync(`/sys/class/net/${name}`);
}

/** Create (or complete) a bridge with `gatewayCidr` ("172.18.0.1/16") on it, up, routing 127/8 for published ports. */
export async function ensureBridge(name: string, gatewayCidr: string, mtu?: number): Promise<void> {
  if (!linkExists(name)) {
    const r = await runCommand(ip(), ['link', 'add', 'name', name, ...(mtu ? ['mtu', String(mtu)] : []), 'type', 'bridge']);
    if (r.code !== 0 && !linkExists(name)) throw failedPrecondition(`cannot create bridge ${name}: ${r.stderr.trim()}`);
  } else if (!existsSync(`/sys/class/net/${name}/bridge`)) {
    throw failedPrecondition(`cannot use ${name} as a bridge: an interface of another type has that name`);
  }
  const addrs = JSON.parse(await mustRun(ip(), ['-j', '-4', 'addr', 'show', 'dev', name])) as { addr_info?: { local: string; prefixlen: number }[] }[];
  const have = (addrs[0]?.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`);
  if (!have.includes(gatewayCidr)) await mustRun(ip(), ['addr', 'add', gatewayCidr, 'dev', name]);
  await mustRun(ip(), ['link', 'set', name, 'up']);
  // Published ports answer on 127.0.0.1: DNAT from loopback to the bridge needs route_localnet.
  await writeFile(`/proc/sys/net/ipv4/conf/${name}/route_localnet`, '1');
}

export async function deleteLink(name: string): Promise<void> {
  if (!linkExists(name)) return;
  const r = await runCommand(ip(), ['link', 'del', name]);
  if (r.code !== 0 && linkExists(name)) throw failedPrecondition(`cannot delete interface ${name}: ${r.stderr.trim()}`);
}

/** Every IPv4 subnet the host routes or holds an address in, with the device (for overlap checks). */
export async function hostSubnets(): Promise<{ subnet: Subnet; dev: string }[]> {
  const routes = JSON.parse(await mustRun(ip(), ['-j', '-4', 'route', 'show', 'table', 'all'])) as { dst: string; dev?: string; type?: string }[];
  const out: { subnet: Subnet; dev: string }[] = [];
  for (const r of routes) {
    if (r.dst === 'default' || (r.type && r.type !== 'unicast')) continue;
    try {
      out.push({ subnet: parseSubnet(r.dst.includes('/') ? r.dst : `${r.dst}/32`, { strict: false }), dev: r.dev ?? '' });
    } catch {
      /* not an IPv4 prefix */
    }
  }
  return out;
}

export async function enableForwarding(): Promise<void> {
  await writeFile('/proc/sys/net/ipv4/ip_forward', '1').catch(() => {});
}
