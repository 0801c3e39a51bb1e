/**
 * The Dockerfile builder behind `POST /build` (Docker's classic builder protocol): parse, plan
 * the stages the target needs, build independent stages in parallel, and store the result.
 * Every step goes through the build cache (see build-run.ts); a fully cached rebuild runs no
 * container and writes nothing.
 */
import { errorMessage, invalidArgument, isEngineError } from '../core/errors.js';
import { familiarString } from '../core/reference.js';
import type { Engine } from '../engine/engine.js';
import { writeImage } from '../engine/images/write-image.js';
import { parseDockerfile } from './dockerfile/parse-dockerfile.js';
import { parseInstruction, parseStages, type Instruction } from './dockerfile/instructions.js';
import { BuildRun, short } from './build-run.js';
import { PREDEFINED_ARGS, type BuildOptions, type BuildProgress, type BuildResult } from './build-types.js';
import { FileHashCache } from './context/file-hash-cache.js';
import { SourceTree } from './context/source-tree.js';
import { dispatchCopy, dispatchWorkdir } from './dispatch-copy.js';
import { dispatchMetadata } from './dispatch-metadata.js';
import { dispatchRun } from './dispatch-run.js';
import { planStages, resolveRef } from './stage-plan.js';
import { StageState, type ImageState } from './stage-state.js';

/** BuildKit's automatic platform ARGs, usable in FROM and re-declarable in stages. */
const PLATFORM_ARGS: Record<string, string> = {
  BUILDPLATFORM: 'linux/amd64', BUILDOS: 'linux', BUILDARCH: 'amd64', BUILDVARIANT: '',
  TARGETPLATFORM: 'linux/amd64', TARGETOS: 'linux', TARGETARCH: 'amd64', TARGETVARIANT: '',
};

export class Builder {
  /** Content digests of context files by stat; shared by every build of this daemon. */
  private readonly hashes = new FileHashCache();

  constructor(private readonly engine: Engine) {}

  async build(opts: BuildOptions, progress: BuildProgress): Promise<BuildResult> {
    const df = parseStages(opts.dockerfile);
    const abort = new AbortController();
    const onAbort = () => abort.abort(opts.signal?.reason);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const sde = opts.buildArgs.SOURCE_DATE_EPOCH;
    let sourceDateEpoch: number | undefined;
    if (sde !== undefined && sde !== null && sde !== '') {
      sourceDateEpoch = Number(sde);
      if (!Number.isSafeInteger(sourceDateEpoch) || sourceDateEpoch < 0) throw invalidArgument(`invalid SOURCE_DATE_EPOCH: ${sde}`);
    }
    const context = new SourceTree(opts.context.root, { ignore: opts.context.ignore, hidden: opts.context.hidden, strict: true, hashes: this.hashes, label: 'build context' });
    const run = new BuildRun(this.engine, { ...opts, signal: abort.signal }, progress, df, context, this.hashes, sourceDateEpoch);
    if (sourceDateEpoch !== undefined) run.usedArgs.add('SOURCE_DATE_EPOCH');
    try {
      return await this.engine.ctx.gc.lease(() => this.runBuild(run, abort));
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      await run.releaseMounts();
    }
  }

