/**
 * Volumes, binds and tmpfs mounts in a container's life: planned and volumes created at
 * create (anonymous ones for image VOLUMEs too), mounted into the runtime spec at start (a new
 * volume seeded with the image's content at the mount point first), released at stop, and
 * anonymous volumes removed with `rm -v` / `--rm`.
 */
import { chown, chmod, lstat, mkdir, readdir, stat } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { errnoCode, invalidArgument } from '../../core/errors.js';
import { applyLayer, tarTree } from '../../layers/index.js';
import { mergeTmpfsOptions, TMPFS_DEFAULT_OPTIONS } from '../../oci/build-mounts.js';
import type { ExtraMount } from '../../oci/build-spec.js';
import { secureJoin } from '../../sys/secure-join.js';
import type { ContainerRecord } from '../containers/container-record.js';
import type { ContainerExtension, StartContribution } from '../containers/container-service.js';
import type { CreateOptions } from '../containers/create-container.js';
import type { RemoveOptions } from '../containers/remove-container.js';
import { cleanTarget, parseBind, parseMountSpec, parseVolumesFrom, type PlannedMount } from './parse-mounts.js';
import type { VolumeService } from './volume-service.js';

export function plannedMounts(c: ContainerRecord): PlannedMount[] {
  return c.mounts as PlannedMount[];
}

export class ContainerMounts implements ContainerExtension {
  constructor(private readonly volumes: VolumeService) {}

  async create(c: ContainerRecord, _opts: CreateOptions): Promise<void> {
    const hc = c.hostConfig;
    const planned: PlannedMount[] = [];
    const seen = new Set<string>(Object.keys(hc.Tmpfs ?? {}).map(cleanTarget));
    const add = (m: PlannedMount) => {
      if (seen.has(m.Destination)) throw invalidArgument(`Duplicate mount point: ${m.Destination}`);
      seen.add(m.Destination);
      planned.push(m);
    };
    for (const b of hc.Binds ?? []) add(parseBind(b));
    for (const m of hc.Mounts ?? []) add(parseMountSpec(m));
    for (const spec of hc.VolumesFrom ?? []) {
      const { ref, mode } = parseVolumesFrom(spec);
      const other = this.volumes.containers.get(ref);
      for (const m of plannedMounts(other)) {
        if (seen.has(m.Destination)) continue;
        seen.add(m.Destination);
        const rw = mode === 'ro' ? false : mode === 'rw' ? true : m.RW;
        planned.push({ ...m, RW: rw, Mode: mode || m.Mode, anonymous: false, createSource: false });
      }
    }
    // Image VOLUMEs (and `-v /path`) not covered above get an anonymous volume each.
    for (const dest of Object.keys(c.config.Volumes ?? {})) {
      const d = cleanTarget(dest);
      if (!d.startsWith('/') || seen.has(d)) continue;
      seen.add(d);
      planned.push({ Type: 'volume', Name: '', Source: '', Destination: d, Driver: 'local', Mode: '', RW: true, Propagation: '', anonymous: true });
    }
    c.mounts = planned;
    for (const m of planned) {
      if (m.Type !== 'volume') continue;
      const v = m.Name
        ? (this.volumes.find(m.Name) ?? (await this.volumes.create({ Name: m.Name, Driver: m.Driver, Labels: m.volumeLabels, DriverOpts: m.driverOpts })))
        : await this.volumes.create({ Driver: m.Driver, Labels: m.volumeLabels, DriverOpts: m.driverOpts });
      m.Name = v.Name;
      m.Driver = 'local';
      m.Source = this.volumes.dataPath(v.Name);
      delete m.volumeLabels;
      delete m.driverOpts;
    }
  }

  async start(c: ContainerRecord, rootfs: string): Promise<StartContribution> {
    const mounts: ExtraMount[] = [];
    try {
      for (const m of plannedMounts(c)) mounts.push(await this.mountFor(c, m, rootfs));
    } catch (e) {
      await this.stop(c);
      throw e;
    }
    return { mounts };
  }

  private async mountFor(c: ContainerRecord, m: PlannedMount, rootfs: string): Promise<ExtraMount> {
    const ro = m.RW ? [] : ['ro'];
    if (m.Type === 'tmpfs') {
      return { destination: m.Destination, type: 'tmpfs', source: 'tmpfs', options: mergeTmpfsOptions(TMPFS_DEFAULT_OPTIONS, [...(m.tmpfsOptions ?? []), ...ro]) };
    }
    if (m.Type === 'bind') {
      try {
        await stat(m.Source);
      } catch (e) {
        if (errnoCode(e) !== 'ENOENT') throw e;
        if (!m.createSource) throw invalidArgument(`invalid mount config for type "bind": bind source path does not exist: ${m.Source}`);
        // -v creates a missing host directory, as dockerd does.
        await mkdir(m.Source, { recursive: true, mode: 0o755 });
      }
      return { destination: m.Destination, type: 'bind', source: m.Source, options: [m.nonRecursive ? 'bind' : 'rbind', m.Propagation || 'rprivate', ...ro] };
    }
    const source = await this.volumes.acquire(m.Name!, c.id);
    m.Source = source;
    if (!m.noCopy) await seedVolume(rootfs, m.Destination, source);
    return { destination: m.Destination, type: 'bind', source, options: ['rbind', m.Propagation || 'rprivate', ...ro] };
  }

  async stop(c: ContainerRecord): Promise<void> {
    for (const m of plannedMounts(c)) if (m.Type === 'volume' && m.Name) await this.volumes.release(m.Name, c.id);
  }

  async remove(c: ContainerRecord, opts: RemoveOptions): Promise<void> {
    await this.stop(c);
    if (!opts.volumes && !c.hostConfig.AutoRemove) return;
    for (const m of plannedMounts(c)) {
      if (m.Type !== 'volume' || !m.anonymous || !m.Name) continue;
      await this.volumes.remove(m.Name, { force: true, except: c.id }).catch((e: unknown) =>
        this.volumes.ctx.log.info('anonymous volume kept', { volume: m.Name, error: e instanceof Error ? e.message : String(e) }),
      );
    }
  }
}

/**
 * Docker copies what the image has at a volume's mount point into the volume when the volume
 * is empty. The container is not running yet, so its tree cannot change under us; the copy
 * still runs through the chrooted archive workers.
 */
export async function seedVolume(rootfs: string, destination: string, volumeDir: string): Promise<void> {
  if ((await readdir(volumeDir)).length > 0) return;
  const src = await secureJoin(rootfs, destination);
  let st;
  try {
    st = await lstat(src);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT' || errnoCode(e) === 'ENOTDIR') return;
    throw e;
  }
  if (!st.isDirectory()) return;
  await chown(volumeDir, st.uid, st.gid);
  await chmod(volumeDir, st.mode & 0o7777);
  if ((await readdir(src)).length === 0) return;
  const pipe = new PassThrough();
  await Promise.all([tarTree(src, pipe), applyLayer(volumeDir, pipe, { whiteouts: 'none' })]);
}
