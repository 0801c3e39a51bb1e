import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sha256 } from '../core/digest.js';
import { chainIdOf, OverlaySnapshotter } from './overlay-snapshotter.js';

async function make() {
  const root = mkdtempSync(join(tmpdir(), 'snap-'));
  const s = new OverlaySnapshotter(root);
  await s.init();
  return { s, root };
}

const fillWith = (files: Record<string, string>, diffId = sha256(JSON.stringify(files))) => async (dir: string) => {
  for (const [p, c] of Object.entries(files)) writeFileSync(join(dir, p), c);
  return { diffId, size: 10 };
};

describe('OverlaySnapshotter', () => {
  it('creates layers keyed by chain ID and stacks them for a writable snapshot', async () => {
    const { s } = await make();
    const base = await s.createLayer(null, fillWith({ a: 'base' }));
    assert.equal(base.chainId, base.diffId);
    const top = await s.createLayer(base.chainId, fillWith({ b: 'top' }));
    assert.equal(top.chainId, chainIdOf(base.chainId, top.diffId));
    assert.equal(top.chainId, sha256(`${base.chainId} ${top.diffId}`));
    const [m] = await s.prepare('ctr1', top.chainId);
    assert.equal(m!.type, 'overlay');
    assert.deepEqual(m!.options[0], `lowerdir=${s.layerDir(top.chainId)}:${s.layerDir(base.chainId)}`);
    // Mount it for real and see both layers plus our own write land in the upper dir.
    const target = mkdtempSync(join(tmpdir(), 'mnt-'));
    execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', m!.options.join(','), target]);
    try {
      assert.equal(readFileSync(join(target, 'a'), 'utf8'), 'base');
      assert.equal(readFileSync(join(target, 'b'), 'utf8'), 'top');
      writeFileSync(join(target, 'c'), 'mine');
    } finally {
      execFileSync('umount', [target]);
    }
    assert.deepEqual(readdirSync(s.upperDir('ctr1')), ['c']);
    assert.deepEqual(readdirSync(s.layerDir(base.chainId)), ['a']);
  });

  it('reuses an existing layer and runs fill once for concurrent creates', async () => {
    const { s } = await make();
    let fills = 0;
    const diffId = sha256('same');
    const fill = async (dir: string) => {
      fills++;
      await new Promise((r) => setTimeout(r, 30));
      writeFileSync(join(dir, 'x'), '1');
      return { diffId, size: 1 };
    };
    const [a, b] = await Promise.all([s.createLayer(null, fill, { expectedDiffId: diffId }), s.createLayer(null, fill, { expectedDiffId: diffId })]);
    assert.deepEqual(a, b);
    assert.equal(fills, 1);
  });

  it('leaves nothing visible when fill fails or the diff ID does not match', async () => {
    const { s, root } = await make();
    await assert.rejects(s.createLayer(null, async () => {
      throw new Error('extract failed');
    }), /extract failed/);
    await assert.rejects(s.createLayer(null, fillWith({ a: '1' }, sha256('actual')), { expectedDiffId: sha256('expected') }), (e: { code?: string }) => e.code === 'InvalidArgument');
    assert.deepEqual(await s.listLayers(), []);
    assert.deepEqual(readdirSync(join(root, 'tmp')), []);
  });

  it('cleans up half-created layers at start-up and refuses a missing parent', async () => {
    const { s, root } = await make();
    mkdirSync(join(root, 'layers', 'f'.repeat(64), 'fs'), { recursive: true });
    mkdirSync(join(root, 'tmp', 'layer-leftover'), { recursive: true });
    await s.cleanup();
    assert.deepEqual(readdirSync(join(root, 'layers')), []);
    assert.deepEqual(readdirSync(join(root, 'tmp')), []);
    await assert.rejects(s.createLayer(sha256('nope'), fillWith({})), (e: { code?: string }) => e.code === 'FailedPrecondition');
  });

  it('removes layers and active snapshots', async () => {
    const { s } = await make();
    const l = await s.createLayer(null, fillWith({ a: '1' }));
    await s.prepare('c', l.chainId);
    assert.deepEqual(await s.listActive(), ['c']);
    await s.removeActive('c');
    await s.removeLayer(l.chainId);
    assert.deepEqual(await s.listActive(), []);
    assert.equal(await s.hasLayer(l.chainId), false);
  });

  it('createLayerAfter fills a child before its parent exists and commits it only after the parent', async () => {
    const { s, root } = await make();
    const baseFiles = { a: 'base' };
    const baseDiff = sha256(JSON.stringify(baseFiles));
    const childFiles = { b: 'child' };
    const childDiff = sha256(JSON.stringify(childFiles));
    let releaseParent!: () => void;
    const parentGate = new Promise<void>((r) => (releaseParent = r));
    let childFilled = false;
    const child = s.createLayerAfter(baseDiff, parentGate, async (dir) => {
      childFilled = true;
      return fillWith(childFiles)(dir);
    }, childDiff);
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(childFilled, 'the child was filled while the parent did not exist yet');
    assert.equal(await s.hasLayer(chainIdOf(baseDiff, childDiff)), false, 'and is not visible before its parent');
    await s.createLayer(null, fillWith(baseFiles), { expectedDiffId: baseDiff });
    releaseParent();
    const info = await child;
    assert.equal(info.chainId, chainIdOf(baseDiff, childDiff));
    assert.equal(info.parent, baseDiff);
    // A parent that fails takes the child with it, leaving no temp directory behind.
    const failing = s.createLayerAfter(sha256('missing-parent'), Promise.reject(new Error('parent failed')), fillWith({ c: 'x' }), sha256(JSON.stringify({ c: 'x' })));
    await assert.rejects(failing, /parent failed/);
    assert.deepEqual(readdirSync(join(root, 'tmp')), []);
  });
});
