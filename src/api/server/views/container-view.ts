import { join } from 'node:path';
import type { ContainerRecord } from '../../../engine/containers/container-record.js';
import { statusOf } from '../../../engine/containers/filter-containers.js';
import type { Engine } from '../../../engine/engine.js';
import { containerStatus } from '../../../core/human-units.js';
import { containerNetworkSettings, containerPortsSummary } from './network-view.js';

/** `GET /containers/{id}/json`, in Docker's shape field for field. */
export function inspectContainer(engine: Engine, c: ContainerRecord): Record<string, unknown> {
  const dir = engine.ctx.containers.dir(c.id);
  const snap = engine.ctx.snapshotter;
  return {
    Id: c.id,
    Created: c.created,
    Path: c.path,
    Args: c.args,
    // dockerd reports a container waiting for its policy restart as Running and Restarting.
    State: { ...c.state, Status: statusOf(c), Running: c.state.Running || c.state.Restarting },
    Image: c.image,
    ResolvConfPath: join(dir, 'resolv.conf'),
    HostnamePath: join(dir, 'hostname'),
    HostsPath: join(dir, 'hosts'),
    LogPath: join(dir, 'container.log'),
    Name: c.name,
    RestartCount: c.restartCount,
    Driver: snap.driver,
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: c.execIds.length ? c.execIds : null,
    HostConfig: hostConfigView(c),
    GraphDriver: {
      Data: {
        MergedDir: join(dir, 'rootfs'),
        UpperDir: snap.upperDir(c.id),
        WorkDir: join(snap.upperDir(c.id), '..', 'work'),
      },
      Name: snap.driver,
    },
    Mounts: publicMounts(c),
    Config: c.config,
    NetworkSettings: containerNetworkSettings(c),
  };
}

/** HostConfig as stored, minus what Docker leaves out when unset (`Init` is an omitempty pointer). */
function hostConfigView(c: ContainerRecord): Record<string, unknown> {
  const { Init, ...rest } = c.hostConfig;
  return Init === null || Init === undefined ? rest : { ...rest, Init };
}

/** Docker's COMMAND column source: the command line, arguments quoted only when needed. */
function commandLine(c: ContainerRecord): string {
  return [c.path, ...c.args].join(' ');
}

/** One entry of `GET /containers/json`. */
export function summarizeContainer(c: ContainerRecord, now = Date.now()): Record<string, unknown> {
  const ns = containerNetworkSettings(c);
  return {
    Id: c.id,
    Names: [c.name],
    Image: c.config.Image,
    ImageID: c.image,
    Command: commandLine(c),
    Created: Math.floor(Date.parse(c.created) / 1000),
    Ports: containerPortsSummary(c),
    Labels: c.config.Labels ?? {},
    State: statusOf(c),
    Status: containerStatus({ ...c.state, Status: statusOf(c) }, now),
    HostConfig: { NetworkMode: c.hostConfig.NetworkMode },
    NetworkSettings: { Networks: ns.Networks },
    Mounts: publicMounts(c),
  };
}

/** Docker's MountPoint fields only (berth keeps a few more in the record). */
function publicMounts(c: ContainerRecord): Record<string, unknown>[] {
  return c.mounts.map((m) => ({
    Type: m.Type,
    ...(m.Type === 'volume' ? { Name: m.Name ?? '' } : {}),
    Source: m.Source,
    Destination: m.Destination,
    ...(m.Type === 'volume' ? { Driver: m.Driver ?? 'local' } : {}),
    Mode: m.Mode,
    RW: m.RW,
    Propagation: m.Propagation,
  }));
}
