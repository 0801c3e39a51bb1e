/**
 * `run`/`create` flags for ports, mounts and networks, parsed into the Engine API's fields
 * the way the docker CLI does (publish specs, --mount CSV, -v short syntax).
 */
import { resolve } from 'node:path';
import { UsageError, type FlagSpec, type FlagValues } from '../../flags.js';
import { parseBytes } from '../../format/human.js';

export const NETWORK_FLAGS: FlagSpec[] = [
  { name: 'expose', type: 'list', value: 'list', description: 'Expose a port or a range of ports' },
  { name: 'ip', type: 'string', description: 'IPv4 address (e.g., 172.30.100.104)' },
  { name: 'mount', type: 'list', value: 'mount', description: 'Attach a filesystem mount to the container' },
  { name: 'network-alias', type: 'list', value: 'list', description: 'Add network-scoped alias for the container' },
  { name: 'publish', short: 'p', type: 'list', value: 'list', description: "Publish a container's port(s) to the host" },
  { name: 'publish-all', short: 'P', type: 'bool', description: 'Publish all exposed ports to random ports' },
  { name: 'volume', short: 'v', type: 'list', value: 'list', description: 'Bind mount a volume' },
  { name: 'volumes-from', type: 'list', value: 'list', description: 'Mount volumes from the specified container(s)' },
];

const bad = (flag: string, value: string, msg: string) => new UsageError(`invalid argument "${value}" for "${flag}" flag: ${msg}`);

function portRange(s: string, what: string, raw: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(s);
  const a = m ? Number(m[1]) : NaN;
  const b = m?.[2] !== undefined ? Number(m[2]) : a;
  if (!m || a < 1 && what === 'containerPort' || a > 65535 || b > 65535 || b < a) throw bad('-p, --publish', raw, `invalid ${what}: ${s}`);
  return [a, b];
}

/** One `-p [ip:][hostPort:]containerPort[/proto]` into exposed ports and bindings. */
export function parsePublish(raw: string, exposed: Record<string, object>, bindings: Record<string, { HostIp: string; HostPort: string }[]>): void {
  let spec = raw;
  let proto = 'tcp';
  const slash = spec.lastIndexOf('/');
  if (slash >= 0) {
    proto = spec.slice(slash + 1).toLowerCase();
    spec = spec.slice(0, slash);
    if (!['tcp', 'udp', 'sctp'].includes(proto)) throw bad('-p, --publish', raw, `invalid proto: ${proto}`);
  }
  let ip = '';
  const v6 = /^\[([^\]]*)\]:(.*)$/.exec(spec);
  if (v6) {
    ip = v6[1]!;
    spec = v6[2]!;
  }
  const parts = spec.split(':');
  let host = '';
  let container: string;
  if (parts.length === 1) container = parts[0]!;
  else if (parts.length === 2) [host, container] = parts as [string, string];
  else if (parts.length === 3 && !v6) [ip, host, container] = parts as [string, string, string];
  else throw bad('-p, --publish', raw, 'invalid publish format');
  if (!container) throw bad('-p, --publish', raw, `no port specified: ${raw}<empty>`);
  if (ip && !/^\d{1,3}(\.\d{1,3}){3}$/.test(ip) && !ip.includes(':')) throw bad('-p, --publish', raw, `invalid IP address: ${ip}`);
  const [c0, c1] = portRange(container, 'containerPort', raw);
  const h = host ? portRange(host, 'hostPort', raw) : undefined;
  const n = c1 - c0 + 1;
  if (h && n > 1 && h[1] - h[0] + 1 !== n) throw bad('-p, --publish', raw, 'invalid ranges specified for container and host Ports');
  for (let i = 0; i < n; i++) {
    const key = `${c0 + i}/${proto}`;
    exposed[key] = {};
    let hostPort = '';
    if (h) hostPort = n > 1 ? String(h[0] + i) : h[0] === h[1] ? String(h[0]) : `${h[0]}-${h[1]}`;
    (bindings[key] ??= []).push({ HostIp: ip, HostPort: hostPort });
  }
}

/** `--expose 80`, `--expose 8000-8010/udp`. */
export function parseExpose(raw: string, exposed: Record<string, object>): void {
  const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(raw);
  const a = m ? Number(m[1]) : NaN;
  const b = m?.[2] !== undefined ? Number(m[2]) : a;
  if (!m || a < 1 || b > 65535 || b < a) throw bad('--expose', raw, `invalid range format for --expose: ${raw}`);
  for (let p = a; p <= b; p++) exposed[`${p}/${(m[3] ?? 'tcp').toLowerCase()}`] = {};
}

function boolValue(flag: string, raw: string, v: string | undefined): boolean {
  if (v === undefined || /^(1|true)$/i.test(v)) return true;
  if (/^(0|false)$/i.test(v)) return false;
  throw bad(flag, raw, `invalid value for ${v}`);
}

