/**
 * One build in progress: the parsed Dockerfile, the stage plan, the progress stream, and the
 * step machinery every instruction goes through — the cache lookup, the filesystem work when
 * the cache misses, the history entry, and the cache record.
 */
import { sha256, type Digest } from '../core/digest.js';
import { canceled, notFound } from '../core/errors.js';
import type { HistoryEntry, ImageConfig } from '../core/image-types.js';
import type { Engine } from '../engine/engine.js';
import type { EngineContext } from '../engine/engine-context.js';
import type { CommittedLayer } from '../engine/steps/step-snapshot.js';
import { mountLayersReadOnly, type LayerMount } from '../engine/steps/layer-mount.js';
import type { BuildOptions, BuildProgress } from './build-types.js';
import type { Dockerfile } from './dockerfile/instructions.js';
import { ShellLex } from './dockerfile/shell-lex.js';
import type { StagePlan } from './stage-plan.js';
import { DEFAULT_PATH, stateIdOf, type ImageState, type StageState } from './stage-state.js';
import type { SourceTree } from './context/source-tree.js';
import type { FileHashCache } from './context/file-hash-cache.js';

export interface StepSpec {
  /** The history line (`created_by`). */
  createdBy: string;
  /** Everything besides the parent state the result depends on. */
  key: unknown[];
  /** Config changes of the step (applied on a cache miss; a hit restores the cached config). */
  apply?: (st: StageState) => void;
  /** Filesystem work; null when it changed nothing. */
  fs?: () => Promise<CommittedLayer | null>;
  author?: string;
}

export class BuildRun {
  readonly ctx: EngineContext;
  readonly lex: ShellLex;
  /** Values of the ARGs declared before the first FROM. */
  readonly metaArgs = new Map<string, string | undefined>();
  /** Build args some ARG declared (the rest are reported as not consumed). */
  readonly usedArgs = new Set<string>();
  readonly stageResults = new Map<number, Promise<ImageState>>();
  private readonly mounts: LayerMount[] = [];
  /** `Step N/M` numbers: the next number per stage is precomputed in file order. */
  stepTotal = 0;

  constructor(
    readonly engine: Engine,
    readonly opts: BuildOptions,
    readonly progress: BuildProgress,
    readonly dockerfile: Dockerfile,
    readonly context: SourceTree,
    readonly hashes: FileHashCache,
    readonly sourceDateEpoch: number | undefined,
    public plan?: StagePlan,
  ) {
    this.ctx = engine.ctx;
    this.lex = new ShellLex(dockerfile.escape);
  }

  get signal(): AbortSignal | undefined {
    return this.opts.signal;
  }

  /** History and config timestamps: now, or SOURCE_DATE_EPOCH for reproducible builds. */
  now(): string {
    return this.sourceDateEpoch !== undefined ? new Date(this.sourceDateEpoch * 1000).toISOString().replace('.000Z', 'Z') : new Date().toISOString();
  }

  say(text: string): void {
    this.progress.stream(text);
  }

  step(n: number, original: string): void {
    this.progress.stream(`Step ${n}/${this.stepTotal} : ${original}`);
    this.progress.stream('\n');
  }

  checkCanceled(): void {
    if (this.signal?.aborted) throw canceled('build canceled');
  }

  /** The build-arg value given for `name`, marking it consumed. */
  buildArg(name: string): string | undefined {
    if (!(name in this.opts.buildArgs)) return undefined;
    this.usedArgs.add(name);
    return this.opts.buildArgs[name] ?? undefined;
  }

  /** An image's state as a stage base. */
  async imageState(ref: string, line: number): Promise<ImageState> {
    const rec = this.engine.images.find(ref);
    if (!rec) {
      throw notFound(`dockerfile line ${line}: no stage or image named ${JSON.stringify(ref)} (pull access denied for ${ref}: pulling is not implemented, and there is no such local image)`);
    }
    const config = await this.engine.images.config(rec.id);
    return { config, layers: rec.layers, stateId: rec.id };
  }

  /** The starting state of a stage from an image config (Docker's defaults applied). */
  baseState(src: ImageState | 'scratch'): ImageState {
    const from: ImageConfig = src === 'scratch'
      ? { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, config: {} }
      : src.config;
    const config: ImageConfig = {
      architecture: from.architecture,
      os: from.os,
      ...(from.variant ? { variant: from.variant } : {}),
      config: structuredClone(from.config ?? {}),
      rootfs: { type: 'layers', diff_ids: [...from.rootfs.diff_ids] },
      history: structuredClone(from.history ?? []),
    };
    const env = config.config!.Env ?? [];
    if (!env.some((e) => e.startsWith('PATH='))) config.config!.Env = [...env, DEFAULT_PATH];
    return { config, layers: src === 'scratch' ? [] : [...src.layers], stateId: src === 'scratch' ? sha256('scratch') : src.stateId };
  }

  /** A read-only mount of an image state's layers, released when the build ends. */
  async mountState(s: ImageState): Promise<string> {
    const ids = s.config.rootfs.diff_ids;
    const m = await mountLayersReadOnly(this.ctx, ids.length ? topChain(ids) : null);
    this.mounts.push(m);
    return m.path;
  }

  async releaseMounts(): Promise<void> {
    for (const m of this.mounts.splice(0)) await m.release().catch(() => {});
  }

  /**
   * Run one step: reuse the cached result when the same step ran on the same parent state
   * before (unless --no-cache), otherwise do the work, append the history entry and record
   * the result in the cache.
   */
  async commit(st: StageState, spec: StepSpec): Promise<void> {
    this.checkCanceled();
    const key = sha256(JSON.stringify([st.stateId, ...spec.key]));
    const cache = this.ctx.buildCache;
    if (!this.opts.noCache) {
      const hit = cache.get(key);
      if (hit && (!hit.layer || (await this.ctx.snapshotter.hasLayer(hit.layer.chainId)))) {
        this.say(' ---> Using cache\n');
        st.set({ config: hit.config, layers: hit.layers, stateId: hit.stateId });
        this.say(` ---> ${short(hit.stateId)}\n`);
        return;
      }
    }
    const layer = spec.fs ? await spec.fs() : null;
    this.checkCanceled();
    spec.apply?.(st);
    const created = this.now();
    const entry: HistoryEntry = { created, ...(spec.author ? { author: spec.author } : {}), created_by: spec.createdBy };
    if (!layer) entry.empty_layer = true;
    const config = st.config;
    config.created = created;
    if (spec.author) config.author = spec.author;
    config.history = [...(config.history ?? []), entry];
    if (layer) {
      config.rootfs.diff_ids = [...config.rootfs.diff_ids, layer.diffId];
      st.layers = [...st.layers, layer.blob];
    }
    const stateId = stateIdOf(config);
    st.stateId = stateId;
    const at = new Date().toISOString();
    await cache.put({
      key,
      stateId,
      config: structuredClone(config),
      layers: [...st.layers],
      ...(layer ? { layer: { chainId: layer.chainId, size: layer.size } } : {}),
      description: spec.createdBy,
      createdAt: at,
      lastUsedAt: at,
    });
    this.say(` ---> ${short(stateId)}\n`);
  }
}

export function short(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

function topChain(diffIds: Digest[]): Digest {
  let chain: Digest = diffIds[0]!;
  for (const d of diffIds.slice(1)) chain = sha256(`${chain} ${d}`);
  return chain;
}
