import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { digestHex, isDigest, sha256, type Digest } from '../core/digest.js';
import { notFound, failedPrecondition, invalidArgument } from '../core/errors.js';
import type { LayerInfo, Snapshotter } from '../core/interfaces.js';
import type { Mount } from '../core/mount.js';
import { readJson, writeJsonAtomic, fsyncDir } from './atomic-file.js';
import { KeyLock } from './key-lock.js';
import { native } from '../sys/native.js';

/**
 * Overlayfs snapshots. Layout under `<root>`:
 *   layers/<chainhex>/fs        extracted layer (an overlay lowerdir), shared by every image using it
 *   layers/<chainhex>/layer.json  LayerInfo, written last: a layer without it is incomplete
 *   active/<key>/{diff,work}    a container's upperdir and workdir
 *   tmp/                        work in progress; emptied at start-up
 * Layer directories are never copied per container.
 */
export class OverlaySnapshotter implements Snapshotter {
  readonly driver = 'overlay2';
  private readonly layersDir: string;
  private readonly activeDir: string;
  private readonly tmpDir: string;
  private readonly emptyDir: string;
  private readonly locks = new KeyLock();
  private readonly cache = new Map<Digest, LayerInfo>();

  constructor(root: string) {
    this.layersDir = join(root, 'layers');
    this.activeDir = join(root, 'active');
    this.tmpDir = join(root, 'tmp');
    this.emptyDir = join(root, 'empty');
  }

  async init(): Promise<void> {
    for (const d of [this.layersDir, this.activeDir, this.tmpDir, this.emptyDir]) await mkdir(d, { recursive: true, mode: 0o700 });
  }

  layerDir(chainId: Digest): string {
    return join(this.layersDir, digestHex(chainId), 'fs');
  }

  async hasLayer(chainId: Digest): Promise<boolean> {
    if (this.cache.has(chainId)) return true;
    return (await this.readLayer(chainId)) !== undefined;
  }

  private async readLayer(chainId: Digest): Promise<LayerInfo | undefined> {
    const cached = this.cache.get(chainId);
    if (cached) return cached;
    const info = await readJson<LayerInfo>(join(this.layersDir, digestHex(chainId), 'layer.json'));
    if (info) this.cache.set(chainId, info);
    return info;
  }

  async layer(chainId: Digest): Promise<LayerInfo> {
    const info = await this.readLayer(chainId);
    if (!info) throw notFound(`layer ${chainId} not found`);
    return info;
  }

  async createLayer(
    parent: Digest | null,
    fill: (dir: string) => Promise<{ diffId: Digest; size: number }>,
    opts: { expectedDiffId?: Digest } = {},
  ): Promise<LayerInfo> {
    if (parent && !(await this.hasLayer(parent))) throw failedPrecondition(`parent layer ${parent} does not exist`);
    if (opts.expectedDiffId) {
      const expected = chainIdOf(parent, opts.expectedDiffId);
      return this.locks.run(expected, async () => (await this.readLayer(expected)) ?? this.fillLayer(parent, fill, opts.expectedDiffId));
    }
    return this.fillLayer(parent, fill);
  }

  /**
   * createLayer for a layer whose parent is still being made: `fill` runs at once (a layer's
   * directory never depends on its parent's content), and the layer is committed only after
   * `parentReady` resolves and the parent exists. Lets a pull extract its layers in parallel
   * while they still become visible strictly in order.
   */
  async createLayerAfter(
    parent: Digest | null,
    parentReady: Promise<unknown>,
    fill: (dir: string) => Promise<{ diffId: Digest; size: number }>,
    expectedDiffId: Digest,
  ): Promise<LayerInfo> {
    const expected = chainIdOf(parent, expectedDiffId);
    // Awaited below, after the fill; until then a rejection must not count as unhandled.
    parentReady.catch(() => {});
    return this.locks.run(expected, async () => {
      const existing = await this.readLayer(expected);
      if (existing) {
        await parentReady;
        return existing;
      }
      return this.fillLayer(parent, fill, expectedDiffId, async () => {
        await parentReady;
        if (parent && !(await this.hasLayer(parent))) throw failedPrecondition(`parent layer ${parent} does not exist`);
      });
    });
  }

