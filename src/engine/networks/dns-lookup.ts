/**
 * What a user-defined network's DNS server answers. The asking container is identified by its
 * address; it sees the names (container name, aliases, short ID — compose's service names
 * arrive as aliases) of running containers on every user-defined network it shares with them.
 * Anything else goes to the container's --dns servers or the host's resolvers.
 */
import { readFileSync, statSync } from 'node:fs';
import { ptrToIPv4, TYPE, type Answer } from '../../network/dns/dns-message.js';
import type { Lookup } from '../../network/dns/dns-server.js';
import type { NetworkService } from './network-service.js';
import { netState, type NetworkRecord } from './network-types.js';

let hostCache: { mtimeMs: number; servers: string[] } | undefined;

/** The host's nameservers, re-read when /etc/resolv.conf changes. */
export function hostResolvers(path = '/etc/resolv.conf'): string[] {
  try {
    const mtimeMs = statSync(path).mtimeMs;
    if (hostCache?.mtimeMs === mtimeMs) return hostCache.servers;
    const servers = readFileSync(path, 'utf8')
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter((w) => w[0] === 'nameserver' && w[1])
      .map((w) => w[1]!);
    hostCache = { mtimeMs, servers };
    return servers;
  } catch {
    return [];
  }
}

export function dnsLookup(svc: NetworkService, served: NetworkRecord): Lookup {
  return (q, clientIp) => {
    const live = svc.containers.list().filter((c) => netState(c).sandboxKey);
    const client = live.find((c) => Object.values(netState(c).networks).some((e) => e.IPAddress === clientIp));
    const scope = new Set<string>();
    for (const e of client ? Object.values(netState(client).networks) : []) {
      const n = svc.store.find(e.NetworkID);
      if (n && !n.predefined) scope.add(n.Id);
    }
    if (!scope.size) scope.add(served.Id);

    const ptr = q.type === TYPE.PTR ? ptrToIPv4(q.name) : undefined;
    if (ptr) {
      for (const c of live) {
        for (const [netName, e] of Object.entries(netState(c).networks)) {
          if (scope.has(e.NetworkID) && e.IPAddress === ptr) return { answers: [{ type: TYPE.PTR, name: `${c.name.slice(1)}.${netName}` }] };
        }
      }
    } else {
      const name = q.name.replace(/\.$/, '');
      const answers: Answer[] = [];
      let known = false;
      for (const c of live) {
        for (const e of Object.values(netState(c).networks)) {
          if (!scope.has(e.NetworkID) || !e.IPAddress) continue;
          if (!(e.DNSNames ?? []).some((n) => n.toLowerCase() === name)) continue;
          known = true;
          if (q.type === TYPE.A && !answers.some((a) => a.type === TYPE.A && a.ip === e.IPAddress)) answers.push({ type: TYPE.A, ip: e.IPAddress });
        }
      }
      // A known name without records of the asked type is NOERROR with no answers, not NXDOMAIN.
      if (known) return { answers };
    }
    // Internal networks have no way out, for DNS questions too.
    if (served.Internal) return { refuse: true };
    const own = client?.hostConfig.Dns?.filter(Boolean) ?? [];
    return { forward: own.length ? own : hostResolvers() };
  };
}
