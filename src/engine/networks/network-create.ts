/**
 * `POST /networks/create` validation: the request in Docker's shape becomes a NetworkRecord
 * with a subnet, gateway and bridge name, or fails with dockerd's error.
 */
import { EngineError, invalidArgument, notFound, notImplemented } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { broadcast, contains, formatIPv4, formatSubnet, isIPv4, nth, overlaps, parseIPv4, parseSubnet, type Subnet } from '../../network/ipv4.js';
import type { IpamConfig, NetworkRecord } from './network-types.js';

export interface NetworkCreateRequest {
  Name?: string;
  Driver?: string;
  Internal?: boolean;
  Attachable?: boolean;
  Ingress?: boolean;
  EnableIPv6?: boolean;
  IPAM?: { Driver?: string; Config?: IpamConfig[] | null; Options?: Record<string, string> | null } | null;
  Options?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
  CheckDuplicate?: boolean;
  ConfigOnly?: boolean;
  ConfigFrom?: { Network?: string } | null;
  Scope?: string;
}

export const OPT_BRIDGE_NAME = 'com.docker.network.bridge.name';
export const OPT_MTU = 'com.docker.network.driver.mtu';
export const OPT_MASQ = 'com.docker.network.bridge.enable_ip_masquerade';
export const OPT_ICC = 'com.docker.network.bridge.enable_icc';

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export const forbidden = (message: string) => new EngineError('Forbidden', message);

function optBool(opts: Record<string, string>, key: string, dflt: boolean): boolean {
  const v = opts[key];
  if (v === undefined || v === '') return dflt;
  if (/^(1|t|true)$/i.test(v)) return true;
  if (/^(0|f|false)$/i.test(v)) return false;
  throw invalidArgument(`invalid value for ${key}: ${JSON.stringify(v)}: strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);
}

export function networkFlags(n: NetworkRecord): { masquerade: boolean; icc: boolean; mtu?: number } {
  const mtu = n.Options[OPT_MTU] ? Number(n.Options[OPT_MTU]) : undefined;
  return { masquerade: optBool(n.Options, OPT_MASQ, true), icc: optBool(n.Options, OPT_ICC, true), mtu };
}

/** The IPv4 pool of a bridge network (its first IPAM config). */
export function ipamOf(n: NetworkRecord): { subnet: Subnet; gateway: number; range?: Subnet } {
  const c = n.IPAM.Config[0];
  if (!c) throw notFound(`network ${n.Name} has no IPv4 address pool`);
  const subnet = parseSubnet(c.Subnet, { strict: false });
  return { subnet, gateway: c.Gateway ? parseIPv4(c.Gateway) : nth(subnet, 1), range: c.IPRange ? parseSubnet(c.IPRange, { strict: false }) : undefined };
}

export interface CreateContext {
  existing: NetworkRecord[];
  /** Choose a free subnet (the engine consults the host's routes). */
  allocate(): Promise<Subnet>;
}

/** Validate a create request into a record; `subnet` is chosen when the request has none. */
export async function buildNetworkRecord(req: NetworkCreateRequest, cx: CreateContext): Promise<NetworkRecord> {
  const name = req.Name ?? '';
  if (!name) throw invalidArgument('network name cannot be empty');
  if (!NAME_RE.test(name)) throw invalidArgument(`invalid network name ${JSON.stringify(name)}: only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  if (cx.existing.some((n) => n.Name === name)) throw new EngineError('Conflict', `network with name ${name} already exists`);
  const driver = req.Driver || 'bridge';
  if (driver === 'host' || driver === 'null') throw forbidden(`only one instance of "${driver}" network is allowed`);
  if (driver !== 'bridge') throw notFound(`plugin "${driver}" not found`);
  if (req.EnableIPv6) throw notImplemented('IPv6 networks are not supported by berth');
  if (req.IPAM?.Driver && req.IPAM.Driver !== 'default') throw notFound(`plugin "${req.IPAM.Driver}" not found`);
  if (req.ConfigOnly || req.ConfigFrom?.Network) throw notImplemented('config-only networks are not supported by berth');
  const options = { ...(req.Options ?? {}) };
  const configs = (req.IPAM?.Config ?? []).filter((c) => c && (c.Subnet || c.Gateway || c.IPRange));
  if (configs.some((c) => [c.Subnet, c.Gateway, c.IPRange].some((v) => v?.includes(':')))) {
    throw notImplemented('IPv6 networks are not supported by berth');
  }
  if (configs.length > 1) throw notImplemented('berth supports one IPv4 subnet per network');
  const cfg = configs[0];
  if (cfg && !cfg.Subnet) throw invalidArgument('every ip-range or gateway must have a corresponding subnet');

  let subnet: Subnet;
  if (cfg?.Subnet) {
    subnet = parseSubnet(cfg.Subnet, { strict: false });
    if (subnet.prefix > 30) throw invalidArgument(`invalid subnet ${cfg.Subnet}: too small for a gateway and a container`);
    for (const n of cx.existing) {
      const other = n.IPAM.Config[0]?.Subnet;
      if (other && overlaps(subnet, parseSubnet(other, { strict: false }))) throw forbidden('Pool overlaps with other one on this address space');
    }
  } else {
    subnet = await cx.allocate();
  }
  let gateway = nth(subnet, 1);
  if (cfg?.Gateway) {
    if (!isIPv4(cfg.Gateway)) throw invalidArgument(`invalid gateway address ${cfg.Gateway}`);
    gateway = parseIPv4(cfg.Gateway);
    if (!contains(subnet, gateway) || gateway === subnet.base || gateway === broadcast(subnet)) {
      throw invalidArgument(`invalid gateway ${cfg.Gateway}: no matching subnet ${formatSubnet(subnet)}`);
    }
  }
  let ipRange: string | undefined;
  if (cfg?.IPRange) {
    const r = parseSubnet(cfg.IPRange, { strict: false });
    if (!contains(subnet, r.base) || r.prefix < subnet.prefix) throw invalidArgument(`invalid ip-range ${cfg.IPRange}: it is not within subnet ${formatSubnet(subnet)}`);
    ipRange = formatSubnet(r);
  }
  const mtu = options[OPT_MTU];
  if (mtu !== undefined && (!/^\d+$/.test(mtu) || Number(mtu) < 68 || Number(mtu) > 65535)) throw invalidArgument(`invalid MTU ${JSON.stringify(mtu)}`);
  const id = newId();
  const bridge = options[OPT_BRIDGE_NAME] || `br-${id.slice(0, 12)}`;
  if (!/^[a-zA-Z0-9_.-]{1,15}$/.test(bridge)) throw invalidArgument(`invalid bridge name ${JSON.stringify(bridge)}: at most 15 characters of [a-zA-Z0-9_.-]`);
  if (cx.existing.some((n) => n.bridge === bridge)) throw new EngineError('Conflict', `bridge name ${bridge} is already used by another network`);
  const record: NetworkRecord = {
    Name: name,
    Id: id,
    Created: new Date().toISOString(),
    Scope: 'local',
    Driver: 'bridge',
    EnableIPv6: false,
    IPAM: {
      Driver: 'default',
      Options: req.IPAM?.Options ?? {},
      Config: [{ Subnet: formatSubnet(subnet), ...(ipRange ? { IPRange: ipRange } : {}), Gateway: formatIPv4(gateway) }],
    },
    Internal: Boolean(req.Internal),
    Attachable: Boolean(req.Attachable),
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Options: options,
    Labels: req.Labels ?? {},
    bridge,
  };
  networkFlags(record); // validates the boolean options
  return record;
}