  private async fillLayer(
    parent: Digest | null,
    fill: (dir: string) => Promise<{ diffId: Digest; size: number }>,
    expectedDiffId?: Digest,
    beforeCommit?: () => Promise<void>,
  ): Promise<LayerInfo> {
    const work = join(this.tmpDir, `layer-${randomBytes(8).toString('hex')}`);
    await mkdir(join(work, 'fs'), { recursive: true, mode: 0o755 });
    try {
      const { diffId, size } = await fill(join(work, 'fs'));
      if (expectedDiffId && diffId !== expectedDiffId) {
        throw invalidArgument(`layer content does not match its diff ID: expected ${expectedDiffId}, got ${diffId}`);
      }
      await beforeCommit?.();
      const chainId = chainIdOf(parent, diffId);
      const existing = await this.readLayer(chainId);
      if (existing) {
        await rm(work, { recursive: true, force: true });
        return existing;
      }
      const info: LayerInfo = { chainId, parent, diffId, size };
      // The extracted files must be on disk before layer.json declares the layer complete.
      await native().syncfs(work);
      await writeJsonAtomic(join(work, 'layer.json'), info);
      try {
        await rename(work, join(this.layersDir, digestHex(chainId)));
      } catch (e) {
        // Another fill of the same content won the race: use its layer.
        const winner = await this.readLayer(chainId);
        if (!winner) throw e;
        await rm(work, { recursive: true, force: true });
        return winner;
      }
      await fsyncDir(this.layersDir);
      this.cache.set(chainId, info);
      return info;
    } catch (e) {
      await rm(work, { recursive: true, force: true });
      throw e;
    }
  }

  async removeLayer(chainId: Digest): Promise<void> {
    await this.locks.run(chainId, async () => {
      this.cache.delete(chainId);
      const trash = join(this.tmpDir, `rm-${randomBytes(8).toString('hex')}`);
      try {
        await rename(join(this.layersDir, digestHex(chainId)), trash);
      } catch {
        return;
      }
      await rm(trash, { recursive: true, force: true });
    });
  }

  async listLayers(): Promise<LayerInfo[]> {
    const out: LayerInfo[] = [];
    for (const name of await readdir(this.layersDir)) {
      const chainId = `sha256:${name}`;
      if (!isDigest(chainId)) continue;
      const info = await this.readLayer(chainId);
      if (info) out.push(info);
    }
    return out;
  }

  /** Lower directories from the top layer down to the base, as overlay's lowerdir wants them. */
  async lowerDirs(top: Digest | null): Promise<string[]> {
    const dirs: string[] = [];
    for (let cur = top; cur; ) {
      const info = await this.layer(cur);
      dirs.push(this.layerDir(cur));
      cur = info.parent;
    }
    return dirs;
  }

  async prepare(key: string, parent: Digest | null): Promise<Mount[]> {
    const dir = join(this.activeDir, key);
    await mkdir(join(dir, 'diff'), { recursive: true, mode: 0o755 });
    await mkdir(join(dir, 'work'), { recursive: true, mode: 0o700 });
    await writeJsonAtomic(join(dir, 'parent.json'), { parent }, { sync: false });
    return this.mounts(key);
  }

  async mounts(key: string): Promise<Mount[]> {
    const dir = join(this.activeDir, key);
    const meta = await readJson<{ parent: Digest | null }>(join(dir, 'parent.json'));
    if (!meta) throw notFound(`snapshot ${key} not found`);
    const lowers = await this.lowerDirs(meta.parent);
    if (lowers.length === 0) lowers.push(this.emptyDir);
    return [
      {
        type: 'overlay',
        source: 'overlay',
        options: [`lowerdir=${lowers.join(':')}`, `upperdir=${join(dir, 'diff')}`, `workdir=${join(dir, 'work')}`],
      },
    ];
  }

  upperDir(key: string): string {
    return join(this.activeDir, key, 'diff');
  }

  async removeActive(key: string): Promise<void> {
    const trash = join(this.tmpDir, `rm-${randomBytes(8).toString('hex')}`);
    try {
      await rename(join(this.activeDir, key), trash);
    } catch {
      return;
    }
    await rm(trash, { recursive: true, force: true });
  }

  async listActive(): Promise<string[]> {
    return readdir(this.activeDir);
  }

  async cleanup(): Promise<void> {
    await rm(this.tmpDir, { recursive: true, force: true });
    await mkdir(this.tmpDir, { recursive: true, mode: 0o700 });
    // A layer directory without layer.json was being created when we crashed.
    for (const name of await readdir(this.layersDir)) {
      const info = await readJson<LayerInfo>(join(this.layersDir, name, 'layer.json')).catch(() => undefined);
      if (!info) await rm(join(this.layersDir, name), { recursive: true, force: true });
    }
  }
}

/** image-spec config.md#layer-chainid */
export function chainIdOf(parent: Digest | null, diffId: Digest): Digest {
  return parent ? sha256(`${parent} ${diffId}`) : diffId;
}
