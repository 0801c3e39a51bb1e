import { watch, type FSWatcher } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExtraMount, NetworkChoice } from '../../oci/build-spec.js';
import type { EngineContext } from '../engine-context.js';
import type { ImageService } from '../images/image-service.js';
import { AttachHub, AttachSession, type AttachOptions } from './attach-hub.js';
import type { ContainerRecord } from './container-record.js';
import { readLogs, type LogEntry, type LogOptions } from './container-logs.js';
import { createContainer, type CreateOptions } from './create-container.js';
import type { EtcNetworkInfo } from './etc-files.js';
import { ExitWaiters, type WaitResult } from './exit-waiters.js';
import { handleExit, readExitFile } from './handle-exit.js';
import { killContainer } from './kill-container.js';
import { pauseContainer } from './pause-container.js';
import { removeContainer, type RemoveOptions } from './remove-container.js';
import { renameContainer } from './rename-container.js';
import { commitContainer, type CommitOptions } from './commit-container.js';
import { containerChanges } from './container-changes.js';
import { containerStats } from './stats-container.js';
import { topContainer } from './top-container.js';
import { unpauseContainer } from './unpause-container.js';
import { updateContainer, type UpdateRequest } from './update-container.js';
import { restartContainer } from './restart-container.js';
import { HealthMonitors } from './health-monitor.js';
import { RestartPolicies } from './restart-policies.js';
import { restoreContainers } from './restore-containers.js';
import { startContainer } from './start-container.js';
import { guards } from './state-guards.js';
import { stopContainer, type StopOptions } from './stop-container.js';
import { waitContainer } from './wait-container.js';

type Hook<A extends unknown[]> = (...args: A) => Promise<void>;

/** What a subsystem adds to a container's runtime spec at start (see ContainerExtension.start). */
export interface StartContribution {
  /** Appended to the spec's mounts (volumes, binds). */
  mounts?: ExtraMount[];
  /** The network namespace to use instead of the default. */
  network?: NetworkChoice;
  /** Facts for /etc/hosts and /etc/resolv.conf. */
  etc?: EtcNetworkInfo;
}

/**
 * A subsystem (networks, volumes) taking part in a container's life. Hooks run in the order
 * the extensions were added; `stop` and `remove` run in reverse.
 */
export interface ContainerExtension {
  /** create: validate the request and fill the record before it is first saved. */
  create?(c: ContainerRecord, opts: CreateOptions): Promise<void>;
  /** start, with the root filesystem mounted and the lock held. */
  start?(c: ContainerRecord, rootfs: string): Promise<StartContribution>;
  /** The process is gone, or a start failed: release what start acquired. Must be idempotent. */
  stop?(c: ContainerRecord): Promise<void>;
  /** The container got a new name (`c.name`); the record is saved after this. */
  rename?(c: ContainerRecord, oldName: string): void;
  /** The record is about to be deleted (also after a failed create). */
  remove?(c: ContainerRecord, opts: RemoveOptions): Promise<void>;
}

/**
 * The container use cases. Each verb lives in its own module; this class holds
 * what they share (attach sessions, exit waiters, the exit watcher) and the
 * hooks later subsystems (restart policies, networks, volumes) plug into.
 */
export class ContainerService {
  readonly attach = new AttachHub();
  readonly waiters = new ExitWaiters();
  private watcher?: FSWatcher;
  private readonly exitHooks: Hook<[ContainerRecord]>[] = [];
  private readonly removeHooks: Hook<[ContainerRecord, RemoveOptions]>[] = [];
  private readonly extensions: ContainerExtension[] = [];

  readonly restarts: RestartPolicies = new RestartPolicies(this);
  readonly health: HealthMonitors = new HealthMonitors(this);

  constructor(
    readonly ctx: EngineContext,
    readonly images: ImageService,
  ) {
    this.onExit((c) => this.restarts.onExit(c));
  }

  /** Adopt containers that kept running while no daemon was up, and start watching exits. */
  async init(): Promise<void> {
    await mkdir(this.ctx.paths.exitDir, { recursive: true, mode: 0o700 });
    this.watcher = watch(this.ctx.paths.exitDir, (_ev, name) => {
      if (name && /^[a-f0-9]{64}$/.test(name)) void this.onExitFile(name);
    });
    await restoreContainers(this);
    // An exit that landed between the restore scan and the watch start.
    for (const name of await readdir(this.ctx.paths.exitDir)) if (/^[a-f0-9]{64}$/.test(name)) void this.onExitFile(name);
    this.restarts.restore();
  }

  close(): void {
    this.watcher?.close();
    this.restarts.close();
    this.health.close();
  }

