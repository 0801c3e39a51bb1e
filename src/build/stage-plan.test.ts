import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseStages } from './dockerfile/instructions.js';
import { planStages } from './stage-plan.js';

const none = (n: string) => (n === 'BASE' ? 'busybox' : undefined);

describe('stage planning', () => {
  const df = parseStages([
    'ARG BASE=busybox',
    'FROM $BASE AS a',
    'FROM busybox AS b',
    'FROM busybox AS unused',
    'FROM a AS c',
    'COPY --from=b /x /x',
    'RUN --mount=type=bind,from=0,target=/m true',
  ].join('\n'));
  it('needs only what the target reaches, and finds the base of each stage', () => {
    const plan = planStages(df, (n) => (n === 'BASE' ? 'busybox' : undefined), undefined);
    assert.deepEqual(plan.needed, [0, 1, 3]);
    assert.deepEqual([...plan.stages[3]!.deps].sort(), [0, 1]);
    assert.deepEqual(plan.stages[0]!.base, { kind: 'image', ref: 'busybox' });
    assert.deepEqual(planStages(df, none, 'b').needed, [1]);
  });
  it('refuses an unknown target and cycles, with the line', () => {
    assert.throws(() => planStages(df, none, 'nope'), /failed to reach build target nope/);
    const cyc = parseStages('FROM busybox AS a\nCOPY --from=b /x /x\nFROM busybox AS b\nCOPY --from=a /y /y\n');
    assert.throws(() => planStages(cyc, none, 'b'), /line (2|4): circular dependency detected on stage: (a|b)/);
    const self = parseStages('FROM busybox AS a\nCOPY --from=a /x /x\n');
    assert.throws(() => planStages(self, none, undefined), /line 2: circular dependency detected on stage: a/);
  });
});
