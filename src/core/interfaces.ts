import type { Readable } from 'node:stream';
import type { Digest } from './digest.js';
import type { Mount } from './mount.js';

export interface BlobInfo {
  digest: Digest;
  size: number;
}

/**
 * Content-addressable blob storage (containerd's content.Store contract):
 * a blob becomes visible only after its bytes were verified against its digest.
 */
export interface ContentStore {
  has(digest: Digest): Promise<boolean>;
  info(digest: Digest): Promise<BlobInfo>;
  read(digest: Digest): Promise<Buffer>;
  createReadStream(digest: Digest, opts?: { start?: number; end?: number; highWaterMark?: number }): Readable;
  /** Stream bytes in; if `expected` is given a mismatch rejects and leaves nothing behind. */
  write(input: Readable | Uint8Array | string, opts?: { expected?: Digest; expectedSize?: number; signal?: AbortSignal }): Promise<BlobInfo>;
  delete(digest: Digest): Promise<void>;
  list(): Promise<BlobInfo[]>;
  /** Remove partial ingests left by a crash. */
  cleanup(): Promise<void>;
}

export interface LayerInfo {
  chainId: Digest;
  parent: Digest | null;
  diffId: Digest;
  /** Uncompressed size in bytes. */
  size: number;
}

/**
 * Layer snapshots (containerd's Snapshotter contract, simplified): committed
 * read-only layers keyed by chain ID, and writable "active" snapshots keyed by
 * a caller-chosen key (a container ID). Returns mounts, never sees tar.
 */
export interface Snapshotter {
  readonly driver: string;
  hasLayer(chainId: Digest): Promise<boolean>;
  layer(chainId: Digest): Promise<LayerInfo>;
  /**
   * Create a committed layer on top of `parent`: `fill` receives an empty directory
   * and populates it (e.g. by applying a tar), returning the layer's diff ID; the
   * chain ID follows from parent and diff ID. Nothing is visible until fill
   * succeeds. With `expectedDiffId`, an existing layer is reused without calling
   * fill, concurrent calls for the same layer run fill once, and a different
   * diff ID is an error.
   */
  createLayer(
    parent: Digest | null,
    fill: (dir: string) => Promise<{ diffId: Digest; size: number }>,
    opts?: { expectedDiffId?: Digest },
  ): Promise<LayerInfo>;
  removeLayer(chainId: Digest): Promise<void>;
  listLayers(): Promise<LayerInfo[]>;
  /** Prepare a writable snapshot on top of `parent` (null: empty root). */
  prepare(key: string, parent: Digest | null): Promise<Mount[]>;
  /** Mounts of an existing writable snapshot. */
  mounts(key: string): Promise<Mount[]>;
  /** The directory holding the writable snapshot's own changes (overlay upperdir). */
  upperDir(key: string): string;
  removeActive(key: string): Promise<void>;
  listActive(): Promise<string[]>;
  /** Remove leftovers of interrupted createLayer/removeLayer calls. */
  cleanup(): Promise<void>;
}
