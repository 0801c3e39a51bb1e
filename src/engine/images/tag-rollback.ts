import type { Digest } from '../../core/digest.js';
import { failedPrecondition, invalidArgument, notFound } from '../../core/errors.js';
import { familiarString, formatReference, parseNamedTagged, repositoryName } from '../../core/reference.js';
import type { EngineContext } from '../engine-context.js';

export interface TagVersion {
  /** 0 for the current target, -1 for the one before, ... */
  version: number;
  id: Digest;
  /** When the tag started pointing at this image. */
  since: string;
  /** The repo digest this image has in the tag's repository, when it was pulled or pushed. */
  repoDigest?: string;
  /** False when the image has since been deleted (rollback to it is impossible). */
  present: boolean;
}

function tagKey(name: string): string {
  const ref = parseNamedTagged(name);
  if (ref.digest) throw invalidArgument('tag history needs a NAME[:TAG], not a digest reference');
  return formatReference(ref);
}

/** `berth image history --tags NAME[:TAG]`: every image the tag has pointed at, newest first. */
export function tagHistory(ctx: EngineContext, name: string): { name: string; versions: TagVersion[] } {
  const key = tagKey(name);
  const entry = ctx.images.tagEntry(key);
  const ref = parseNamedTagged(name);
  if (!entry) throw notFound(`No such image: ${familiarString(ref)}`);
  const repo = repositoryName(ref);
  const view = (id: Digest, since: string, version: number): TagVersion => {
    const rec = ctx.images.get(id);
    const repoDigest = rec?.repoDigests.find((d) => d.startsWith(`${repo}@`))?.slice(repo.length + 1);
    return { version, id, since, present: Boolean(rec), ...(repoDigest ? { repoDigest } : {}) };
  };
  return {
    name: familiarString(ref),
    versions: [view(entry.target, entry.updatedAt, 0), ...entry.history.map((h, i) => view(h.target, h.at, -(i + 1)))],
  };
}

/**
 * `berth image rollback NAME[:TAG] [--to DIGEST|-N]`: move the tag back to an earlier target
 * (default: the previous one). The move is itself recorded, so a rollback can be undone by
 * another rollback.
 */
export async function rollbackTag(ctx: EngineContext, name: string, to?: string): Promise<{ name: string; from: Digest; to: Digest }> {
  const key = tagKey(name);
  const { name: shown, versions } = tagHistory(ctx, name);
  const current = versions[0]!;
  let pick: TagVersion | undefined;
  const target = (to ?? '-1').trim();
  if (/^-\d+$/.test(target)) {
    const n = Number(target);
    if (n === 0) throw invalidArgument('--to -0 names the current target: nothing to roll back');
    pick = versions.find((v) => v.version === n);
    if (!pick) throw failedPrecondition(`${shown} has only ${versions.length - 1} earlier version${versions.length === 2 ? '' : 's'}: cannot roll back ${-n}`);
  } else {
    const hex = target.replace(/^sha256:/, '');
    if (!/^[a-f0-9]{4,64}$/.test(hex)) throw invalidArgument(`invalid --to ${JSON.stringify(target)}: expected -N or an image ID or digest`);
    const matches = versions.filter((v) => v.version !== 0 && (v.id.slice(7).startsWith(hex) || v.repoDigest?.slice(7).startsWith(hex)));
    if (matches.length > 1 && new Set(matches.map((m) => m.id)).size > 1) throw invalidArgument(`--to ${target} is ambiguous in the history of ${shown}`);
    pick = matches[0];
    if (!pick) {
      if (current.id.slice(7).startsWith(hex)) throw failedPrecondition(`${shown} already points at ${current.id.slice(7, 19)}`);
      throw notFound(`${target} is not in the tag history of ${shown} (see: berth image history --tags ${shown})`);
    }
  }
  if (!pick.present || !ctx.images.get(pick.id)) throw failedPrecondition(`cannot roll back ${shown} to ${pick.id.slice(7, 19)}: that image has been deleted`);
  await ctx.images.setTag(key, pick.id);
  ctx.events.publish('image', 'tag', pick.id, { name: shown, rollback: 'true' });
  return { name: shown, from: current.id, to: pick.id };
}

/** Images still named by the first `depth` history entries of some tag: kept out of prune. */
export function rollbackProtected(ctx: EngineContext): Set<Digest> {
  const out = new Set<Digest>();
  for (const entry of Object.values(ctx.images.allTags())) for (const h of entry.history.slice(0, ctx.imagePolicy.rollbackDepth)) out.add(h.target);
  return out;
}