  private async runBuild(run: BuildRun, abort: AbortController): Promise<BuildResult> {
    const df = run.dockerfile;
    // ARGs before the first FROM: visible to FROM lines, and to stages that re-declare them.
    const metaLookup = (n: string) => (run.metaArgs.has(n) ? run.metaArgs.get(n) : PLATFORM_ARGS[n]);
    for (const a of df.metaArgs) {
      for (const decl of a.args) {
        const given = run.buildArg(decl.name);
        run.metaArgs.set(decl.name, given ?? (decl.value !== undefined ? run.lex.processWord(decl.value, metaLookup) : undefined));
      }
    }
    for (const [k, v] of Object.entries(PLATFORM_ARGS)) if (!run.metaArgs.has(k)) run.metaArgs.set(k, v);
    const plan = planStages(df, metaLookup, run.opts.target);
    run.plan = plan;
    // Everything a stage starts from must exist before anything runs.
    for (const i of plan.needed) {
      const p = plan.stages[i]!;
      if (p.base.kind === 'image') await run.imageState(p.base.ref, p.stage.node.startLine);
      for (const c of p.stage.commands) {
        if ((c.kind === 'COPY' || c.kind === 'ADD') && c.flags.from) {
          const ref = resolveRef(df.stages, run.lex.processWord(c.flags.from, metaLookup), Number.MAX_SAFE_INTEGER, true);
          if (ref.kind === 'image') await run.imageState(ref.ref, c.node.startLine);
        }
      }
    }
    const labels = Object.entries(run.opts.labels).sort(([a], [b]) => (a < b ? -1 : 1));
    const starts = new Map<number, number>();
    let n = df.metaArgs.length;
    for (const i of plan.needed) {
      starts.set(i, n + 1);
      n += 1 + plan.stages[i]!.stage.commands.length;
    }
    run.stepTotal = n + (labels.length ? 1 : 0);
    df.metaArgs.forEach((a, i) => run.step(i + 1, a.node.original));

    const errors: unknown[] = [];
    for (const i of plan.needed) {
      const p = plan.stages[i]!;
      const promise = (async () => {
        for (const d of p.deps) await run.stageResults.get(d);
        return this.runStage(run, i, starts.get(i)!, i === plan.target ? labels : []);
      })();
      promise.catch((e: unknown) => {
        errors.push(e);
        abort.abort(); // stop the other stages too
      });
      run.stageResults.set(i, promise);
    }
    const settled = await Promise.allSettled([...run.stageResults.values()]);
    if (settled.some((s) => s.status === 'rejected')) {
      throw errors.find((e) => !isEngineError(e, 'Canceled')) ?? errors[0];
    }
    const final = await run.stageResults.get(plan.target)!;
    const id = await writeImage(run.ctx, { config: final.config, layers: final.layers, tags: [] });
    run.progress.aux({ ID: id });
    const warnings: string[] = [];
    const unused = Object.keys(run.opts.buildArgs).filter((k) => !run.usedArgs.has(k) && !PREDEFINED_ARGS.has(k)).sort();
    if (unused.length) warnings.push(`[Warning] One or more build-args [${unused.join(' ')}] were not consumed`);
    for (const w of warnings) run.say(`${w}\n`);
    run.say(`Successfully built ${short(id)}\n`);
    if (run.opts.tags.length) {
      await writeImage(run.ctx, { config: final.config, layers: final.layers, tags: run.opts.tags });
      for (const t of run.opts.tags) run.say(`Successfully tagged ${familiarString(t)}\n`);
    }
    return { id, warnings };
  }

  private async runStage(run: BuildRun, index: number, first: number, labels: [string, string][]): Promise<ImageState> {
    const p = run.plan!.stages[index]!;
    let no = first;
    run.step(no++, p.stage.node.original);
    let base: ImageState;
    let fromImage = false;
    if (p.base.kind === 'stage') base = await run.stageResults.get(p.base.index)!;
    else if (p.base.kind === 'image') {
      base = run.baseState(await run.imageState(p.base.ref, p.stage.node.startLine));
      fromImage = true;
    } else base = run.baseState('scratch');
    const st = new StageState(base);
    const untouched = fromImage ? await run.imageState((p.base as { ref: string }).ref, p.stage.node.startLine) : undefined;
    run.say(` ---> ${p.base.kind === 'scratch' ? '' : short(untouched?.stateId ?? st.stateId)}\n`);
    if (untouched) st.stateId = untouched.stateId;
    let steps = 0;
    const triggers = st.run.OnBuild ?? [];
    if (triggers.length) {
      run.say(`# Executing ${triggers.length} build trigger${triggers.length > 1 ? 's' : ''}\n`);
      delete st.run.OnBuild;
      for (const t of triggers) {
        const node = parseDockerfile(t).nodes[0];
        if (!node) continue;
        node.startLine = p.stage.node.startLine;
        await this.dispatch(run, st, parseInstruction(node, run.dockerfile.escape));
        steps++;
      }
    }
    for (const c of p.stage.commands) {
      run.step(no++, c.node.original);
      await this.dispatch(run, st, c);
      steps++;
    }
    if (labels.length) {
      const text = `LABEL ${labels.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ')}`;
      run.step(no++, text);
      const node = parseDockerfile(text).nodes[0]!;
      await this.dispatch(run, st, parseInstruction(node, run.dockerfile.escape));
      steps++;
    }
    // A stage that only names an image is that image (Docker tags the base itself).
    if (steps === 0 && untouched) return untouched;
    return { config: st.config, layers: st.layers, stateId: st.stateId };
  }

  private async dispatch(run: BuildRun, st: StageState, ins: Instruction): Promise<void> {
    run.checkCanceled();
    try {
      switch (ins.kind) {
        case 'RUN': return await dispatchRun(run, st, ins);
        case 'COPY': case 'ADD': return await dispatchCopy(run, st, ins);
        case 'WORKDIR': return await dispatchWorkdir(run, st, ins);
        default: return await dispatchMetadata(run, st, ins);
      }
    } catch (e) {
      if (isEngineError(e)) throw e;
      throw new Error(`dockerfile line ${ins.node.startLine}: ${ins.kind}: ${errorMessage(e)}`, { cause: e });
    }
  }
}
