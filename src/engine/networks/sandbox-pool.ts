/**
 * Network sandboxes prepared ahead of time for the default bridge network: a fresh network
 * namespace with its loopback up and eth0 already attached by the CNI bridge plugin (an
 * address leased by host-local IPAM). Starting a container on the default bridge then takes
 * one instead of running CNI ADD on its start path (~50 ms of plugin processes here), and
 * the pool refills in the background.
 *
 * Isolation is unchanged: a sandbox is never shared, never given back, and no process has
 * run in it before the container's. Its CNI container ID is its own (`pool-…`), recorded
 * on the endpoint, so CNI DEL and IPAM release work after a daemon restart too, and
 * NetworkService.cleanupLeftovers drops the spare ones a crash left behind.
 *
 * Giving a sandbox up (the container stopped) runs CNI DEL and removes the namespace in the
 * background: its address was picked by IPAM, so nobody waits for it. `close()` waits for
 * everything in flight and tears down the spare sandboxes.
 */
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../core/logger.js';
import type { CniResult, CniRunner } from '../../network/cni.js';
import { createNetns, removeNetns } from '../../network/netns.js';

export const POOL_PREFIX = 'pool-';
/** How many spare default-bridge sandboxes a daemon keeps. */
export const POOL_SIZE = 2;

export interface Sandbox {
  /** Bind-mounted network namespace. */
  path: string;
  /** The CNI container ID its eth0 was added (and must be deleted) with. */
  cniId: string;
  networkId: string;
  /** The CNI configuration it was made with (DEL takes the same one). */
  conf: Record<string, unknown>;
  result: CniResult;
}

export interface SandboxSource {
  /** The default bridge network's id and CNI configuration, or undefined when it has none yet. */
  defaultBridge(): { networkId: string; conf: Record<string, unknown> } | undefined;
}

export class SandboxPool {
  private readonly ready: Sandbox[] = [];
  private filling = 0;
  private closed = false;
  /** Set after a failed fill: the pool stops trying and containers take the ordinary path. */
  private broken = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly cni: CniRunner,
    private readonly netnsDir: string,
    private readonly source: SandboxSource,
    private readonly log: Logger,
    readonly size = POOL_SIZE,
  ) {}

  /** A prepared sandbox on network `networkId` (and a refill started), or undefined. */
  take(networkId: string): Sandbox | undefined {
    const i = this.ready.findIndex((s) => s.networkId === networkId);
    const s = i >= 0 ? this.ready.splice(i, 1)[0] : undefined;
    this.refill();
    return s;
  }

  /** Top the pool up in the background. */
  refill(): void {
    while (!this.closed && !this.broken && this.ready.length + this.filling < this.size) {
      const target = this.source.defaultBridge();
      if (!target) return;
      this.filling++;
      this.track(
        this.fill(target.networkId, target.conf)
          .catch((e: unknown) => {
            this.broken = true;
            this.log.warn('cannot prepare network sandboxes ahead of time; containers get theirs at start', { error: String(e) });
          })
          .finally(() => this.filling--),
      );
    }
  }

  /** Tear a used sandbox down in the background (CNI DEL, then the namespace). */
  release(s: Pick<Sandbox, 'path' | 'cniId' | 'conf'>, ifname: string): void {
    this.track(this.destroy(s, ifname));
  }

  /** Wait for fills and teardowns in flight, then remove the spare sandboxes. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
    await Promise.all(this.ready.splice(0).map((s) => this.destroy(s, 'eth0')));
  }

  private async fill(networkId: string, conf: Record<string, unknown>): Promise<void> {
    const cniId = `${POOL_PREFIX}${randomBytes(16).toString('hex')}`;
    const path = join(this.netnsDir, cniId);
    await createNetns(path);
    let result: CniResult;
    try {
      result = await this.cni.add(conf, { containerId: cniId, netns: path, ifname: 'eth0' });
    } catch (e) {
      await removeNetns(path).catch(() => {});
      throw e;
    }
    const s: Sandbox = { path, cniId, networkId, conf, result };
    if (this.closed) await this.destroy(s, 'eth0');
    else this.ready.push(s);
  }

  private async destroy(s: Pick<Sandbox, 'path' | 'cniId' | 'conf'>, ifname: string): Promise<void> {
    await this.cni
      .del(s.conf, { containerId: s.cniId, netns: s.path, ifname })
      .catch((e: unknown) => this.log.warn('CNI DEL of a network sandbox failed', { sandbox: s.cniId, error: String(e) }));
    await removeNetns(s.path).catch((e: unknown) => this.log.warn('cannot remove a network namespace', { path: s.path, error: String(e) }));
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }
}
