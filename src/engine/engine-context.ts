import { join } from 'node:path';
import type { Logger } from '../core/logger.js';
import type { HostInfo } from '../sys/host-info.js';
import type { LocalContentStore } from '../store/local-content-store.js';
import type { OverlaySnapshotter } from '../store/overlay-snapshotter.js';
import type { ImageStore } from '../store/image-store.js';
import type { BuildCacheStore } from '../store/build-cache-store.js';
import type { RuncDriver } from '../runtime/runc-driver.js';
import type { ConmonDriver } from '../runtime/conmon-driver.js';
import type { EventBus } from './events.js';
import type { ContainerStore } from './containers/container-store.js';
import type { GcGate } from './gc-gate.js';
import type { RegistryHosts } from '../distribution/registry-hosts.js';

export interface EnginePaths {
  dataRoot: string;
  /** Runtime state that does not survive a reboot: runc state, exit files, attach sockets. */
  execRoot: string;
  containers: string;
  runcRoot: string;
  exitDir: string;
  socketDir: string;
  tmp: string;
}

export function enginePaths(dataRoot: string, execRoot: string): EnginePaths {
  return {
    dataRoot,
    execRoot,
    containers: join(dataRoot, 'containers'),
    runcRoot: join(execRoot, 'runc'),
    exitDir: join(execRoot, 'exits'),
    socketDir: join(execRoot, 's'),
    tmp: join(dataRoot, 'tmp'),
  };
}

/** The shared dependencies every engine use case receives. */
export interface EngineContext {
  paths: EnginePaths;
  content: LocalContentStore;
  snapshotter: OverlaySnapshotter;
  images: ImageStore;
  /** Cached build steps; their layers and blobs are garbage-collection roots. */
  buildCache: BuildCacheStore;
  containers: ContainerStore;
  runc: RuncDriver;
  conmon: ConmonDriver;
  events: EventBus;
  gc: GcGate;
  host: HostInfo;
  log: Logger;
  /** Host path of a static init binary for --init, when one is installed. */
  initBinary?: string;
  /** Registry endpoints, TLS trust and --insecure-registry. */
  registries: RegistryHosts;
  /** Image distribution limits and policy (daemon flags). */
  imagePolicy: ImagePolicy;
}

export interface ImagePolicy {
  /** Uncompressed bytes any layer may reach; beyond that a layer may be at most 256x its compressed size. */
  maxLayerSize: number;
  /** How many previous targets of each tag stay protected from `image prune`. */
  rollbackDepth: number;
  /** Parallel layer downloads per pull. */
  maxConcurrentDownloads: number;
}
