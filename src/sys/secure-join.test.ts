import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { secureJoin } from './secure-join.js';

describe('secureJoin', () => {
  it('resolves symlinks as if the root were /, never leaving it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sj-'));
    mkdirSync(join(root, 'etc'));
    symlinkSync('/', join(root, 'up'));
    symlinkSync('../../../../..', join(root, 'rel'));
    symlinkSync('/etc', join(root, 'etclink'));
    symlinkSync('loop2', join(root, 'loop1'));
    symlinkSync('loop1', join(root, 'loop2'));
    assert.equal(await secureJoin(root, '/up/etc/passwd'), join(root, 'etc/passwd'));
    assert.equal(await secureJoin(root, 'rel/etc/shadow'), join(root, 'etc/shadow'));
    assert.equal(await secureJoin(root, '../../../etc'), join(root, 'etc'));
    assert.equal(await secureJoin(root, '/etclink/hosts'), join(root, 'etc/hosts'));
    assert.equal(await secureJoin(root, '/missing/../etclink/x'), join(root, 'etc/x'));
    await assert.rejects(secureJoin(root, '/loop1'), (e: { code?: string }) => e.code === 'InvalidArgument');
  });
});