  private async onExitFile(id: string): Promise<void> {
    try {
      const code = await readExitFile(this.ctx.paths.exitDir, id);
      if (code !== undefined) await handleExit(this, id, code);
    } catch (e) {
      this.ctx.log.error('handling container exit failed', { id, error: String((e as Error)?.stack ?? e) });
    }
  }

  onExit(hook: Hook<[ContainerRecord]>): void {
    this.exitHooks.push(hook);
  }

  onRemove(hook: Hook<[ContainerRecord, RemoveOptions]>): void {
    this.removeHooks.push(hook);
  }

  extend(ext: ContainerExtension): void {
    this.extensions.push(ext);
  }

  async extendCreate(c: ContainerRecord, opts: CreateOptions): Promise<void> {
    for (const x of this.extensions) await x.create?.(c, opts);
  }

  /** Collect every extension's contribution; on failure, what the earlier ones acquired is released. */
  async extendStart(c: ContainerRecord, rootfs: string): Promise<StartContribution> {
    const out: StartContribution = { mounts: [] };
    try {
      for (const x of this.extensions) {
        const r = (await x.start?.(c, rootfs)) ?? {};
        out.mounts!.push(...(r.mounts ?? []));
        if (r.network) out.network = r.network;
        if (r.etc) out.etc = { ...out.etc, ...r.etc };
      }
    } catch (e) {
      await this.extendStop(c);
      throw e;
    }
    return out;
  }

  async extendStop(c: ContainerRecord): Promise<void> {
    for (const x of [...this.extensions].reverse()) {
      await x.stop?.(c).catch((e: unknown) => this.ctx.log.warn('releasing container resources failed', { id: c.id, error: String(e) }));
    }
  }

  extendRename(c: ContainerRecord, oldName: string): void {
    for (const x of this.extensions) x.rename?.(c, oldName);
  }

  async extendRemove(c: ContainerRecord, opts: RemoveOptions): Promise<void> {
    for (const x of [...this.extensions].reverse()) await x.remove?.(c, opts);
  }

  async afterExit(c: ContainerRecord): Promise<void> {
    for (const h of this.exitHooks) await h(c);
  }

  async beforeRemove(c: ContainerRecord, opts: RemoveOptions): Promise<void> {
    for (const h of this.removeHooks) await h(c, opts);
  }

  create(opts: CreateOptions) {
    return createContainer(this, opts);
  }
  start(ref: string) {
    return startContainer(this, ref);
  }
  stop(ref: string, opts?: StopOptions) {
    return stopContainer(this, ref, opts);
  }
  kill(ref: string, signal?: string) {
    return killContainer(this, ref, signal);
  }
  restart(ref: string, opts?: StopOptions) {
    return restartContainer(this, ref, opts);
  }
  remove(ref: string, opts: RemoveOptions) {
    return removeContainer(this, ref, opts);
  }
  pause(ref: string) {
    return pauseContainer(this, ref);
  }
  unpause(ref: string) {
    return unpauseContainer(this, ref);
  }
  rename(ref: string, name: string) {
    return renameContainer(this, ref, name);
  }
  top(ref: string, psArgs?: string) {
    return topContainer(this, ref, psArgs);
  }
  changes(ref: string) {
    return containerChanges(this, ref);
  }
  commit(ref: string, opts: CommitOptions) {
    return commitContainer(this, ref, opts);
  }
  stats(ref: string) {
    return containerStats(this, ref);
  }
  update(ref: string, req: UpdateRequest) {
    return updateContainer(this, ref, req);
  }
  wait(ref: string, condition?: string, signal?: AbortSignal): Promise<WaitResult> {
    return waitContainer(this, ref, condition, signal);
  }
  get(ref: string): ContainerRecord {
    return this.ctx.containers.get(ref);
  }
  list(): ContainerRecord[] {
    return this.ctx.containers.all();
  }

  logPath(c: ContainerRecord): string {
    return join(this.ctx.containers.dir(c.id), 'container.log');
  }

  logs(ref: string, opts: Omit<LogOptions, 'isLive'>, emit: (e: LogEntry) => void): Promise<void> {
    const c = this.get(ref);
    return readLogs(this.logPath(c), { ...opts, isLive: () => c.state.Running || c.state.Restarting }, emit);
  }

  /**
   * Attach a client to a container's stdio. A created container gets the client
   * connected when it starts; a running one right away.
   */
  checkAttach(c: ContainerRecord): void {
    guards.attach(c);
  }

  async attachTo(ref: string, opts: AttachOptions): Promise<AttachSession> {
    const c = this.get(ref);
    guards.attach(c);
    const session = new AttachSession(opts);
    if (c.state.Running) await session.connect(this.ctx.paths.socketDir, c.id);
    else this.attach.addPending(c.id, session);
    return session;
  }
}
