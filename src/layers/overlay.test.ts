/**
 * Overlay-format whiteouts end to end with the real kernel: layers applied in 'overlay' mode
 * and stacked with `mount -t overlay` hide what the OCI whiteouts say; writeDiff of an upper
 * dir turns overlay whiteouts back into OCI ones.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstatSync, readFileSync, readdirSync, existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { sha256 } from '../core/digest.js';
import { native } from '../sys/native.js';
import { applyLayer } from './apply-layer.js';
import { writeDiff } from './write-diff.js';
import { listTar, makeTar, removeDir, sink, tempDir } from './layer-fixtures.js';

let base: string;
const mounted: string[] = [];

function mountOverlay(target: string, lower: string[], upper?: { upper: string; work: string }): void {
  const opts = [`lowerdir=${lower.join(':')}`];
  if (upper) opts.push(`upperdir=${upper.upper}`, `workdir=${upper.work}`);
  execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', opts.join(','), target]);
  mounted.push(target);
}

function unmount(target: string): void {
  execFileSync('umount', [target]);
  mounted.splice(mounted.indexOf(target), 1);
}

before(async () => {
  base = await tempDir();
});
after(async () => {
  for (const m of mounted.reverse()) execFileSync('umount', ['-l', m]);
  await removeDir(base);
});

const layer0 = (): Promise<Buffer> => makeTar([
  { name: 'd/', type: 'directory' },
  { name: 'd/a', content: 'lower a' },
  { name: 'd/b', content: 'lower b' },
  { name: 'x', content: 'deleted above' },
  { name: 'y', content: 'kept' },
]);
const layer1 = (): Promise<Buffer> => makeTar([
  { name: '.wh.x', content: '' },
  { name: 'd/', type: 'directory' },
  { name: 'd/.wh..wh..opq', content: '' },
  { name: 'd/c', content: 'upper c' },
]);

describe('overlay whiteouts', () => {
  it('applyLayer makes overlay whiteouts that overlayfs honours', async () => {
    const [l0, l1, merged] = ['l0', 'l1', 'merged'].map((d) => join(base, d)) as [string, string, string];
    for (const d of [l0, l1, merged]) await mkdir(d);
    await applyLayer(l0, Readable.from([await layer0()]), { whiteouts: 'overlay' });
    await applyLayer(l1, Readable.from([await layer1()]), { whiteouts: 'overlay' });

    const wh = lstatSync(join(l1, 'x'));
    assert.ok(wh.isCharacterDevice());
    assert.equal(wh.rdev, 0);
    assert.equal(native().lgetxattr(join(l1, 'd'), 'trusted.overlay.opaque')?.toString(), 'y');
    assert.equal(existsSync(join(l1, '.wh.x')), false);
    assert.equal(existsSync(join(l1, 'd/.wh..wh..opq')), false);

    mountOverlay(merged, [l1, l0]);
    try {
      assert.deepEqual(readdirSync(merged).sort(), ['d', 'y']);
      assert.deepEqual(readdirSync(join(merged, 'd')), ['c']);
      assert.equal(readFileSync(join(merged, 'y'), 'utf8'), 'kept');
    } finally {
      unmount(merged);
    }
  });

  it('writeDiff turns an upper dir back into OCI whiteouts, and the diff reproduces the view', async () => {
    const [l0, l1, l2, upper, work, merged, check] = ['l0', 'l1', 'l2', 'upper', 'work', 'merged2', 'check'].map((d) => join(base, d)) as
      [string, string, string, string, string, string, string];
    for (const d of [l2, upper, work, merged, check]) await mkdir(d);
    mountOverlay(merged, [l1, l0], { upper, work });
    try {
      // Container-style changes: delete a lower file, replace a lower dir, add a file.
      await rm(join(merged, 'y'));
      await rm(join(merged, 'd'), { recursive: true });
      await mkdir(join(merged, 'd'));
      await writeFile(join(merged, 'd/new'), 'new in d');
      await writeFile(join(merged, 'z'), 'added');
    } finally {
      unmount(merged);
    }
    assert.ok(lstatSync(join(upper, 'y')).isCharacterDevice());
    assert.equal(native().lgetxattr(join(upper, 'd'), 'trusted.overlay.opaque')?.toString(), 'y');

    const out = sink();
    const r = await writeDiff(upper, out.stream);
    assert.equal(r.diffId, sha256(out.bytes()));
    const entries = await listTar(out.bytes());
    // Whiteouts come first in their directory (layer.md: before sibling directory entries).
    assert.deepEqual(entries.map((e) => e.header.name), ['.wh.y', 'd/', 'd/.wh..wh..opq', 'd/new', 'z']);
    for (const e of entries) {
      const pax = (e.header as { pax?: Record<string, string> }).pax ?? {};
      assert.ok(Object.keys(pax).every((k) => !k.includes('trusted.overlay')), `${e.header.name} leaks overlay xattrs`);
    }

    await applyLayer(l2, Readable.from([out.bytes()]), { whiteouts: 'overlay' });
    mountOverlay(check, [l2, l1, l0]);
    try {
      assert.deepEqual(readdirSync(check).sort(), ['d', 'z']);
      assert.deepEqual(readdirSync(join(check, 'd')), ['new']);
      assert.equal(readFileSync(join(check, 'z'), 'utf8'), 'added');
    } finally {
      unmount(check);
    }
  });

  it('direct mode applies the same layers onto one root with the same result', async () => {
    const root = join(base, 'flat');
    await mkdir(root);
    await applyLayer(root, Readable.from([await layer0()]), { whiteouts: 'direct' });
    await applyLayer(root, Readable.from([await layer1()]), { whiteouts: 'direct' });
    assert.deepEqual(readdirSync(root).sort(), ['d', 'y']);
    assert.deepEqual(readdirSync(join(root, 'd')), ['c']);
  });
});
