/**
 * A container's networking: the networks it asked for (checked at create), its network
 * namespace, CNI attachments and host ports while it runs, and `network connect/disconnect`.
 *
 * Start: bind the published host ports (so a taken port fails before anything else), create
 * a namespace bound under <exec-root>/netns/<id>, run the CNI bridge plugin (host-local IPAM)
 * once per network (eth0 on the first, which also gets the default route), then re-render the
 * DNAT rules. Stop reverses it; a crash in between is cleaned up at the next daemon start.
 */
import { join } from 'node:path';
import { conflict, EngineError, invalidArgument, isEngineError, notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { CniResult } from '../../network/cni.js';
import type { Sandbox } from './sandbox-pool.js';
import type { PortForward } from '../../network/firewall.js';
import { broadcast, contains, formatIPv4, formatSubnet, isIPv4, parseIPv4 } from '../../network/ipv4.js';
import { createNetns, removeNetns } from '../../network/netns.js';
import type { ContainerRecord } from '../containers/container-record.js';
import type { ContainerExtension, StartContribution } from '../containers/container-service.js';
import type { CreateOptions } from '../containers/create-container.js';
import { writeEtcFiles, type EtcNetworkInfo } from '../containers/etc-files.js';
import { forbidden, ipamOf, networkFlags } from './network-create.js';
import type { NetworkService } from './network-service.js';
import { emptyEndpoint, isContainerMode, modeNetworkName, netState, type EndpointSettings, type NetworkRecord, type PortBindingOut } from './network-types.js';
import { exposedKeys, parsePortKey, validatePorts, wantedPorts } from './port-bindings.js';

type Endpoint = EndpointSettings & { ifname?: string; cniId?: string };

interface EndpointRequest {
  IPAMConfig?: { IPv4Address?: string; IPv6Address?: string } | null;
  Aliases?: string[] | null;
  Links?: string[] | null;
  DriverOpts?: Record<string, string> | null;
  MacAddress?: string;
}

export class ContainerEndpoints implements ContainerExtension {
  constructor(private readonly svc: NetworkService) {}

  private get containers() {
    return this.svc.containers;
  }

  // ---- create ---------------------------------------------------------------------------

  async create(c: ContainerRecord, opts: CreateOptions): Promise<void> {
    const hc = c.hostConfig;
    const mode = hc.NetworkMode || 'default';
    const st = netState(c);
    st.networks = {};
    st.ports = {};
    validatePorts(c.config, hc);
    const eps = (opts.networkingConfig?.EndpointsConfig ?? {}) as Record<string, EndpointRequest | null>;
    if (isContainerMode(mode)) {
      const other = this.containers.get(mode.slice('container:'.length));
      if (other.id === c.id) throw invalidArgument('cannot join own network');
      if (Object.keys(hc.PortBindings ?? {}).length || hc.PublishAllPorts) throw invalidArgument('conflicting options: port publishing and the container type network mode');
      if (opts.config.Hostname) throw invalidArgument('conflicting options: hostname and the network mode');
      if (hc.Dns?.length) throw invalidArgument('conflicting options: dns and the network mode');
      if (hc.ExtraHosts?.length) throw invalidArgument('conflicting options: custom host-to-IP mapping and the network mode');
      if (Object.keys(eps).length) throw invalidArgument('conflicting options: container type network can\'t be used with other networks');
      return;
    }
    if (mode === 'host' || mode === 'none') {
      const n = this.svc.store.get(mode);
      if (Object.keys(eps).some((k) => k !== mode && this.svc.store.find(k)?.Id !== n.Id)) {
        throw invalidArgument(
          mode === 'host'
            ? 'container cannot be disconnected from host network or connected to host network'
            : 'container cannot be connected to multiple networks with one of the networks in private (none) mode',
        );
      }
      st.networks[n.Name] = emptyEndpoint(n.Id);
      return;
    }
    const primaryRef = modeNetworkName(mode);
    const primary = this.svc.store.find(primaryRef);
    if (!primary || primary.removing) throw notFound(`network ${primaryRef} not found`);
    const wanted: [NetworkRecord, EndpointRequest | null][] = [[primary, eps[mode] ?? eps[primary.Name] ?? eps[primary.Id] ?? null]];
    for (const [ref, req] of Object.entries(eps)) {
      const n = this.svc.store.find(modeNetworkName(ref));
      if (!n || n.removing) throw notFound(`network ${ref} not found`);
      if (n.Id === primary.Id) continue;
      if (n.Driver !== 'bridge') throw invalidArgument('container cannot be disconnected from host network or connected to host network');
      wanted.push([n, req]);
    }
    for (const [n, req] of wanted) st.networks[n.Name] = this.endpointFor(n, req);
  }

  private endpointFor(n: NetworkRecord, req: EndpointRequest | null): Endpoint {
    const ep = emptyEndpoint(n.Id);
    const aliases = (req?.Aliases ?? []).filter(Boolean);
    if (aliases.length) {
      if (n.predefined) throw invalidArgument('network-scoped alias is supported only for containers in user defined networks');
      ep.Aliases = aliases;
    }
    const ip = req?.IPAMConfig?.IPv4Address;
    if (req?.IPAMConfig?.IPv6Address) throw invalidArgument('IPv6 addresses are not supported by berth');
    if (ip) {
      if (n.predefined) throw invalidArgument('user specified IP address is supported on user defined networks only');
      if (!isIPv4(ip)) throw invalidArgument(`invalid IPv4 address: ${ip}`);
      const { subnet, gateway } = ipamOf(n);
      const v = parseIPv4(ip);
      if (!contains(subnet, v) || v === subnet.base || v === broadcast(subnet)) {
        throw invalidArgument(`invalid IPv4 address ${ip}: it does not belong to any of this network's subnets (${formatSubnet(subnet)})`);
      }
      if (v === gateway) throw forbidden('Address already in use');
      ep.IPAMConfig = { IPv4Address: ip };
    }
    if (req?.DriverOpts) ep.DriverOpts = req.DriverOpts;
    return ep;
  }

  private networkFor(name: string, ep: EndpointSettings): NetworkRecord {
    const n = this.svc.store.find(ep.NetworkID) ?? this.svc.store.find(name);
    if (!n || n.removing || n.Driver !== 'bridge') throw notFound(`network ${name} not found`);
    return n;
  }

  // ---- start / stop -----------------------------------------------------------------------

  async start(c: ContainerRecord): Promise<StartContribution> {
    // A record from before berth had networks: give it its network mode's endpoint now.
    if (!c.network) await this.create(c, { config: { Image: c.config.Image } });
    const mode = c.hostConfig.NetworkMode || 'default';
    const hostGatewayIp = this.svc.hostGatewayIp();
    if (mode === 'host' || mode === 'none') return { etc: { hostGatewayIp } };
    if (isContainerMode(mode)) {
      const other = this.containers.get(mode.slice('container:'.length));
      if (!other.state.Running) throw conflict(`cannot join network of a non running container: ${other.id}`);
      const path = netState(other).sandboxKey || `/proc/${other.state.Pid}/ns/net`;
      return { network: { kind: 'path', path }, etc: { shareFrom: this.containers.ctx.containers.dir(other.id) } };
    }
    await this.attach(c);
    return { network: { kind: 'path', path: netState(c).sandboxKey }, etc: this.etcInfo(c) };
  }

  async stop(c: ContainerRecord): Promise<void> {
    await this.detach(c);
  }

  async remove(c: ContainerRecord): Promise<void> {
    await this.detach(c);
  }

  /** The embedded DNS answers to the new name (dockerd re-registers a renamed endpoint). */
  rename(c: ContainerRecord, oldName: string): void {
    for (const ep of Object.values(netState(c).networks)) {
      if (ep.DNSNames) ep.DNSNames = ep.DNSNames.map((n) => (n === oldName.slice(1) ? c.name.slice(1) : n));
    }
  }

  private async attach(c: ContainerRecord): Promise<void> {
    const st = netState(c);
    const sandbox = this.pooledSandbox(c);
    if (sandbox) {
      st.sandboxKey = sandbox.path;
    } else {
      const netns = join(this.svc.netnsDir, c.id);
      await createNetns(netns);
      st.sandboxKey = netns;
    }
    st.sandboxId = newId();
    try {
      if (sandbox) {
        const [name, ep] = Object.entries(st.networks)[0]!;
        this.applyResult(c, this.networkFor(name, ep), ep, sandbox.result, 'eth0', sandbox.cniId);
      }
      const held = this.svc.reservations.get(c.id) ?? [];
      this.svc.reservations.set(c.id, held);
      const ports: Record<string, PortBindingOut[] | null> = {};
      for (const k of exposedKeys(c.config, c.hostConfig)) ports[k] = null;
      const wanted = wantedPorts(c.config, c.hostConfig);
      for (const w of wanted) {
        const r = await this.svc.ports.reserve(w.proto, w.hostIp, w.hostPort).catch((e: unknown) => {
          if (isEngineError(e, 'Internal')) {
            throw new EngineError('Internal', `driver failed programming external connectivity on endpoint ${c.name.slice(1)} (${st.sandboxId}): ${e.message}`);
          }
          throw e;
        });
        held.push(r);
        (ports[w.key] ??= []).push({ HostIp: r.hostIp, HostPort: String(r.port) });
      }
      let i = 0;
      for (const [name, ep] of Object.entries(st.networks)) {
        const n = this.networkFor(name, ep);
        if (i > 0 || !sandbox) await this.addEndpoint(c, n, ep, `eth${i}`, i === 0);
        i++;
      }
      st.ports = ports;
      if (wanted.length) await this.svc.applyFirewall();
    } catch (e) {
      await this.detach(c);
      throw e;
    }
  }

  /** A sandbox prepared ahead of time, for a container whose only network is the default bridge with a dynamic address. */
  private pooledSandbox(c: ContainerRecord): Sandbox | undefined {
    const eps = Object.entries(netState(c).networks);
    if (eps.length !== 1) return undefined;
    const [name, ep] = eps[0]!;
    const n = this.networkFor(name, ep);
    if (!n.predefined || ep.IPAMConfig?.IPv4Address) return undefined;
    return this.svc.pool.take(n.Id);
  }

  /** The CNI configuration the sandbox pool attaches eth0 with. */
  poolConf(n: NetworkRecord): Record<string, unknown> {
    return this.cniConf(n, emptyEndpoint(n.Id), true);
  }

  private cniConf(n: NetworkRecord, ep: Endpoint, primary: boolean): Record<string, unknown> {
    const { subnet, gateway, range } = ipamOf(n);
    const mtu = networkFlags(n).mtu;
    const r: Record<string, string> = { subnet: formatSubnet(subnet), gateway: formatIPv4(gateway) };
    if (range) {
      r.rangeStart = formatIPv4(range.base === subnet.base ? range.base + 1 : range.base);
      const end = broadcast(range);
      r.rangeEnd = formatIPv4(end === broadcast(subnet) ? end - 1 : end);
    }
    const ip = ep.IPAMConfig?.IPv4Address;
    return {
      name: this.svc.cniName(n),
      type: 'bridge',
      bridge: n.bridge,
      isGateway: true,
      ipMasq: false,
      hairpinMode: true,
      ...(mtu ? { mtu } : {}),
      ipam: {
        type: 'host-local',
        dataDir: this.svc.ipamDir,
        ranges: [[r]],
        routes: primary && !n.Internal ? [{ dst: '0.0.0.0/0' }] : [],
      },
      ...(ip ? { args: { cni: { ips: [ip] } } } : {}),
    };
  }

  private async addEndpoint(c: ContainerRecord, n: NetworkRecord, ep: Endpoint, ifname: string, primary: boolean): Promise<void> {
    const st = netState(c);
    ep.ifname = ifname;
    let r: CniResult;
    try {
      r = await this.svc.cni.add(this.cniConf(n, ep, primary), { containerId: c.id, netns: st.sandboxKey, ifname });
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      if (/is not available|already reserved|has been allocated/.test(msg)) throw forbidden('Address already in use');
      if (/no IP addresses available/.test(msg)) throw forbidden(`no available IPv4 addresses on this network's address pools: ${n.Name} (${n.Id})`);
      throw e;
    }
    this.applyResult(c, n, ep, r, ifname);
  }

  /** Record what CNI ADD gave the endpoint (`cniId`: the ID it was added with, when not the container's). */
  private applyResult(c: ContainerRecord, n: NetworkRecord, ep: Endpoint, r: CniResult, ifname: string, cniId?: string): void {
    ep.ifname = ifname;
    if (cniId) ep.cniId = cniId;
    const ip = r.ips?.[0];
    if (!ip) throw new EngineError('Internal', `CNI bridge plugin returned no address for network ${n.Name}`);
    const [addr = '', prefix = '0'] = ip.address.split('/');
    ep.IPAddress = addr;
    ep.IPPrefixLen = Number(prefix);
    ep.Gateway = ip.gateway ?? formatIPv4(ipamOf(n).gateway);
    ep.MacAddress = r.interfaces?.find((x) => x.sandbox)?.mac ?? '';
    ep.EndpointID = newId();
    ep.NetworkID = n.Id;
    ep.DNSNames = n.predefined ? null : [c.name.slice(1), ...(ep.Aliases ?? []), c.id.slice(0, 12)];
  }

  private async delEndpoint(c: ContainerRecord, name: string, ep: Endpoint): Promise<void> {
    const st = netState(c);
    if (ep.ifname && st.sandboxKey) {
      const n = this.svc.store.find(ep.NetworkID) ?? this.svc.store.find(name);
      if (n?.bridge) {
        await this.svc.cni
          .del(this.cniConf(n, ep, false), { containerId: ep.cniId ?? c.id, netns: st.sandboxKey, ifname: ep.ifname })
          .catch((e: unknown) => this.svc.ctx.log.warn('CNI DEL failed', { id: c.id, network: name, error: String(e) }));
      }
    }
    delete ep.ifname;
    delete ep.cniId;
    ep.IPAddress = '';
    ep.IPPrefixLen = 0;
    ep.Gateway = '';
    ep.MacAddress = '';
    ep.EndpointID = '';
    ep.DNSNames = null;
  }

  /** Release everything attach took; safe to call for a container that never attached. */
  private async detach(c: ContainerRecord): Promise<void> {
    const st = netState(c);
    const held = this.svc.reservations.get(c.id) ?? [];
    this.svc.reservations.delete(c.id);
    const hadPorts = Object.values(st.ports).some((v) => v?.length);
    st.ports = {};
    // A pooled sandbox's address came from IPAM, so nobody waits for its teardown: the pool
    // runs CNI DEL and removes the namespace in the background, after the other endpoints went.
    let pooled: { cniId: string; conf: Record<string, unknown>; ifname: string } | undefined;
    for (const [name, ep] of Object.entries(st.networks)) {
      const n = this.svc.store.find(ep.NetworkID) ?? this.svc.store.find(name);
      if (ep.cniId && ep.ifname && st.sandboxKey && n?.bridge) {
        pooled = { cniId: ep.cniId, conf: this.cniConf(n, ep, false), ifname: ep.ifname };
        delete ep.ifname;
      }
      await this.delEndpoint(c, name, ep);
    }
    if (st.sandboxKey && pooled) this.svc.pool.release({ path: st.sandboxKey, cniId: pooled.cniId, conf: pooled.conf }, pooled.ifname);
    else if (st.sandboxKey) await removeNetns(st.sandboxKey);
    st.sandboxKey = '';
    st.sandboxId = '';
    await Promise.all(held.map((r) => r.close()));
    if (hadPorts) await this.svc.applyFirewall();
  }

  /** After a daemon restart: hold the host ports of a container that kept running. */
  async reclaimPorts(c: ContainerRecord): Promise<void> {
    const st = netState(c);
    const held = this.svc.reservations.get(c.id) ?? [];
    this.svc.reservations.set(c.id, held);
    for (const [key, list] of Object.entries(st.ports)) {
      const { proto } = parsePortKey(key);
      for (const b of list ?? []) held.push(await this.svc.ports.reserve(proto, b.HostIp, b.HostPort));
    }
  }

  /** The DNAT rules this container needs (its published ports to its primary address). */
  forwards(c: ContainerRecord): PortForward[] {
    const st = netState(c);
    if (!st.sandboxKey) return [];
    const primary = Object.values(st.networks).find((e) => e.IPAddress);
    if (!primary) return [];
    const out: PortForward[] = [];
    for (const [key, list] of Object.entries(st.ports)) {
      const { port, proto } = parsePortKey(key);
      for (const b of list ?? []) out.push({ proto, hostIp: b.HostIp, hostPort: Number(b.HostPort), containerIp: primary.IPAddress, containerPort: port });
    }
    return out;
  }

  /** /etc/hosts and /etc/resolv.conf facts for a container on bridge networks. */
  etcInfo(c: ContainerRecord): EtcNetworkInfo {
    const st = netState(c);
    const names = [c.config.Hostname, ...(c.config.Domainname ? [`${c.config.Hostname}.${c.config.Domainname}`] : [])];
    const hosts = Object.values(st.networks)
      .filter((e) => e.IPAddress)
      .map((e) => ({ ip: e.IPAddress, names }));
    const user = Object.values(st.networks)
      .map((e) => this.svc.store.find(e.NetworkID))
      .find((n) => n && !n.predefined && n.Driver === 'bridge');
    const info: EtcNetworkInfo = { hosts, hostGatewayIp: this.svc.hostGatewayIp() };
    if (user) {
      // Docker's 127.0.0.11 resolver is, here, the embedded server on the network's gateway.
      info.nameservers = [formatIPv4(ipamOf(user).gateway)];
      info.options = ['ndots:0'];
    }
    return info;
  }

  // ---- connect / disconnect ---------------------------------------------------------------

  async connect(ref: string, containerRef: string, req: EndpointRequest): Promise<void> {
    const n = this.svc.store.get(ref);
    const c = this.containers.get(containerRef);
    await this.svc.lock.run('networks', () =>
      this.containers.ctx.containers.locks.run(c.id, async () => {
        const mode = c.hostConfig.NetworkMode || 'default';
        if (mode === 'host' || n.Driver === 'host') throw forbidden('container cannot be disconnected from host network or connected to host network');
        if (mode === 'none' || n.Driver === 'null') throw forbidden('container cannot be connected to multiple networks with one of the networks in private (none) mode');
        if (isContainerMode(mode)) throw forbidden('conflicting options: container type network can\'t be used with other networks');
        const st = netState(c);
        if (Object.values(st.networks).some((e) => e.NetworkID === n.Id)) {
          throw forbidden(`endpoint with name ${c.name.slice(1)} already exists in network ${n.Name}`);
        }
        const ep = this.endpointFor(n, req);
        st.networks[n.Name] = ep;
        if (c.state.Running && st.sandboxKey) {
          const used = new Set(Object.values(st.networks).map((e) => e.ifname));
          let i = 0;
          while (used.has(`eth${i}`)) i++;
          try {
            await this.addEndpoint(c, n, ep, `eth${i}`, false);
          } catch (e) {
            await this.delEndpoint(c, n.Name, ep);
            delete st.networks[n.Name];
            throw e;
          }
          await this.rewriteEtc(c);
        }
        await this.containers.ctx.containers.save(c);
        this.svc.ctx.events.publish('network', 'connect', n.Id, { container: c.id, name: n.Name, type: n.Driver });
      }),
    );
  }

  async disconnect(ref: string, containerRef: string, _force: boolean): Promise<void> {
    const n = this.svc.store.get(ref);
    const c = this.containers.get(containerRef);
    await this.svc.lock.run('networks', () =>
      this.containers.ctx.containers.locks.run(c.id, async () => {
        const mode = c.hostConfig.NetworkMode || 'default';
        if (mode === 'host' || n.Driver === 'host') throw forbidden('container cannot be disconnected from host network or connected to host network');
        const st = netState(c);
        const entry = Object.entries(st.networks).find(([, e]) => e.NetworkID === n.Id);
        if (!entry) throw forbidden(`container ${c.id} is not connected to network ${n.Name}`);
        const [name, ep] = entry;
        await this.delEndpoint(c, name, ep);
        delete st.networks[name];
        if (c.state.Running && st.sandboxKey) await this.rewriteEtc(c);
        await this.containers.ctx.containers.save(c);
        this.svc.ctx.events.publish('network', 'disconnect', n.Id, { container: c.id, name: n.Name, type: n.Driver });
      }),
    );
  }

  private async rewriteEtc(c: ContainerRecord): Promise<void> {
    await writeEtcFiles(c, this.containers.ctx.containers.dir(c.id), this.etcInfo(c));
  }
}

