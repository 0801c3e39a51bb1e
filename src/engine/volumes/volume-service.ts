/**
 * Volumes with the `local` driver (https://docs.docker.com/engine/storage/volumes/): a
 * directory `<data-root>/volumes/<name>/_data` and its record `volume.json` beside it. The
 * record is written last, so a directory without one is a create that crashed, removed at start.
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { conflict, EngineError, invalidArgument, notFound } from '../../core/errors.js';
import { isAtomicTemp, readJson, writeJsonAtomic } from '../../store/atomic-file.js';
import { KeyLock } from '../../store/key-lock.js';
import type { ContainerRecord } from '../containers/container-record.js';
import type { ContainerService } from '../containers/container-service.js';
import type { EngineContext } from '../engine-context.js';
import { mountPointsUnder, mountVolume, needsMount, unmountVolume, validateLocalOptions } from './local-driver.js';

export const ANONYMOUS_LABEL = 'com.docker.volume.anonymous';
const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export interface VolumeRecord {
  Name: string;
  Driver: 'local';
  Labels: Record<string, string> | null;
  Options: Record<string, string> | null;
  CreatedAt: string;
}

export interface VolumeCreateRequest {
  Name?: string;
  Driver?: string;
  DriverOpts?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
}

export function validVolumeName(name: string): boolean {
  return NAME_RE.test(name);
}

export class VolumeService {
  readonly root: string;
  private readonly byName = new Map<string, VolumeRecord>();
  /** Containers currently using each volume that needs a mount (tmpfs, bind, device options). */
  private readonly users = new Map<string, Set<string>>();
  readonly locks = new KeyLock();

  constructor(
    readonly ctx: EngineContext,
    readonly containers: ContainerService,
  ) {
    this.root = join(ctx.paths.dataRoot, 'volumes');
  }

  async init(): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: 0o701 });
    for (const name of await readdir(this.root)) {
      if (isAtomicTemp(name)) continue;
      const rec = await readJson<VolumeRecord>(join(this.root, name, 'volume.json')).catch(() => undefined);
      if (rec?.Name === name) this.byName.set(name, rec);
      else {
        unmountVolume(this.dataPath(name));
        await rm(join(this.root, name), { recursive: true, force: true });
      }
    }
  }

  /** After containers were restored: count who uses mounted volumes; unmount the rest. */
  async reconcile(): Promise<void> {
    for (const c of this.containers.list()) if (c.state.Running) for (const m of c.mounts) if (m.Type === 'volume' && m.Name) this.addUser(m.Name, c.id);
    for (const p of await mountPointsUnder(this.root)) {
      const m = /\/([^/]+)\/_data$/.exec(p);
      if (m && !this.users.get(m[1]!)?.size) unmountVolume(p);
    }
  }

  dataPath(name: string): string {
    return join(this.root, name, '_data');
  }

  list(): VolumeRecord[] {
    return [...this.byName.values()].sort((a, b) => a.Name.localeCompare(b.Name));
  }

  find(name: string): VolumeRecord | undefined {
    return this.byName.get(name);
  }

  get(name: string): VolumeRecord {
    const v = this.byName.get(name);
    if (!v) throw notFound(`get ${name}: no such volume`);
    return v;
  }

  /** Containers (running or not) whose mounts name the volume. */
  usedBy(name: string, except?: string): ContainerRecord[] {
    return this.containers.list().filter((c) => c.id !== except && c.mounts.some((m) => m.Type === 'volume' && m.Name === name));
  }

  /** `POST /volumes/create`; an existing volume of the same name is returned as is, as dockerd does. */
  async create(req: VolumeCreateRequest): Promise<VolumeRecord> {
    const anonymous = !req.Name;
    const name = req.Name || randomBytes(32).toString('hex');
    if (!validVolumeName(name)) {
      throw invalidArgument(
        `create ${name}: "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`,
      );
    }
    const driver = req.Driver || 'local';
    if (driver !== 'local') throw notFound(`create ${name}: error looking up volume plugin ${driver}: plugin "${driver}" not found`);
    const opts = req.DriverOpts && Object.keys(req.DriverOpts).length ? { ...req.DriverOpts } : null;
    if (opts) validateLocalOptions(opts);
    return this.locks.run(name, async () => {
      const existing = this.byName.get(name);
      if (existing) return existing;
      const rec: VolumeRecord = {
        Name: name,
        Driver: 'local',
        Labels: anonymous ? { ...(req.Labels ?? {}), [ANONYMOUS_LABEL]: '' } : req.Labels && Object.keys(req.Labels).length ? req.Labels : null,
        Options: opts,
        CreatedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      };
      await mkdir(this.dataPath(name), { recursive: true, mode: 0o755 });
      await writeJsonAtomic(join(this.root, name, 'volume.json'), rec);
      this.byName.set(name, rec);
      this.ctx.events.publish('volume', 'create', name, { driver: 'local' });
      return rec;
    });
  }

  /** `DELETE /volumes/{name}`: refused while any container refers to it. */
  async remove(name: string, opts: { force?: boolean; except?: string } = {}): Promise<void> {
    await this.locks.run(name, async () => {
      const v = this.byName.get(name);
      if (!v) {
        if (opts.force) return;
        throw notFound(`get ${name}: no such volume`);
      }
      const users = this.usedBy(name, opts.except);
      if (users.length) throw conflict(`remove ${name}: volume is in use - [${users.map((c) => c.id).join(', ')}]`);
      unmountVolume(this.dataPath(name));
      this.byName.delete(name);
      await rm(join(this.root, name, 'volume.json'), { force: true });
      await rm(join(this.root, name), { recursive: true, force: true });
      this.ctx.events.publish('volume', 'destroy', name, { driver: 'local' });
    });
  }

  /** `POST /volumes/prune`: unused volumes; only anonymous ones unless `all`. */
  async prune(keep: (v: VolumeRecord) => boolean, all: boolean): Promise<{ deleted: string[]; reclaimed: number }> {
    const deleted: string[] = [];
    let reclaimed = 0;
    for (const v of this.list()) {
      if (!all && v.Labels?.[ANONYMOUS_LABEL] === undefined) continue;
      if (keep(v) || this.usedBy(v.Name).length) continue;
      const size = needsMount(v.Options) ? 0 : await diskUsage(this.dataPath(v.Name));
      try {
        await this.remove(v.Name);
        deleted.push(v.Name);
        reclaimed += size;
      } catch (e) {
        if (!(e instanceof EngineError)) throw e;
      }
    }
    return { deleted, reclaimed };
  }

  /** A container starts using the volume: mount it first if it has mount options. */
  async acquire(name: string, containerId: string): Promise<string> {
    const v = this.get(name);
    await this.locks.run(name, async () => {
      if (needsMount(v.Options) && !this.users.get(name)?.size) mountVolume(this.dataPath(name), v.Options!);
      this.addUser(name, containerId);
    });
    return this.dataPath(name);
  }

  async release(name: string, containerId: string): Promise<void> {
    await this.locks.run(name, async () => {
      const set = this.users.get(name);
      if (!set?.delete(containerId)) return;
      const v = this.byName.get(name);
      if (!set.size && v && needsMount(v.Options)) unmountVolume(this.dataPath(name));
    });
  }

  private addUser(name: string, id: string): void {
    let s = this.users.get(name);
    if (!s) this.users.set(name, (s = new Set()));
    s.add(id);
  }
}

/** Bytes used by the files under `dir` (what `volume prune` reports as reclaimed). */
export async function diskUsage(dir: string): Promise<number> {
  let total = 0;
  const walk = async (p: string): Promise<void> => {
    let st;
    try {
      st = await lstat(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const n of await readdir(p).catch(() => [] as string[])) await walk(join(p, n));
    } else total += st.size;
  };
  await walk(dir);
  return total;
}
