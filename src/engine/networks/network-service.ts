/**
 * Networks: the predefined bridge/host/none networks, user-defined bridge networks, their
 * bridges, firewall rules and embedded DNS servers, and the container endpoints on them.
 *
 *   network-service.ts      lifecycle (open, reconcile at start, close) and the network verbs
 *   container-endpoints.ts  a container's side: create-time checks, attach at start, detach at stop
 *   dns-lookup.ts           what the embedded DNS servers answer
 *
 * The host resources are named after a per-data-root tag (bridges, iptables chains) so daemons
 * with different data roots coexist on one host; see docs/architecture.md "Networking".
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { EngineError, isEngineError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { KeyLock } from '../../store/key-lock.js';
import { CniRunner } from '../../network/cni.js';
import { deleteLink, enableForwarding, ensureBridge, hostSubnets, linkExists } from '../../network/bridge-device.js';
import { DnsServer } from '../../network/dns/dns-server.js';
import { Firewall, type FirewallNetwork, type PortForward } from '../../network/firewall.js';
import { formatIPv4, formatSubnet, overlaps, parseSubnet } from '../../network/ipv4.js';
import { removeNetns } from '../../network/netns.js';
import { PortReserver, type Reservation } from '../../network/port-reservation.js';
import { pickSubnet, withSubnetLock } from '../../network/subnet-pool.js';
import type { ContainerRecord } from '../containers/container-record.js';
import type { ContainerService } from '../containers/container-service.js';
import type { EngineContext } from '../engine-context.js';
import { ContainerEndpoints } from './container-endpoints.js';
import { dnsLookup } from './dns-lookup.js';
import { SandboxPool } from './sandbox-pool.js';
import { buildNetworkRecord, forbidden, ipamOf, networkFlags, OPT_BRIDGE_NAME, OPT_ICC, OPT_MASQ, OPT_MTU, type NetworkCreateRequest } from './network-create.js';
import { NetworkStore } from './network-store.js';
import { netState, type NetworkRecord } from './network-types.js';

export const DEFAULT_DATA_ROOT = '/var/lib/berth';

export class NetworkService {
  readonly store: NetworkStore;
  readonly cni = new CniRunner();
  readonly ports = new PortReserver();
  readonly firewall: Firewall;
  readonly endpoints: ContainerEndpoints;
  /** Host port reservations of running containers. */
  readonly reservations = new Map<string, Reservation[]>();
  /** Default-bridge sandboxes prepared ahead of time (see sandbox-pool.ts). */
  readonly pool: SandboxPool;
  readonly tag: string;
  readonly ipamDir: string;
  readonly netnsDir: string;
  private readonly dns = new Map<string, DnsServer>();
  private readonly fwLock = new KeyLock();
  /** Serialises network create/remove/connect and the daemon's reconciliation. */
  readonly lock = new KeyLock();

  constructor(
    readonly ctx: EngineContext,
    readonly containers: ContainerService,
  ) {
    this.store = new NetworkStore(join(ctx.paths.dataRoot, 'network', 'networks'));
    this.tag = createHash('sha256').update(ctx.paths.dataRoot).digest('hex').slice(0, 8);
    this.firewall = new Firewall(this.tag);
    this.ipamDir = join(ctx.paths.execRoot, 'cni', 'ipam');
    this.netnsDir = join(ctx.paths.execRoot, 'netns');
    this.endpoints = new ContainerEndpoints(this);
    this.pool = new SandboxPool(this.cni, this.netnsDir, { defaultBridge: () => this.defaultBridgeTarget() }, ctx.log);
  }

  private defaultBridgeTarget(): { networkId: string; conf: Record<string, unknown> } | undefined {
    const n = this.store.all().find((x) => x.predefined && x.Name === 'bridge');
    return n?.bridge && n.IPAM.Config.length ? { networkId: n.Id, conf: this.endpoints.poolConf(n) } : undefined;
  }

  /** Load records and make sure the predefined networks exist (before containers are restored). */
  async load(): Promise<void> {
    await this.store.init();
    await mkdir(this.ipamDir, { recursive: true, mode: 0o700 });
    await mkdir(this.netnsDir, { recursive: true, mode: 0o700 });
    for (const [name, driver] of [['bridge', 'bridge'], ['host', 'host'], ['none', 'null']] as const) {
      if (this.store.all().some((n) => n.Name === name && n.predefined)) continue;
      await this.store.save(this.predefinedRecord(name, driver));
    }
  }

  private predefinedRecord(name: string, driver: NetworkRecord['Driver']): NetworkRecord {
    return {
      Name: name,
      Id: newId(),
      Created: new Date().toISOString(),
      Scope: 'local',
      Driver: driver,
      EnableIPv6: false,
      IPAM: { Driver: 'default', Options: null, Config: [] },
      Internal: false,
      Attachable: false,
      Ingress: false,
      ConfigFrom: { Network: '' },
      ConfigOnly: false,
      Options: {},
      Labels: {},
      predefined: true,
    };
  }

  defaultBridgeName(): string {
    return this.ctx.paths.dataRoot === DEFAULT_DATA_ROOT ? 'berth0' : `berth-${this.tag.slice(0, 6)}`;
  }

  /**
   * After containers were restored: bring every bridge, DNS server and rule up to date, take
   * the host ports of running containers again, and drop what a crash left behind.
   */
  async start(): Promise<void> {
    await enableForwarding();
    for (const n of this.store.all().filter((x) => x.removing)) await this.finishRemove(n);
    const bridge = this.store.all().find((n) => n.predefined && n.Name === 'bridge')!;
    if (!bridge.bridge || !linkExists(bridge.bridge)) {
      // The default bridge's subnet is chosen by berth: choose again if, while this daemon was
      // stopped, something else on the host took it.
      await withSubnetLock(async () => {
        const current = bridge.IPAM.Config[0]?.Subnet;
        const inUse = this.attached(bridge).some((c) => c.state.Running);
        const hostTaken = (await hostSubnets()).map((h) => h.subnet);
        if (!current || (!inUse && hostTaken.some((t) => overlaps(t, parseSubnet(current, { strict: false }))))) {
          bridge.IPAM.Config = [];
          const s = await this.allocateSubnet();
          bridge.IPAM.Config = [{ Subnet: formatSubnet(s), Gateway: formatIPv4(s.base + 1) }];
        }
        bridge.bridge = this.defaultBridgeName();
        bridge.Options = {
          'com.docker.network.bridge.default_bridge': 'true',
          [OPT_ICC]: 'true',
          [OPT_MASQ]: 'true',
          'com.docker.network.bridge.host_binding_ipv4': '0.0.0.0',
          [OPT_BRIDGE_NAME]: bridge.bridge,
          [OPT_MTU]: '1500',
        };
        await this.store.save(bridge);
        await this.ensureHostSide(bridge);
      });
    }
    for (const n of this.bridgeNetworks()) await this.ensureHostSide(n);
    await this.cleanupLeftovers();
    for (const c of this.containers.list()) {
      if (c.state.Running) await this.endpoints.reclaimPorts(c).catch((e: unknown) => this.ctx.log.warn('cannot take published ports again', { id: c.id, error: String(e) }));
    }
    await this.applyFirewall();
    this.pool.refill();
  }

  bridgeNetworks(): NetworkRecord[] {
    return this.store.all().filter((n) => n.Driver === 'bridge' && n.bridge && !n.removing);
  }

  /** The gateway of the default bridge: what `host-gateway` means in --add-host. */
  hostGatewayIp(): string | undefined {
    const b = this.store.all().find((n) => n.predefined && n.Name === 'bridge');
    return b?.IPAM.Config[0]?.Gateway;
  }

  async allocateSubnet() {
    const taken = [
      ...this.store.all().flatMap((n) => n.IPAM.Config.map((c) => parseSubnet(c.Subnet, { strict: false }))),
      ...(await hostSubnets()).map((h) => h.subnet),
    ];
    const s = pickSubnet(taken);
    if (!s) throw forbidden('could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network');
    return s;
  }

  /** The bridge with its gateway address, and (user-defined networks) the DNS server on it. */
  private async ensureHostSide(n: NetworkRecord): Promise<void> {
    const { subnet, gateway } = ipamOf(n);
    await ensureBridge(n.bridge!, `${formatIPv4(gateway)}/${subnet.prefix}`, networkFlags(n).mtu);
    if (!n.predefined && !this.dns.has(n.Id)) {
      const server = new DnsServer({ address: formatIPv4(gateway), lookup: dnsLookup(this, n), log: this.ctx.log });
      try {
        await server.start({ fallback: true });
        this.dns.set(n.Id, server);
        if (server.port !== 53) this.ctx.log.warn('port 53 is taken on the gateway; the embedded DNS server listens elsewhere, reached through a DNAT rule', { network: n.Name, port: server.port });
      } catch (e) {
        this.ctx.log.warn('embedded DNS server could not start; containers on this network cannot resolve each other', {
          network: n.Name,
          address: formatIPv4(gateway),
          error: String(e),
        });
      }
    }
  }

  /** Re-render the iptables chains from the networks and the running containers' published ports. */
  async applyFirewall(): Promise<void> {
    await this.fwLock.run('fw', async () => {
      const nets: FirewallNetwork[] = this.bridgeNetworks().map((n) => {
        const f = networkFlags(n);
        const dns = this.dns.get(n.Id);
        return {
          bridge: n.bridge!,
          subnet: n.IPAM.Config[0]!.Subnet,
          internal: n.Internal,
          masquerade: f.masquerade,
          icc: f.icc,
          ...(dns ? { dns: { gateway: n.IPAM.Config[0]!.Gateway!, port: dns.port } } : {}),
        };
      });
      const forwards: PortForward[] = [];
      for (const c of this.containers.list()) forwards.push(...this.endpoints.forwards(c));
      await this.firewall.apply(nets, forwards);
    });
  }

  /** Netns files, IPAM leases and DNS entries of containers that are not running any more. */
  private async cleanupLeftovers(): Promise<void> {
    // Running containers own their netns files and leases by container ID, or by the
    // pooled sandbox's ID they took (see sandbox-pool.ts); spare sandboxes are dropped.
    const running = new Set<string>();
    for (const c of this.containers.list().filter((x) => x.state.Running)) {
      const st = netState(c);
      running.add(c.id);
      if (st.sandboxKey) running.add(basename(st.sandboxKey));
      for (const ep of Object.values(st.networks)) if (ep.cniId) running.add(ep.cniId);
    }
    for (const f of await readdir(this.netnsDir).catch(() => [] as string[])) {
      if (!running.has(f)) {
        this.ctx.log.info('removing a network namespace left by an earlier run', { id: f });
        await removeNetns(join(this.netnsDir, f));
      }
    }
    const known = new Set(this.bridgeNetworks().map((n) => this.cniName(n)));
    for (const dir of await readdir(this.ipamDir).catch(() => [] as string[])) {
      const path = join(this.ipamDir, dir);
      if (!known.has(dir)) {
        await rm(path, { recursive: true, force: true });
        continue;
      }
      for (const f of await readdir(path)) {
        if (f === 'lock' || f.startsWith('last_reserved_ip')) continue;
        const owner = (await readFile(join(path, f), 'utf8').catch(() => '')).split(/\r?\n/)[0]?.trim() ?? '';
        if (!running.has(owner)) await rm(join(path, f), { force: true });
      }
    }
  }

  cniName(n: NetworkRecord): string {
    return `berth-${n.Id.slice(0, 12)}`;
  }

  // ---- the network verbs ------------------------------------------------------------------

  get(ref: string): NetworkRecord {
    return this.store.get(ref);
  }

  list(): NetworkRecord[] {
    return this.store.all().filter((n) => !n.removing);
  }

  /** Containers with an endpoint on `n` (running ones have addresses). */
  attached(n: NetworkRecord): ContainerRecord[] {
    return this.containers.list().filter((c) => Object.values(netState(c).networks).some((e) => e.NetworkID === n.Id));
  }

  async create(req: NetworkCreateRequest): Promise<{ id: string; warning: string }> {
    return this.lock.run('networks', async () => {
      const cx = { existing: this.list(), allocate: () => this.allocateSubnet() };
      const explicit = (req.IPAM?.Config ?? []).some((c) => c?.Subnet);
      const make = async () => {
        const rec = await buildNetworkRecord(req, cx);
        if (linkExists(rec.bridge!) && req.Options?.[OPT_BRIDGE_NAME]) throw new EngineError('Conflict', `bridge name ${rec.bridge} is already in use on this host`);
        await this.store.save(rec);
        try {
          await this.ensureHostSide(rec);
        } catch (e) {
          await this.finishRemove(rec).catch(() => {});
          throw e;
        }
        return rec;
      };
      const rec = explicit ? await make() : await withSubnetLock(make);
      await this.applyFirewall();
      this.ctx.events.publish('network', 'create', rec.Id, { name: rec.Name, type: rec.Driver });
      return { id: rec.Id, warning: '' };
    });
  }

  async remove(ref: string): Promise<void> {
    await this.lock.run('networks', async () => {
      const n = this.store.get(ref);
      if (n.predefined) throw forbidden(`${n.Name} is a pre-defined network and cannot be removed`);
      const active = this.attached(n).filter((c) => c.state.Running);
      if (active.length) {
        throw forbidden(`error while removing network: network ${n.Name} id ${n.Id} has active endpoints`);
      }
      n.removing = true;
      await this.store.save(n);
      await this.finishRemove(n);
      await this.applyFirewall();
      this.ctx.events.publish('network', 'destroy', n.Id, { name: n.Name, type: n.Driver });
    });
  }

  private async finishRemove(n: NetworkRecord): Promise<void> {
    const server = this.dns.get(n.Id);
    this.dns.delete(n.Id);
    await server?.close();
    if (n.bridge) await deleteLink(n.bridge);
    await rm(join(this.ipamDir, this.cniName(n)), { recursive: true, force: true });
    await this.store.delete(n);
  }

  /** `POST /networks/prune`: user networks no container uses. */
  async prune(keep: (n: NetworkRecord) => boolean): Promise<string[]> {
    const removed: string[] = [];
    for (const n of this.list()) {
      if (n.predefined || keep(n) || this.attached(n).length) continue;
      try {
        await this.remove(n.Id);
        removed.push(n.Name);
      } catch (e) {
        if (!isEngineError(e)) throw e;
        this.ctx.log.warn('prune could not remove network', { network: n.Name, error: e.message });
      }
    }
    return removed;
  }

  connect(ref: string, container: string, endpoint: Record<string, unknown> | null | undefined): Promise<void> {
    return this.endpoints.connect(ref, container, endpoint ?? {});
  }

  disconnect(ref: string, container: string, force: boolean): Promise<void> {
    return this.endpoints.disconnect(ref, container, force);
  }

  /**
   * Daemon shutdown. With containers still running everything stays (they keep their
   * addresses and published ports); otherwise the bridges and rules go too, so a stopped
   * daemon leaves nothing in `ip link` or iptables. The next start recreates them.
   */
  async close(): Promise<void> {
    await this.pool.close();
    for (const s of this.dns.values()) await s.close().catch(() => {});
    this.dns.clear();
    await this.ports.closeAll();
    if (this.containers.list().some((c) => c.state.Running)) return;
    await this.firewall.remove().catch((e: unknown) => this.ctx.log.warn('removing firewall rules failed', { error: String(e) }));
    for (const n of this.bridgeNetworks()) await deleteLink(n.bridge!).catch(() => {});
  }
}
