import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { native } from './native.js';

describe('native syncfs', () => {
  it('flushes off the event loop: a promise that resolves for a directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-syncfs-'));
    try {
      await writeFile(join(dir, 'f'), 'data');
      const p = native().syncfs(dir);
      assert.ok(p instanceof Promise);
      assert.equal(await p, undefined);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects with the errno code and the path for a missing or non-directory path', async () => {
    await assert.rejects(native().syncfs('/nonexistent/berth'), { code: 'ENOENT', syscall: 'open', message: /\/nonexistent\/berth/ });
    const dir = await mkdtemp(join(tmpdir(), 'berth-syncfs-'));
    try {
      await writeFile(join(dir, 'f'), 'x');
      await assert.rejects(native().syncfs(join(dir, 'f')), { code: 'ENOTDIR' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
