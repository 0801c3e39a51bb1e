/**
 * Published ports: HostConfig.PortBindings (`-p`), PublishAllPorts (`-P`) over
 * Config.ExposedPorts, validated at create and turned into the list of host ports to bind at start.
 */
import type { ContainerConfig, HostConfig } from '../../core/container-types.js';
import { invalidArgument } from '../../core/errors.js';
import { isIPv4 } from '../../network/ipv4.js';
import type { Proto } from '../../network/port-reservation.js';

export interface WantedPort {
  /** "80/tcp", the key of NetworkSettings.Ports. */
  key: string;
  containerPort: number;
  proto: Proto;
  hostIp: string;
  /** "" (any), "8080" or a range "8000-8010". */
  hostPort: string;
}

/** "80", "80/tcp", "53/udp" → port and protocol. */
export function parsePortKey(key: string): { port: number; proto: Proto } {
  const m = /^(\d+)(?:\/(tcp|udp|sctp))?$/i.exec(key.trim());
  const port = m ? Number(m[1]) : NaN;
  if (!m || port < 1 || port > 65535) throw invalidArgument(`invalid port specification: ${JSON.stringify(key)}`);
  return { port, proto: (m[2]?.toLowerCase() ?? 'tcp') as Proto };
}

function normKey(key: string): string {
  const { port, proto } = parsePortKey(key);
  return `${port}/${proto}`;
}

/** Check the create request's ports (docker answers 400 to a bad spec before anything runs). */
export function validatePorts(config: ContainerConfig, hc: HostConfig): void {
  for (const k of Object.keys(config.ExposedPorts ?? {})) parsePortKey(k);
  for (const [k, list] of Object.entries(hc.PortBindings ?? {})) {
    parsePortKey(k);
    for (const b of list ?? []) {
      if (b.HostIp && !isIPv4(b.HostIp) && b.HostIp !== '::' && !b.HostIp.includes(':')) throw invalidArgument(`invalid host IP address: ${b.HostIp}`);
      if (b.HostIp?.includes(':')) throw invalidArgument(`publishing on IPv6 address ${b.HostIp} is not supported by berth`);
      const m = /^(\d+)(?:-(\d+))?$/.exec(b.HostPort ?? '');
      if ((b.HostPort ?? '') !== '' && (!m || Number(m[1]) > 65535 || Number(m[2] ?? m[1]) > 65535 || Number(m[2] ?? m[1]) < Number(m[1]))) {
        throw invalidArgument(`invalid port specification: ${JSON.stringify(b.HostPort)}`);
      }
    }
  }
}

/** Every host port to bind, in a stable order (by container port, then as given). */
export function wantedPorts(config: ContainerConfig, hc: HostConfig): WantedPort[] {
  const out: WantedPort[] = [];
  const bound = new Set<string>();
  for (const [k, list] of Object.entries(hc.PortBindings ?? {})) {
    const { port, proto } = parsePortKey(k);
    const key = `${port}/${proto}`;
    for (const b of list ?? [{ HostIp: '', HostPort: '' }]) {
      out.push({ key, containerPort: port, proto, hostIp: b.HostIp || '0.0.0.0', hostPort: b.HostPort ?? '' });
      bound.add(key);
    }
  }
  if (hc.PublishAllPorts) {
    for (const k of Object.keys(config.ExposedPorts ?? {})) {
      const key = normKey(k);
      if (bound.has(key)) continue;
      const { port, proto } = parsePortKey(k);
      out.push({ key, containerPort: port, proto, hostIp: '0.0.0.0', hostPort: '' });
    }
  }
  return out.sort((a, b) => a.containerPort - b.containerPort || (a.proto < b.proto ? -1 : a.proto > b.proto ? 1 : 0));
}

/** The exposed ports (published or not), as NetworkSettings.Ports keys. */
export function exposedKeys(config: ContainerConfig, hc: HostConfig): string[] {
  return [...new Set([...Object.keys(config.ExposedPorts ?? {}), ...Object.keys(hc.PortBindings ?? {})].map(normKey))];
}
