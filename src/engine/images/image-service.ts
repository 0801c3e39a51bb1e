import { chainIds, isDigest, type Digest } from '../../core/digest.js';
import { conflict, notFound } from '../../core/errors.js';
import type { ImageConfig } from '../../core/image-types.js';
import { familiarString, formatReference, parseNamedTagged, parseReference, repositoryName } from '../../core/reference.js';
import type { ImageRecord } from '../../store/image-store.js';
import type { EngineContext } from '../engine-context.js';
import { collectGarbage } from './collect-garbage.js';

export interface ResolvedImage {
  record: ImageRecord;
  config: ImageConfig;
}

export interface ImageView extends ResolvedImage {
  tags: string[];
  /** Sum of the uncompressed layer sizes, as Docker reports Size. */
  size: number;
}

export type DeleteResponseItem = { Untagged: string } | { Deleted: string };

/** Local image use cases: resolve names, list, tag, untag and delete. */
export class ImageService {
  private readonly configCache = new Map<Digest, ImageConfig>();

  constructor(private readonly ctx: EngineContext) {}

  /** Docker's image lookup: name[:tag], name@digest, full or short ID. */
  find(ref: string): ImageRecord | undefined {
    const { images } = this.ctx;
    const id = ref.startsWith('sha256:') ? ref : `sha256:${ref}`;
    if (isDigest(id) && images.get(id)) return images.get(id);
    let parsed;
    try {
      parsed = parseReference(ref);
    } catch {
      parsed = undefined;
    }
    if (parsed?.digest) {
      const want = `${repositoryName(parsed)}@${parsed.digest}`;
      return images.list().find((r) => r.repoDigests.includes(want));
    }
    if (parsed) {
      const target = images.resolveTag(formatReference({ ...parsed, tag: parsed.tag ?? 'latest' }));
      if (target) return images.get(target);
    }
    const hex = ref.replace(/^sha256:/, '');
    if (/^[a-f0-9]{1,64}$/.test(hex)) {
      const matches = images.list().filter((r) => r.id.slice(7).startsWith(hex));
      if (matches.length === 1) return matches[0];
    }
    return undefined;
  }

  get(ref: string): ImageRecord {
    const rec = this.find(ref);
    if (!rec) throw notFound(`No such image: ${displayRef(ref)}`);
    return rec;
  }

  async config(id: Digest): Promise<ImageConfig> {
    let c = this.configCache.get(id);
    if (!c) {
      c = JSON.parse((await this.ctx.content.read(id)).toString()) as ImageConfig;
      this.configCache.set(id, c);
    }
    return c;
  }

  async resolve(ref: string): Promise<ResolvedImage> {
    const record = this.get(ref);
    return { record, config: await this.config(record.id) };
  }

  /** Top chain ID of an image's layer stack (null for an image without layers). */
  topLayer(config: ImageConfig): Digest | null {
    const ids = chainIds(config.rootfs.diff_ids);
    return ids.length ? ids[ids.length - 1]! : null;
  }

  async view(rec: ImageRecord): Promise<ImageView> {
    const config = await this.config(rec.id);
    let size = 0;
    for (const chainId of chainIds(config.rootfs.diff_ids)) {
      size += (await this.ctx.snapshotter.layer(chainId).catch(() => ({ size: 0 }))).size;
    }
    return { record: rec, config, tags: this.ctx.images.tagsOf(rec.id), size };
  }

  async list(): Promise<ImageView[]> {
    return Promise.all(this.ctx.images.list().map((r) => this.view(r)));
  }

  /** `docker tag`: point a (new) name at an existing image. */
  async tag(source: string, target: string): Promise<void> {
    const rec = this.get(source);
    const ref = parseNamedTagged(target);
    if (ref.digest) throw conflict(`refusing to create a tag with a digest reference`);
    await this.ctx.images.setTag(formatReference(ref), rec.id);
    this.ctx.events.publish('image', 'tag', rec.id, { name: familiarString(ref) });
  }

  /**
   * `docker rmi`: untag when the name is one of several tags; otherwise delete the
   * image, refusing while a container uses it unless forced (and never for a running one).
   */
  async remove(ref: string, opts: { force?: boolean; noPrune?: boolean } = {}): Promise<DeleteResponseItem[]> {
    const rec = this.get(ref);
    const { images, containers, events } = this.ctx;
    const out: DeleteResponseItem[] = [];
    const short = rec.id.slice(7, 19);
    const tags = images.tagsOf(rec.id);
    const byName = this.matchingTag(ref, rec.id);
    const users = containers.all().filter((c) => c.image === rec.id);

    if (byName && (tags.length > 1 || users.length > 0)) {
      if (tags.length === 1 && users.length > 0 && !opts.force) {
        throw conflict(
          `conflict: unable to remove repository reference "${ref}" (must force) - container ${users[0]!.id.slice(0, 12)} is using its referenced image ${short}`,
        );
      }
      await images.removeTag(byName);
      out.push({ Untagged: familiarString(parseReference(byName)) });
      events.publish('image', 'untag', rec.id, { name: familiarString(parseReference(byName)) });
      if (images.tagsOf(rec.id).length > 0 || users.length > 0) return out;
    }

    const running = users.find((c) => c.state.Running);
    if (running) throw conflict(`conflict: unable to delete ${short} (cannot be forced) - image is being used by running container ${running.id.slice(0, 12)}`);
    if (users.length > 0 && !opts.force) {
      throw conflict(`conflict: unable to delete ${short} (must be forced) - image is being used by stopped container ${users[0]!.id.slice(0, 12)}`);
    }
    const remaining = images.tagsOf(rec.id);
    if (remaining.length > 1 && !opts.force && !byName) {
      throw conflict(`conflict: unable to delete ${short} (must be forced) - image is referenced in multiple repositories`);
    }
    for (const t of remaining) {
      await images.removeTag(t);
      out.push({ Untagged: familiarString(parseReference(t)) });
      events.publish('image', 'untag', rec.id, { name: familiarString(parseReference(t)) });
    }
    for (const d of rec.repoDigests) out.push({ Untagged: familiarString(parseReference(d)) });
    if (users.length > 0) return out;
    await images.delete(rec.id);
    this.configCache.delete(rec.id);
    out.push({ Deleted: rec.id });
    events.publish('image', 'delete', rec.id, { name: rec.id });
    if (!opts.noPrune) await collectGarbage(this.ctx);
    return out;
  }

  /** The canonical tag key `ref` names, when it names a tag of image `id`. */
  private matchingTag(ref: string, id: Digest): string | undefined {
    try {
      const parsed = parseReference(ref);
      if (parsed.digest) return undefined;
      const key = formatReference({ ...parsed, tag: parsed.tag ?? 'latest' });
      return this.ctx.images.resolveTag(key) === id ? key : undefined;
    } catch {
      return undefined;
    }
  }
}

/** Docker names a missing image with its default tag: "No such image: busybox:latest". */
function displayRef(ref: string): string {
  try {
    const r = parseReference(ref);
    if (!r.tag && !r.digest) return `${familiarString(r)}:latest`;
    return familiarString(r);
  } catch {
    return ref;
  }
}
