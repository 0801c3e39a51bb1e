/**
 * Which stages a build needs and in what order they may run: the target stage and everything
 * it reaches through FROM <stage>, COPY --from=<stage> and RUN --mount=from=<stage>. Stages the
 * target does not need are skipped; stages that do not depend on each other run in parallel.
 */
import { invalidArgument } from '../core/errors.js';
import type { Dockerfile, Instruction, Stage } from './dockerfile/instructions.js';
import type { Lookup } from './dockerfile/shell-lex.js';
import { ShellLex } from './dockerfile/shell-lex.js';

export type SourceRef = { kind: 'stage'; index: number } | { kind: 'image'; ref: string } | { kind: 'scratch' };

export interface PlannedStage {
  stage: Stage;
  base: SourceRef;
  /** Stages this one needs finished first. */
  deps: Set<number>;
}

export interface StagePlan {
  /** Indexes of the stages to build, in file order. */
  needed: number[];
  target: number;
  stages: PlannedStage[];
}

function lineError(line: number, msg: string): Error {
  return invalidArgument(`dockerfile parse error line ${line}: ${msg}`);
}

/** `--from` / FROM values name a stage (by name or index) or else an image. */
export function resolveRef(stages: Stage[], value: string, before: number, allowIndexAhead: boolean): SourceRef {
  const lower = value.toLowerCase();
  if (lower === 'scratch') return { kind: 'scratch' };
  const byName = stages.find((s) => s.name === lower);
  if (byName && (allowIndexAhead || byName.index < before)) return { kind: 'stage', index: byName.index };
  if (/^\d+$/.test(value)) {
    const i = Number(value);
    if (i < stages.length && (allowIndexAhead || i < before)) return { kind: 'stage', index: i };
  }
  return { kind: 'image', ref: value };
}

/** The `from=` value of a RUN --mount flag, if any. */
export function mountFrom(spec: string): string | undefined {
  for (const part of spec.split(',')) {
    const [k, v] = part.split('=', 2);
    if (k?.trim().toLowerCase() === 'from' && v) return v.trim();
  }
  return undefined;
}

export function planStages(df: Dockerfile, metaLookup: Lookup, target: string | undefined): StagePlan {
  const lex = new ShellLex(df.escape);
  const stages: PlannedStage[] = df.stages.map((stage) => {
    const baseName = lex.processWord(stage.base, metaLookup);
    if (baseName === '') throw lineError(stage.node.startLine, `base name (${stage.base}) should not be blank`);
    // FROM refers only to earlier stages; a later name is an image of that name.
    const base = resolveRef(df.stages, baseName, stage.index, false);
    const deps = new Set<number>();
    if (base.kind === 'stage') deps.add(base.index);
    for (const c of stage.commands) {
      for (const from of fromsOf(c, lex, metaLookup)) {
        const ref = resolveRef(df.stages, from, stage.index, true);
        if (ref.kind === 'stage') {
          if (ref.index === stage.index) throw lineError(c.node.startLine, `circular dependency detected on stage: ${stage.name ?? stage.index}`);
          deps.add(ref.index);
        }
      }
    }
    return { stage, base, deps };
  });
  let targetIndex = stages.length - 1;
  if (target) {
    const t = stages.findIndex((s) => s.stage.name === target.toLowerCase());
    if (t < 0) throw invalidArgument(`failed to reach build target ${target} in Dockerfile`);
    targetIndex = t;
  }
  // Depth-first from the target; a stage met again while still on the path is a cycle.
  const state = new Map<number, 'visiting' | 'done'>();
  const visit = (i: number, via: { line: number } | undefined): void => {
    const s = state.get(i);
    if (s === 'done') return;
    if (s === 'visiting') {
      const st = stages[i]!.stage;
      throw lineError(via?.line ?? st.node.startLine, `circular dependency detected on stage: ${st.name ?? i}`);
    }
    state.set(i, 'visiting');
    const p = stages[i]!;
    for (const d of p.deps) visit(d, { line: depLine(p, d, lex, metaLookup, df.stages) });
    state.set(i, 'done');
  };
  visit(targetIndex, undefined);
  const needed = [...state.keys()].sort((a, b) => a - b);
  return { needed, target: targetIndex, stages };
}

function fromsOf(c: Instruction, lex: ShellLex, lookup: Lookup): string[] {
  if ((c.kind === 'COPY' || c.kind === 'ADD') && c.flags.from) return [lex.processWord(c.flags.from, lookup)];
  if (c.kind === 'RUN') return c.mounts.map(mountFrom).filter((x): x is string => !!x).map((x) => lex.processWord(x, lookup));
  return [];
}

/** The line of the instruction through which stage `p` depends on stage `dep`. */
function depLine(p: PlannedStage, dep: number, lex: ShellLex, lookup: Lookup, all: Stage[]): number {
  if (p.base.kind === 'stage' && p.base.index === dep) return p.stage.node.startLine;
  for (const c of p.stage.commands) {
    if (fromsOf(c, lex, lookup).some((f) => {
      const r = resolveRef(all, f, p.stage.index, true);
      return r.kind === 'stage' && r.index === dep;
    })) return c.node.startLine;
  }
  return p.stage.node.startLine;
}
