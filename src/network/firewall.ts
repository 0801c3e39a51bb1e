/**
 * berth's iptables rules, all in chains of its own whose names carry the daemon's tag (so
 * daemons with different data roots never touch each other's rules):
 *
 *   filter BERTH-<tag>       (from FORWARD)      isolation between networks, --internal, icc,
 *                                                and ACCEPTs for hosts whose FORWARD policy is DROP
 *   nat    BERTH-<tag>       (from PREROUTING and OUTPUT, local destinations)   published ports (DNAT)
 *   nat    BERTH-<tag>-POST  (from POSTROUTING)  outgoing NAT, and the SNAT that lets
 *                                                127.0.0.1 and hairpin traffic reach published ports
 *
 * The chains are rendered whole from the desired state and swapped in with one
 * `iptables-restore --noflush`, so a crash can never leave half a change, and whatever an
 * earlier run left behind disappears at the next apply.
 */
import { which } from '../sys/which.js';
import { mustRun, runCommand } from './host-command.js';

export interface FirewallNetwork {
  bridge: string;
  subnet: string;
  internal: boolean;
  masquerade: boolean;
  /** Inter-container communication on this network (com.docker.network.bridge.enable_icc). */
  icc: boolean;
  /** The embedded DNS server listens on gateway:port instead of :53 (something else had :53). */
  dns?: { gateway: string; port: number };
}

export interface PortForward {
  proto: 'tcp' | 'udp' | 'sctp';
  /** "" or "0.0.0.0" for every local address. */
  hostIp: string;
  hostPort: number;
  containerIp: string;
  containerPort: number;
}

export function chainNames(tag: string): { filter: string; dnat: string; post: string } {
  return { filter: `BERTH-${tag}`, dnat: `BERTH-${tag}`, post: `BERTH-${tag}-POST` };
}

/** The iptables-restore input that replaces the contents of berth's chains. */
export function renderRules(tag: string, networks: FirewallNetwork[], forwards: PortForward[]): string {
  const c = chainNames(tag);
  const f: string[] = ['*filter', `:${c.filter} - [0:0]`];
  for (const n of networks.filter((x) => x.internal)) {
    f.push(`-A ${c.filter} -i ${n.bridge} ! -o ${n.bridge} -j DROP`);
    f.push(`-A ${c.filter} -o ${n.bridge} ! -i ${n.bridge} -j DROP`);
  }
  // Replies, and connections to published ports, from anywhere.
  for (const n of networks) {
    f.push(`-A ${c.filter} -o ${n.bridge} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`);
    f.push(`-A ${c.filter} -o ${n.bridge} -m conntrack --ctstate DNAT -j ACCEPT`);
  }
  // Networks are isolated from each other, as Docker's bridge driver does.
  for (const a of networks) {
    for (const b of networks) if (a !== b) f.push(`-A ${c.filter} -i ${a.bridge} -o ${b.bridge} -j DROP`);
  }
  for (const n of networks) {
    if (!n.icc) f.push(`-A ${c.filter} -i ${n.bridge} -o ${n.bridge} -j DROP`);
    f.push(`-A ${c.filter} -i ${n.bridge} -j ACCEPT`);
  }
  f.push('COMMIT');
  const n: string[] = ['*nat', `:${c.dnat} - [0:0]`, `:${c.post} - [0:0]`];
  for (const net of networks) {
    if (!net.dns || net.dns.port === 53) continue;
    for (const proto of ['udp', 'tcp']) {
      n.push(`-A ${c.dnat} -i ${net.bridge} -d ${net.dns.gateway}/32 -p ${proto} -m ${proto} --dport 53 -j DNAT --to-destination ${net.dns.gateway}:${net.dns.port}`);
    }
  }
  for (const p of forwards) {
    const dst = p.hostIp && p.hostIp !== '0.0.0.0' ? ` -d ${p.hostIp}/32` : '';
    n.push(`-A ${c.dnat}${dst} -p ${p.proto} -m ${p.proto} --dport ${p.hostPort} -j DNAT --to-destination ${p.containerIp}:${p.containerPort}`);
  }
  for (const net of networks) {
    if (net.masquerade && !net.internal) n.push(`-A ${c.post} -s ${net.subnet} ! -o ${net.bridge} -j MASQUERADE`);
    // The host reaching a published port from 127.0.0.1, and containers reaching a published
    // port of their own network (hairpin): the reply must come back through the host.
    n.push(`-A ${c.post} -s 127.0.0.0/8 -o ${net.bridge} -j MASQUERADE`);
    n.push(`-A ${c.post} -s ${net.subnet} -o ${net.bridge} -m conntrack --ctstate DNAT -j MASQUERADE`);
  }
  n.push('COMMIT');
  return `${[...f, ...n].join('\n')}\n`;
}

const JUMPS = (tag: string): [table: string, chain: string, rule: string[]][] => {
  const c = chainNames(tag);
  return [
    ['filter', 'FORWARD', ['-j', c.filter]],
    ['nat', 'PREROUTING', ['-m', 'addrtype', '--dst-type', 'LOCAL', '-j', c.dnat]],
    ['nat', 'OUTPUT', ['-m', 'addrtype', '--dst-type', 'LOCAL', '-j', c.dnat]],
    ['nat', 'POSTROUTING', ['-j', c.post]],
  ];
};

/** Applies the rendered rules; one instance per daemon. */
export class Firewall {
  private readonly iptables = which('iptables') ?? '/usr/sbin/iptables';
  private readonly restore = which('iptables-restore') ?? '/usr/sbin/iptables-restore';

  constructor(readonly tag: string) {}

  async apply(networks: FirewallNetwork[], forwards: PortForward[]): Promise<void> {
    await mustRun(this.restore, ['-w', '--noflush'], { input: renderRules(this.tag, networks, forwards) });
    await this.ensureJumps();
  }

  private async ensureJumps(): Promise<void> {
    for (const [table, chain, rule] of JUMPS(this.tag)) {
      const check = await runCommand(this.iptables, ['-w', '-t', table, '-C', chain, ...rule]);
      if (check.code !== 0) await mustRun(this.iptables, ['-w', '-t', table, '-I', chain, '1', ...rule]);
    }
  }

  /** Remove every rule and chain of this daemon. */
  async remove(): Promise<void> {
    for (const [table, chain, rule] of JUMPS(this.tag)) {
      for (let i = 0; i < 16; i++) if ((await runCommand(this.iptables, ['-w', '-t', table, '-D', chain, ...rule])).code !== 0) break;
    }
    const c = chainNames(this.tag);
    for (const [table, chain] of [['filter', c.filter], ['nat', c.dnat], ['nat', c.post]] as const) {
      await runCommand(this.iptables, ['-w', '-t', table, '-F', chain]);
      await runCommand(this.iptables, ['-w', '-t', table, '-X', chain]);
    }
  }
}
