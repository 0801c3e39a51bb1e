import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerRecord } from './container-record.js';

export interface OciMount {
  destination: string;
  type: string;
  source: string;
  options: string[];
}

/**
 * /etc/hostname, /etc/hosts and /etc/resolv.conf, written per container in its
 * directory and bind-mounted over the image's files, as dockerd does. The
 * network layer adds container addresses and aliases to hosts later.
 */
export async function writeEtcFiles(c: ContainerRecord, dir: string): Promise<OciMount[]> {
  const hostNet = c.hostConfig.NetworkMode === 'host';
  const hostname = c.config.Hostname;
  const hosts = hostNet
    ? await readFile('/etc/hosts', 'utf8').catch(() => '127.0.0.1\tlocalhost\n')
    : [
        '127.0.0.1\tlocalhost',
        '::1\tlocalhost ip6-localhost ip6-loopback',
        'fe00::0\tip6-localnet',
        'ff00::0\tip6-mcastprefix',
        'ff02::1\tip6-allnodes',
        'ff02::2\tip6-allrouters',
        ...(c.hostConfig.ExtraHosts ?? []).map((h) => {
          const i = h.indexOf(':');
          return `${h.slice(i + 1)}\t${h.slice(0, i)}`;
        }),
        '',
      ].join('\n');
  const resolv = await resolvConf(c, hostNet);
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
async function resolvConf(c: ContainerRecord, hostNet: boolean): Promise<string> {
  const host = await readFile('/etc/resolv.conf', 'utf8').catch(() => '');
  if (hostNet && !c.hostConfig.Dns.length && !c.hostConfig.DnsSearch.length) return host;
  const lines = host.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
  let nameservers = c.hostConfig.Dns.length
    ? c.hostConfig.Dns
    : lines.filter((l) => l.startsWith('nameserver')).map((l) => l.split(/\s+/)[1]!).filter((ip) => hostNet || !/^127\.|^::1$/.test(ip));
  if (!nameservers.length) nameservers = ['8.8.8.8', '8.8.4.4'];
  const search = c.hostConfig.DnsSearch.length ? c.hostConfig.DnsSearch : lines.filter((l) => l.startsWith('search')).flatMap((l) => l.split(/\s+/).slice(1));
  const options = c.hostConfig.DnsOptions.length ? c.hostConfig.DnsOptions : lines.filter((l) => l.startsWith('options')).flatMap((l) => l.split(/\s+/).slice(1));
  return [
    ...nameservers.map((n) => `nameserver ${n}`),
    ...(search.length ? [`search ${search.join(' ')}`] : []),
    ...(options.length ? [`options ${options.join(' ')}`] : []),
    '',
  ].join('\n');
}
