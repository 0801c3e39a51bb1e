import type { ContainerConfig, ContainerState, HostConfig } from '../../core/container-types.js';
import type { Digest } from '../../core/digest.js';

/** A mount as inspect reports it (Docker's MountPoint). */
export interface MountPoint {
  Type: 'bind' | 'volume' | 'tmpfs';
  Name?: string;
  Source: string;
  Destination: string;
  Driver?: string;
  Mode: string;
  RW: boolean;
  Propagation: string;
}

/** Everything berth persists about a container: `containers/<id>/container.json`. */
export interface ContainerRecord {
  id: string;
  /** With Docker's leading slash. */
  name: string;
  created: string;
  path: string;
  args: string[];
  image: Digest;
  config: ContainerConfig;
  hostConfig: HostConfig;
  state: ContainerState;
  restartCount: number;
  mounts: MountPoint[];
  /** Image top layer the rootfs snapshot sits on. */
  snapshotParent: Digest | null;
  execIds: string[];
  /** Set by `stop`/`kill` issued by a user, so restart policies know not to restart. */
  manuallyStopped: boolean;
  /** Set while `rm` is in progress, so a crash mid-removal finishes it at start-up. */
  removing?: boolean;
  /** Extra networking data filled by the network layer. */
  network?: Record<string, unknown>;
}
