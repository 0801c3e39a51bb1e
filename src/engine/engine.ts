import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { ConmonDriver } from '../runtime/conmon-driver.js';
import { RuncDriver } from '../runtime/runc-driver.js';
import { ImageStore } from '../store/image-store.js';
import { BuildCacheStore } from '../store/build-cache-store.js';
import { LocalContentStore } from '../store/local-content-store.js';
import { OverlaySnapshotter } from '../store/overlay-snapshotter.js';
import { readHostInfo } from '../sys/host-info.js';
import { which } from '../sys/which.js';
import { ContainerArchive } from './containers/container-archive.js';
import { ContainerService } from './containers/container-service.js';
import { ContainerStore } from './containers/container-store.js';
import { ExecService } from './containers/exec-service.js';
import { enginePaths, type EngineContext } from './engine-context.js';
import { EventBus } from './events.js';
import { GcGate } from './gc-gate.js';
import { collectGarbage } from './images/collect-garbage.js';
import { ImageService } from './images/image-service.js';
import { cleanupStepLeftovers } from './steps/cleanup-step-leftovers.js';
import { NetworkService } from './networks/network-service.js';
import { ContainerMounts } from './volumes/container-mounts.js';
import { VolumeService } from './volumes/volume-service.js';
import { RegistryHosts } from '../distribution/registry-hosts.js';
import type { ImagePolicy } from './engine-context.js';

export interface EngineOptions {
  dataRoot: string;
  execRoot: string;
  log: Logger;
  runtime?: string;
  conmon?: string;
  insecureRegistries?: string[];
  /** Default /etc/berth/certs.d. */
  registryCertsDir?: string;
  imagePolicy?: Partial<ImagePolicy>;
}

const INIT_CANDIDATES = ['/usr/bin/tini-static', '/usr/bin/tini'];

/** The composition of stores, drivers and use cases behind the API. */
export class Engine {
  readonly images: ImageService;
  readonly containers: ContainerService;
  readonly execs: ExecService;
  readonly networks: NetworkService;
  readonly volumes: VolumeService;
  readonly archive: ContainerArchive;
  readonly startedAt = new Date();

  private constructor(readonly ctx: EngineContext) {
    this.images = new ImageService(ctx);
    this.containers = new ContainerService(ctx, this.images);
    this.execs = new ExecService(this.containers);
    this.networks = new NetworkService(ctx, this.containers);
    this.volumes = new VolumeService(ctx, this.containers);
    this.archive = new ContainerArchive(this.containers, this.volumes);
    // Start order: mounts, then the network (the costlier one to undo); stop runs in reverse.
    this.containers.extend(new ContainerMounts(this.volumes));
    this.containers.extend(this.networks.endpoints);
  }

  get events() {
    return this.ctx.events;
  }

  static async open(opts: EngineOptions): Promise<Engine> {
    const paths = enginePaths(opts.dataRoot, opts.execRoot);
    await mkdir(paths.dataRoot, { recursive: true, mode: 0o711 });
    await mkdir(paths.execRoot, { recursive: true, mode: 0o711 });
    await claimDataRoot(paths.dataRoot);
    await rm(paths.tmp, { recursive: true, force: true });
    await mkdir(paths.tmp, { recursive: true, mode: 0o700 });
    const content = new LocalContentStore(join(paths.dataRoot, 'content'));
    const snapshotter = new OverlaySnapshotter(join(paths.dataRoot, 'overlay'));
    const images = new ImageStore(join(paths.dataRoot, 'image'));
    const containers = new ContainerStore(paths.containers);
    const buildCache = new BuildCacheStore(join(paths.dataRoot, 'build'));
    await content.init();
    await snapshotter.init();
    await content.cleanup();
    await snapshotter.cleanup();
    await images.init();
    await buildCache.init();
    await containers.init();
    const runtime = which(opts.runtime ?? 'runc');
    const conmon = which(opts.conmon ?? 'conmon');
    if (!runtime) throw new EngineError('FailedPrecondition', `OCI runtime ${opts.runtime ?? 'runc'} not found on PATH`);
    if (!conmon) throw new EngineError('FailedPrecondition', 'conmon not found on PATH (apt install conmon)');
    const ctx: EngineContext = {
      paths,
      content,
      snapshotter,
      images,
      buildCache,
      containers,
      runc: new RuncDriver(runtime, paths.runcRoot),
      conmon: new ConmonDriver(conmon, runtime, paths.runcRoot),
      events: new EventBus(),
      gc: new GcGate(),
      host: readHostInfo(),
      log: opts.log,
      initBinary: INIT_CANDIDATES.find((p) => existsSync(p)),
      registries: new RegistryHosts({ insecure: opts.insecureRegistries, certsDir: opts.registryCertsDir }),
      imagePolicy: { maxLayerSize: 1 << 30, rollbackDepth: 5, maxConcurrentDownloads: 3, ...(opts.imagePolicy ?? {}) },
    };
    const engine = new Engine(ctx);
    await engine.volumes.init();
    await engine.networks.load();
    await engine.containers.init();
    await engine.execs.restore();
    await cleanupStepLeftovers(ctx);
    await engine.volumes.reconcile();
    await engine.networks.start();
    // Whatever a crash left half-made (layers, blobs without an image) goes now.
    const gc = await collectGarbage(ctx);
    if (gc.layers || gc.blobs) opts.log.info('removed unreferenced data left by an earlier run', gc);
    return engine;
  }

  async close(): Promise<void> {
    this.containers.close();
    this.execs.close();
    await this.networks.close();
    this.ctx.registries.close();
    await rm(join(this.ctx.paths.dataRoot, 'daemon.pid'), { force: true });
  }
}

/** One daemon per data root: a pid file naming a live process refuses a second one. */
async function claimDataRoot(dataRoot: string): Promise<void> {
  const pidFile = join(dataRoot, 'daemon.pid');
  const old = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
  if (old && old !== process.pid && isAlive(old)) {
    const cmd = await readFile(`/proc/${old}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes('daemon')) throw new EngineError('AlreadyExists', `another berth daemon (pid ${old}) is using data root ${dataRoot}`);
  }
  await writeFile(pidFile, `${process.pid}\n`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
