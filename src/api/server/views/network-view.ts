import type { ContainerRecord } from '../../../engine/containers/container-record.js';
import type { Engine } from '../../../engine/engine.js';
import { netState, type NetworkRecord } from '../../../engine/networks/network-types.js';
import { parsePortKey } from '../../../engine/networks/port-bindings.js';

/** A container's NetworkSettings, in Docker's shape (the top-level address fields describe the default bridge). */
export function containerNetworkSettings(c: ContainerRecord): Record<string, unknown> {
  const st = netState(c);
  const networks: Record<string, unknown> = {};
  for (const [name, e] of Object.entries(st.networks)) {
    const { ifname: _ifname, cniId: _cniId, ...pub } = e;
    networks[name] = pub;
  }
  const bridge = st.networks.bridge;
  return {
    Bridge: '',
    SandboxID: st.sandboxId,
    SandboxKey: st.sandboxKey,
    Ports: st.ports,
    HairpinMode: false,
    LinkLocalIPv6Address: '',
    LinkLocalIPv6PrefixLen: 0,
    SecondaryIPAddresses: null,
    SecondaryIPv6Addresses: null,
    EndpointID: bridge?.EndpointID ?? '',
    Gateway: bridge?.Gateway ?? '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    IPAddress: bridge?.IPAddress ?? '',
    IPPrefixLen: bridge?.IPPrefixLen ?? 0,
    IPv6Gateway: '',
    MacAddress: bridge?.MacAddress ?? '',
    Networks: networks,
  };
}

/** `Ports` of a `GET /containers/json` entry. */
export function containerPortsSummary(c: ContainerRecord): Record<string, unknown>[] {
  const out: { IP?: string; PrivatePort: number; PublicPort?: number; Type: string }[] = [];
  for (const [key, list] of Object.entries(netState(c).ports)) {
    const { port, proto } = parsePortKey(key);
    if (!list || list.length === 0) out.push({ PrivatePort: port, Type: proto });
    else for (const b of list) out.push({ IP: b.HostIp, PrivatePort: port, PublicPort: Number(b.HostPort), Type: proto });
  }
  return out.sort((a, b) => a.PrivatePort - b.PrivatePort || (a.PublicPort ?? 0) - (b.PublicPort ?? 0));
}

/** A network resource (`GET /networks/{id}`); `Containers` lists the running endpoints. */
export function networkView(engine: Engine, n: NetworkRecord, withContainers: boolean): Record<string, unknown> {
  const containers: Record<string, unknown> = {};
  if (withContainers) {
    for (const c of engine.networks.attached(n)) {
      const e = Object.values(netState(c).networks).find((x) => x.NetworkID === n.Id);
      if (!e?.EndpointID) continue;
      containers[c.id] = {
        Name: c.name.slice(1),
        EndpointID: e.EndpointID,
        MacAddress: e.MacAddress,
        IPv4Address: e.IPAddress ? `${e.IPAddress}/${e.IPPrefixLen}` : '',
        IPv6Address: '',
      };
    }
  }
  return {
    Name: n.Name,
    Id: n.Id,
    Created: n.Created,
    Scope: n.Scope,
    Driver: n.Driver,
    EnableIPv4: n.Driver === 'bridge',
    EnableIPv6: n.EnableIPv6,
    IPAM: n.IPAM,
    Internal: n.Internal,
    Attachable: n.Attachable,
    Ingress: n.Ingress,
    ConfigFrom: n.ConfigFrom,
    ConfigOnly: n.ConfigOnly,
    Containers: containers,
    Options: n.Options,
    Labels: n.Labels,
  };
}
