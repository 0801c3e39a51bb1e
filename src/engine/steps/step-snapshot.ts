/**
 * A writable snapshot for one build step (RUN, COPY, ADD, WORKDIR): an overlay of the parent
 * layers plus a fresh upper dir, mounted at `<data-root>/build/runs/<key>/rootfs`. When the
 * step is done, the upper dir *is* the step's layer: `commit` archives it (the diff ID and the
 * layer blob) and moves the directory into the layer store instead of extracting the archive
 * again. Nothing is visible to images until a cache record or image references the layer.
 */
import { lstat, mkdir, readdir, rename, rm, utimes, chown, chmod, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join, posix } from 'node:path';
import type { Digest } from '../../core/digest.js';
import { EngineError, errnoCode } from '../../core/errors.js';
import { MediaTypes, type Descriptor } from '../../core/image-types.js';
import { applyLayer } from '../../layers/apply-layer.js';
import { packUpper } from './pack-upper.js';
import { secureJoin } from '../../sys/secure-join.js';
import { native, UmountFlags } from '../../sys/native.js';
import type { Mount } from '../../core/mount.js';
import type { EngineContext } from '../engine-context.js';

/** Key prefix of build snapshots; start-up removes any a crash left behind. */
export const STEP_KEY_PREFIX = 'build-';

export interface CommittedLayer {
  diffId: Digest;
  chainId: Digest;
  blob: Descriptor;
  /** Uncompressed size. */
  size: number;
}

/** A path a step's container mounts over: it must exist before runc starts, but not in the layer. */
export interface MountTarget {
  path: string;
  kind: 'dir' | 'file';
}

export function stepRunDir(ctx: EngineContext, key: string): string {
  return join(ctx.paths.dataRoot, 'build', 'runs', key);
}

export class StepSnapshot {
  private mounted = false;
  private disposed = false;
  private mounts: Mount[] = [];
  readonly rootfs: string;
  readonly dir: string;

  private constructor(
    private readonly ctx: EngineContext,
    readonly key: string,
    readonly parent: Digest | null,
  ) {
    this.dir = stepRunDir(ctx, key);
    this.rootfs = join(this.dir, 'rootfs');
  }

  /** Prepare a snapshot on top of `parent` (a chain ID, null for scratch). */
  static async create(ctx: EngineContext, parent: Digest | null): Promise<StepSnapshot> {
    const key = `${STEP_KEY_PREFIX}${randomBytes(16).toString('hex')}`;
    const s = new StepSnapshot(ctx, key, parent);
    try {
      await mkdir(s.rootfs, { recursive: true, mode: 0o700 });
      s.mounts = await ctx.snapshotter.prepare(key, parent);
    } catch (e) {
      await s.dispose();
      throw e;
    }
    return s;
  }

  get upperDir(): string {
    return this.ctx.snapshotter.upperDir(this.key);
  }

  /**
   * Mount the root filesystem. With `targets`, paths the container will mount over are first
   * looked up in the parent layers; those that are missing are created in a private init
   * directory stacked above the parents (with the metadata of the directories they sit in),
   * so runc finds them and does not create them in the upper dir — as Docker's init layer does.
   */
  async mount(targets: MountTarget[] = []): Promise<string> {
    let init: string | undefined;
    if (targets.length > 0) {
      this.mountWith(undefined);
      try {
        init = await this.buildInit(targets);
      } finally {
        this.unmount();
      }
    }
    this.mountWith(init);
    return this.rootfs;
  }

  private mountWith(init: string | undefined): void {
    const [m] = this.mounts;
    const options = m!.options.map((o) => (init && o.startsWith('lowerdir=') ? `lowerdir=${init}:${o.slice('lowerdir='.length)}` : o));
    try {
      native().mount(m!.source, this.rootfs, m!.type, 0, options.join(','));
    } catch (e) {
      throw new EngineError('Internal', `cannot mount the build step's root filesystem: ${(e as Error).message}`, { cause: e });
    }
    this.mounted = true;
  }

  private async buildInit(targets: MountTarget[]): Promise<string | undefined> {
    const init = join(this.dir, 'init');
    let created = false;
    for (const t of targets) {
      const real = await secureJoin(this.rootfs, t.path);
      if (await exists(real)) continue;
      const rel = posix.relative(this.rootfs, real);
      const parts = rel.split('/').filter(Boolean);
      let cur = '';
      for (let i = 0; i < parts.length; i++) {
        cur = cur ? `${cur}/${parts[i]}` : parts[i]!;
        const last = i === parts.length - 1;
        const target = join(init, cur);
        if (await exists(target)) continue;
        const lower = await lstat(join(this.rootfs, cur)).catch(() => undefined);
        created = true;
        if (last && t.kind === 'file') {
          await mkdir(join(init, ...parts.slice(0, -1)), { recursive: true, mode: 0o755 });
          await writeFile(target, '', { mode: 0o644 });
        } else if (lower?.isDirectory()) {
          await mkdir(target, { recursive: true, mode: 0o755 });
          // Mirror the parent layer's directory, so the merged view is unchanged.
          await chmod(target, lower.mode & 0o7777);
          await chown(target, lower.uid, lower.gid);
          await utimes(target, lower.atime, lower.mtime);
        } else {
          await mkdir(target, { recursive: true, mode: 0o755 });
        }
      }
    }
    return created ? init : undefined;
  }

  unmount(): void {
    if (!this.mounted) return;
    for (let i = 0; i < 8; i++) {
      try {
        native().umount2(this.rootfs, UmountFlags.DETACH);
      } catch (e) {
        if (errnoCode(e) === 'EINVAL' || errnoCode(e) === 'ENOENT') break;
        throw e;
      }
    }
    this.mounted = false;
  }

  /**
   * Turn the upper dir into a committed layer on top of the parent. Returns null when the step
   * changed nothing (Docker records such a step as an empty layer). The snapshot is unmounted.
   */
  async commit(opts: { sourceDateEpoch?: number; signal?: AbortSignal } = {}): Promise<CommittedLayer | null> {
    this.unmount();
    const upper = this.upperDir;
    if ((await readdir(upper)).length === 0) return null;
    const { ctx } = this;
    // Uncompressed: the blob's digest is the diff ID.
    const blob = await ctx.content.write(packUpper(upper, opts.sourceDateEpoch), { signal: opts.signal });
    const diffId = blob.digest;
    const size = blob.size;
    const layer = await ctx.snapshotter.createLayer(this.parent, async (dir) => {
      if (opts.sourceDateEpoch !== undefined) {
        // Clamped times live only in the archive: extract it so the layer matches its diff ID.
        return applyLayer(dir, ctx.content.createReadStream(blob.digest), { whiteouts: 'overlay', signal: opts.signal });
      }
      await rm(dir, { recursive: true, force: true });
      await rename(upper, dir);
      return { diffId, size };
    });
    return { diffId, chainId: layer.chainId, size, blob: { mediaType: MediaTypes.ociLayer, digest: blob.digest, size: blob.size } };
  }

  /** Unmount and remove everything of this step; idempotent. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    try {
      this.unmount();
    } catch {
      /* removed below anyway; start-up cleanup catches the rest */
    }
    await this.ctx.snapshotter.removeActive(this.key).catch(() => {});
    await rm(this.dir, { recursive: true, force: true }).catch(() => {});
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch (e) {
    if (errnoCode(e) === 'ENOENT' || errnoCode(e) === 'ENOTDIR') return false;
    throw e;
  }
}