/** `--mount type=volume,source=x,target=/y,readonly,volume-opt=k=v,...` into an API Mount. */
export function parseMount(raw: string): Record<string, unknown> {
  const m: Record<string, unknown> = { Type: 'volume' };
  const volumeOptions: { NoCopy?: boolean; Labels?: Record<string, string>; DriverConfig?: { Name?: string; Options?: Record<string, string> } } = {};
  const bindOptions: { Propagation?: string; NonRecursive?: boolean } = {};
  const tmpfsOptions: { SizeBytes?: number; Mode?: number } = {};
  for (const field of raw.split(',').filter((f) => f !== '')) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    const val = eq < 0 ? undefined : field.slice(eq + 1);
    const need = () => {
      if (val === undefined || val === '') throw bad('--mount', raw, `invalid field '${field}' must be a key=value pair`);
      return val;
    };
    switch (key) {
      case 'type':
        m.Type = need();
        break;
      case 'source':
      case 'src':
        m.Source = need();
        break;
      case 'target':
      case 'dst':
      case 'destination':
        m.Target = need();
        break;
      case 'readonly':
      case 'ro':
        m.ReadOnly = boolValue('--mount', raw, val);
        break;
      case 'consistency':
        m.Consistency = need();
        break;
      case 'bind-propagation':
        bindOptions.Propagation = need();
        break;
      case 'bind-nonrecursive':
        bindOptions.NonRecursive = boolValue('--mount', raw, val);
        break;
      case 'volume-nocopy':
        volumeOptions.NoCopy = boolValue('--mount', raw, val);
        break;
      case 'volume-driver':
        volumeOptions.DriverConfig = { ...volumeOptions.DriverConfig, Name: need() };
        break;
      case 'volume-label': {
        const [k, ...v] = need().split('=');
        volumeOptions.Labels = { ...volumeOptions.Labels, [k!]: v.join('=') };
        break;
      }
      case 'volume-opt': {
        const [k, ...v] = need().split('=');
        volumeOptions.DriverConfig = { ...volumeOptions.DriverConfig, Options: { ...volumeOptions.DriverConfig?.Options, [k!]: v.join('=') } };
        break;
      }
      case 'tmpfs-size':
        try {
          tmpfsOptions.SizeBytes = parseBytes(need());
        } catch (e) {
          throw bad('--mount', raw, (e as Error).message);
        }
        break;
      case 'tmpfs-mode': {
        const v = need();
        if (!/^[0-7]+$/.test(v)) throw bad('--mount', raw, `invalid tmpfs-mode: ${v}`);
        tmpfsOptions.Mode = parseInt(v, 8);
        break;
      }
      default:
        throw bad('--mount', raw, `unexpected key '${key}' in '${field}'`);
    }
  }
  if (!m.Target) throw bad('--mount', raw, 'target is required');
  if (Object.keys(volumeOptions).length) {
    if (m.Type !== 'volume') throw bad('--mount', raw, `cannot mix 'volume-*' options with mount type '${String(m.Type)}'`);
    m.VolumeOptions = volumeOptions;
  }
  if (Object.keys(bindOptions).length) {
    if (m.Type !== 'bind') throw bad('--mount', raw, `cannot mix 'bind-*' options with mount type '${String(m.Type)}'`);
    m.BindOptions = bindOptions;
  }
  if (Object.keys(tmpfsOptions).length) {
    if (m.Type !== 'tmpfs') throw bad('--mount', raw, `cannot mix 'tmpfs-*' options with mount type '${String(m.Type)}'`);
    m.TmpfsOptions = tmpfsOptions;
  }
  return m;
}

function validateIp(flag: string, v: string): void {
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(v) && !/^[0-9a-fA-F:]+$/.test(v)) throw bad(flag, v, `${v} is not an ip address`);
}

/** The create body fields these flags set (merged into the rest by buildCreateRequest). */
export function networkFields(flags: FlagValues, network: string | undefined): {
  config: Record<string, unknown>;
  hostConfig: Record<string, unknown>;
  networkingConfig?: Record<string, unknown>;
} {
  const list = (n: string) => (flags[n] as string[] | undefined) ?? [];
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const p of list('publish')) parsePublish(p, exposed, bindings);
  for (const e of list('expose')) parseExpose(e, exposed);
  const binds: string[] = [];
  const volumes: Record<string, object> = {};
  for (const v of list('volume')) {
    if (!v) throw bad('-v, --volume', v, 'bad format for path: ');
    const colon = v.indexOf(':');
    if (colon < 0) {
      volumes[v] = {};
      continue;
    }
    // A relative host path (./data) is made absolute, as docker 23+ does.
    const src = v.slice(0, colon);
    binds.push(src.startsWith('.') ? `${resolve(src)}${v.slice(colon)}` : v);
  }
  for (const d of list('dns')) validateIp('--dns', d);
  for (const h of list('add-host')) {
    const m = /^([^:=]+)[:=](.+)$/.exec(h);
    if (!m) throw bad('--add-host', h, `bad format for add-host: "${h}"`);
    const ip = m[2]!.replace(/^\[(.*)\]$/, '$1');
    if (ip !== 'host-gateway' && !/^\d{1,3}(\.\d{1,3}){3}$/.test(ip) && !/^[0-9a-fA-F:]+$/.test(ip)) throw bad('--add-host', h, `invalid IP address in add-host: "${ip}"`);
  }
  const aliases = list('network-alias');
  const ip = flags.ip as string | undefined;
  if (ip !== undefined && ip !== '') validateIp('--ip', ip);
  let networkingConfig: Record<string, unknown> | undefined;
  if (aliases.length || ip) {
    networkingConfig = {
      EndpointsConfig: {
        [network ?? 'default']: { ...(aliases.length ? { Aliases: aliases } : {}), ...(ip ? { IPAMConfig: { IPv4Address: ip } } : {}) },
      },
    };
  }
  return {
    config: {
      ...(Object.keys(exposed).length ? { ExposedPorts: exposed } : {}),
      ...(Object.keys(volumes).length ? { Volumes: volumes } : {}),
    },
    hostConfig: {
      PortBindings: bindings,
      PublishAllPorts: Boolean(flags['publish-all']),
      Binds: binds.length ? binds : null,
      Mounts: list('mount').map(parseMount),
      VolumesFrom: list('volumes-from').length ? list('volumes-from') : null,
    },
    networkingConfig,
  };
}
