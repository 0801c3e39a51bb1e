/**
 * Networks and container endpoints in the Engine API's shapes
 * (https://docs.docker.com/engine/api/v1.45/#tag/Network), plus the few fields berth keeps
 * for itself (lower-case, never sent to clients).
 */
import type { ContainerRecord } from '../containers/container-record.js';

export interface IpamConfig {
  Subnet: string;
  Gateway?: string;
  IPRange?: string;
  AuxiliaryAddresses?: Record<string, string>;
}

export interface NetworkRecord {
  Name: string;
  Id: string;
  Created: string;
  Scope: 'local';
  Driver: 'bridge' | 'host' | 'null';
  EnableIPv6: boolean;
  IPAM: { Driver: string; Options: Record<string, string> | null; Config: IpamConfig[] };
  Internal: boolean;
  Attachable: boolean;
  Ingress: boolean;
  ConfigFrom: { Network: string };
  ConfigOnly: boolean;
  Options: Record<string, string>;
  Labels: Record<string, string>;
  /** The Linux bridge (bridge driver only). */
  bridge?: string;
  /** bridge, host and none exist in every daemon and cannot be removed. */
  predefined?: boolean;
  /** Set while `network rm` runs, so a crash mid-removal finishes it at start. */
  removing?: boolean;
}

export interface EndpointSettings {
  IPAMConfig: { IPv4Address?: string; IPv6Address?: string; LinkLocalIPs?: string[] } | null;
  Links: string[] | null;
  Aliases: string[] | null;
  MacAddress: string;
  DriverOpts: Record<string, string> | null;
  NetworkID: string;
  EndpointID: string;
  Gateway: string;
  IPAddress: string;
  IPPrefixLen: number;
  IPv6Gateway: string;
  GlobalIPv6Address: string;
  GlobalIPv6PrefixLen: number;
  DNSNames: string[] | null;
}

export interface PortBindingOut {
  HostIp: string;
  HostPort: string;
}

/** `ContainerRecord.network`: what berth keeps about a container's networking. */
export interface ContainerNetworkState {
  /** By network name, in attach order (the first is the primary: default route, published ports). */
  networks: Record<string, EndpointSettings & { ifname?: string; cniId?: string }>;
  /** Published ports while running ("80/tcp" → bindings; null: exposed, not published). */
  ports: Record<string, PortBindingOut[] | null>;
  /** Path of the network namespace while running. */
  sandboxKey: string;
  sandboxId: string;
}

export function emptyEndpoint(networkId: string): EndpointSettings {
  return {
    IPAMConfig: null,
    Links: null,
    Aliases: null,
    MacAddress: '',
    DriverOpts: null,
    NetworkID: networkId,
    EndpointID: '',
    Gateway: '',
    IPAddress: '',
    IPPrefixLen: 0,
    IPv6Gateway: '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    DNSNames: null,
  };
}

export function netState(c: ContainerRecord): ContainerNetworkState {
  const n = c.network as Partial<ContainerNetworkState> | undefined;
  if (n && n.networks) return n as ContainerNetworkState;
  const fresh: ContainerNetworkState = { networks: {}, ports: {}, sandboxKey: '', sandboxId: '' };
  c.network = fresh as unknown as Record<string, unknown>;
  return fresh;
}

/** The network mode names that are not networks of their own. */
export function isContainerMode(mode: string): boolean {
  return mode.startsWith('container:');
}

/** `default` means the default bridge network, as in dockerd. */
export function modeNetworkName(mode: string): string {
  return mode === '' || mode === 'default' ? 'bridge' : mode;
}
