import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerRecord } from './container-record.js';

export interface OciMount {
  destination: string;
  type: string;
  source: string;
  options: string[];
}

/** What the network layer knows that goes into /etc/hosts and /etc/resolv.conf. */
export interface EtcNetworkInfo {
  /** The container's own addresses, each with the names to list for it. */
  hosts?: { ip: string; names: string[] }[];
  /** Replace the nameservers (a user-defined network's embedded DNS server). */
  nameservers?: string[];
  /** Added before the user's --dns-option values (ndots:0 with the embedded DNS server). */
  options?: string[];
  /** The address `host-gateway` stands for in --add-host. */
  hostGatewayIp?: string;
  /** Network mode container:<id>: bind that container's files (its directory) instead. */
  shareFrom?: string;
}

/**
 * /etc/hostname, /etc/hosts and /etc/resolv.conf, written per container in its
 * directory and bind-mounted over the image's files, as dockerd does.
 */
export async function writeEtcFiles(c: ContainerRecord, dir: string, net: EtcNetworkInfo = {}): Promise<OciMount[]> {
  if (net.shareFrom) {
    return ['hostname', 'hosts', 'resolv.conf'].map((name) => ({
      destination: `/etc/${name}`,
      type: 'bind',
      source: join(net.shareFrom!, name),
      options: ['rbind', 'rprivate'],
    }));
  }
  const hostNet = c.hostConfig.NetworkMode === 'host';
  const hostname = c.config.Hostname;
  const hosts = hostNet
    ? withExtras(await readFile('/etc/hosts', 'utf8').catch(() => '127.0.0.1\tlocalhost\n'), extraHosts(c, net.hostGatewayIp))
    : [
        '127.0.0.1\tlocalhost',
        '::1\tlocalhost ip6-localhost ip6-loopback',
        'fe00::0\tip6-localnet',
        'ff00::0\tip6-mcastprefix',
        'ff02::1\tip6-allnodes',
        'ff02::2\tip6-allrouters',
        ...extraHosts(c, net.hostGatewayIp),
        ...(net.hosts ?? []).map((h) => `${h.ip}\t${h.names.join(' ')}`),
        '',
      ].join('\n');
  const resolv = await resolvConf(c, hostNet, net);
  const files: [string, string][] = [
    ['hostname', `${hostname}\n`],
    ['hosts', hosts],
    ['resolv.conf', resolv],
  ];
  const mounts: OciMount[] = [];
  for (const [name, content] of files) {
    const src = join(dir, name);
    await writeFile(src, content, { mode: 0o644 });
    mounts.push({ destination: `/etc/${name}`, type: 'bind', source: src, options: ['rbind', 'rprivate'] });
  }
  return mounts;
}

/**
 * Docker copies the host's resolv.conf, drops loopback nameservers (they would
 * point into the container itself) and falls back to public resolvers when none remain.
 */
async function resolvConf(c: ContainerRecord, hostNet: boolean, net: EtcNetworkInfo): Promise<string> {
  const host = await readFile('/etc/resolv.conf', 'utf8').catch(() => '');
  if (hostNet && !c.hostConfig.Dns.length && !c.hostConfig.DnsSearch.length) return host;
  const lines = host.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
  let nameservers = net.nameservers?.length
    ? net.nameservers
    : c.hostConfig.Dns.length
    ? c.hostConfig.Dns
    : lines.filter((l) => l.startsWith('nameserver')).map((l) => l.split(/\s+/)[1]!).filter((ip) => hostNet || !/^127\.|^::1$/.test(ip));
  if (!nameservers.length) nameservers = ['8.8.8.8', '8.8.4.4'];
  const search = c.hostConfig.DnsSearch.length ? c.hostConfig.DnsSearch : lines.filter((l) => l.startsWith('search')).flatMap((l) => l.split(/\s+/).slice(1));
  const given = c.hostConfig.DnsOptions.length ? c.hostConfig.DnsOptions : lines.filter((l) => l.startsWith('options')).flatMap((l) => l.split(/\s+/).slice(1));
  const options = [...(net.options ?? []).filter((o) => !given.some((g) => g.split(':')[0] === o.split(':')[0])), ...given];
  return [
    ...nameservers.map((n) => `nameserver ${n}`),
    ...(search.length ? [`search ${search.join(' ')}`] : []),
    ...(options.length ? [`options ${options.join(' ')}`] : []),
    '',
  ].join('\n');
}

/** --add-host name:ip lines ("host-gateway" resolved), in docker's "ip<TAB>name" form. */
function extraHosts(c: ContainerRecord, hostGatewayIp: string | undefined): string[] {
  return (c.hostConfig.ExtraHosts ?? []).map((h) => {
    // name:ip, or name=ip (docker 25+); an IPv6 address contains colons itself.
    const m = /^([^:=]+)[:=](.*)$/.exec(h);
    const name = m ? m[1]! : h;
    let ip = m ? m[2]! : '';
    if (ip === 'host-gateway') ip = hostGatewayIp ?? ip;
    if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
    return `${ip}\t${name}`;
  });
}

function withExtras(text: string, extras: string[]): string {
  if (!extras.length) return text;
  return `${text.endsWith('\n') || text === '' ? text : `${text}\n`}${extras.join('\n')}\n`;
}
