/**
 * The copy API behind `docker cp` (HEAD/GET/PUT /containers/{id}/archive). Every path is
 * resolved inside the container's root by the chrooted layer workers, never on the host side:
 * a symlink the container planted — or swaps in while we work — resolves inside the container
 * (CVE-2018-15664), and nothing from the container's filesystem is ever executed or loaded
 * (CVE-2019-14271).
 *
 * The root is `/proc/<pid>/root` for a running container (its own mount namespace: volumes and
 * binds included). A stopped container's root filesystem is mounted for the operation, with its
 * volumes and binds mounted over it, under the container lock.
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { posix } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { EngineError, errnoCode, invalidArgument, isEngineError, notFound } from '../../core/errors.js';
import { applyLayer, archivePath, statPath, type PathStat } from '../../layers/index.js';
import { MountFlags, native } from '../../sys/native.js';
import { secureJoin } from '../../sys/secure-join.js';
import type { VolumeService } from '../volumes/volume-service.js';
import type { PlannedMount } from '../volumes/parse-mounts.js';
import type { ContainerRecord } from './container-record.js';
import type { ContainerService } from './container-service.js';
import { resolveUser } from './resolve-user.js';
import { mountRootfs, rootfsPath, unmountRootfs } from './rootfs.js';

/** Make a client's path absolute and clean, keeping a trailing "/" or "/." (they change the meaning). */
export function containerPath(p: string): string {
  if (p === '') throw invalidArgument('path cannot be empty');
  let clean = posix.normalize(`/${p}`).replace(/\/+$/, '') || '/';
  if (p === '.' || p.endsWith('/.')) clean = `${clean === '/' ? '' : clean}/.`;
  else if (p.endsWith('/') && clean !== '/') clean += '/';
  return clean;
}

export class ContainerArchive {
  constructor(
    private readonly containers: ContainerService,
    private readonly volumes: VolumeService,
  ) {}

  /**
   * Run `fn` with a host path that is the container's root as the container sees it. For a
   * running container `expect` is the root's "dev:ino" (the overlay the daemon mounted), which the
   * workers check after entering it: should the container exit and its pid be reused by a host
   * process meanwhile, /proc/<pid>/root would be that process's root, and is refused.
   */
  private async withRoot<T>(ref: string, fn: (root: string, c: ContainerRecord, expect?: string) => Promise<T>): Promise<T> {
    const c = this.containers.get(ref);
    const { ctx } = this.containers;
    const running = async () => {
      const st = await stat(rootfsPath(ctx, c.id), { bigint: true });
      return fn(`/proc/${c.state.Pid}/root`, c, `${st.dev}:${st.ino}`);
    };
    if (c.state.Running && c.state.Pid > 0) return running();
    return ctx.containers.locks.run(c.id, async () => {
      if (c.state.Running && c.state.Pid > 0) return running();
      const root = await mountRootfs(ctx, c.id);
      const acquired: string[] = [];
      try {
        for (const m of c.mounts as PlannedMount[]) {
          if (m.Type === 'tmpfs') continue;
          let source = m.Source;
          if (m.Type === 'volume' && m.Name) {
            source = await this.volumes.acquire(m.Name, c.id);
            acquired.push(m.Name);
          }
          await bindInto(root, m.Destination, source);
        }
        return await fn(root, c);
      } finally {
        for (const name of acquired) await this.volumes.release(name, c.id).catch(() => {});
        // A start may race with us no more: we hold the lock. The detach takes the binds too.
        unmountRootfs(ctx, c.id);
      }
    });
  }

  private notFound(c: ContainerRecord, path: string, e?: unknown): EngineError {
    return notFound(`Could not find the file ${path} in container ${c.name.slice(1)}`, e);
  }

  /** HEAD: describe a path (docker's X-Docker-Container-Path-Stat). */
  async stat(ref: string, rawPath: string): Promise<PathStat> {
    const path = containerPath(rawPath);
    return this.withRoot(ref, async (root, c, expect) => {
      try {
        return await statPath(root, path, expect);
      } catch (e) {
        if (isEngineError(e, 'NotFound')) throw this.notFound(c, rawPath, e);
        throw e;
      }
    });
  }

  /** GET: the path as a tar stream; `onStat` runs before the first byte is written. */
  async get(ref: string, rawPath: string, out: Writable, onStat: (s: PathStat) => void, signal?: AbortSignal): Promise<void> {
    const path = containerPath(rawPath);
    await this.withRoot(ref, async (root, c, expect) => {
      let st: PathStat;
      try {
        st = await statPath(root, path, expect);
      } catch (e) {
        if (isEngineError(e, 'NotFound')) throw this.notFound(c, rawPath, e);
        throw e;
      }
      onStat(st);
      await archivePath(root, path, posix.basename(path) || '.', out, { signal, expectRoot: expect });
    });
  }

  /** PUT: extract a tar into the directory at `path`. */
  async put(ref: string, rawPath: string, input: Readable, opts: { noOverwriteDirNonDir: boolean; copyUIDGID: boolean; signal?: AbortSignal }): Promise<void> {
    const path = containerPath(rawPath);
    await this.withRoot(ref, async (root, c, expect) => {
      this.checkWritable(c, path);
      let chown: { uid: number; gid: number } | undefined;
      if (opts.copyUIDGID) {
        // Resolved through the container's root filesystem, as at start.
        const u = await resolveUser(c.state.Running ? rootfsPath(this.containers.ctx, c.id) : root, c.config.User, []);
        chown = { uid: u.uid, gid: u.gid };
      }
      try {
        await applyLayer(root, input, {
          whiteouts: 'none',
          within: path,
          chown,
          noOverwriteDirNonDir: opts.noOverwriteDirNonDir,
          expectRoot: expect,
          signal: opts.signal,
        });
      } catch (e) {
        if (isEngineError(e, 'NotFound')) throw this.notFound(c, rawPath, e);
        if (isEngineError(e, 'FailedPrecondition') && /read-only/i.test(e.message)) throw new EngineError('Forbidden', 'container rootfs is marked read-only');
        throw e;
      }
    });
  }

  /** dockerd refuses to write into a read-only root filesystem or a read-only volume. */
  private checkWritable(c: ContainerRecord, path: string): void {
    const target = path.replace(/\/\.?$/, '') || '/';
    const under = (c.mounts as PlannedMount[])
      .filter((m) => target === m.Destination || target.startsWith(`${m.Destination}/`))
      .sort((a, b) => b.Destination.length - a.Destination.length)[0];
    if (under) {
      if (!under.RW) throw new EngineError('Forbidden', 'mounted volume is marked read-only');
      return;
    }
    if (c.hostConfig.ReadonlyRootfs) throw new EngineError('Forbidden', 'container rootfs is marked read-only');
  }
}

/** Bind `source` at `destination` inside a stopped container's mounted root (a mount point is created like runc would). */
async function bindInto(root: string, destination: string, source: string): Promise<void> {
  const target = await secureJoin(root, destination);
  let isDir = true;
  try {
    isDir = (await stat(source)).isDirectory();
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return; // a -v host path not created yet: nothing to show
    throw e;
  }
  try {
    await stat(target);
  } catch (e) {
    if (errnoCode(e) !== 'ENOENT') throw e;
    if (isDir) await mkdir(target, { recursive: true, mode: 0o755 });
    else {
      await mkdir(posix.dirname(target), { recursive: true, mode: 0o755 });
      await writeFile(target, '', { flag: 'a' });
    }
  }
  native().mount(source, target, '', MountFlags.BIND | MountFlags.REC, '');
}
