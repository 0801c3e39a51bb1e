import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IgnoreMatcher } from './dockerignore.js';

describe('.dockerignore', () => {
  it('matches globs, ** and parent directories, with the last matching line winning', () => {
    const m = IgnoreMatcher.parse('# comment\n*.log\n/build\n**/tmp\nsecret*\n!secret.pub\ndocs/**/*.md\n!docs/keep.md\n');
    for (const p of ['a.log', 'build', 'build/x/y', 'tmp', 'a/b/tmp/c', 'secret.key', 'docs/a.md', 'docs/x/y/z.md']) assert.ok(m.ignores(p), p);
    for (const p of ['a/a.log', 'src/x.ts', 'secret.pub', 'docs/keep.md', 'docs/readme.txt']) assert.ok(!m.ignores(p), p);
  });
  it('knows when an excluded directory may hold re-included files', () => {
    const m = IgnoreMatcher.parse('vendor\n!vendor/keep\n');
    assert.ok(m.ignores('vendor/x'));
    assert.ok(!m.ignores('vendor/keep'));
    assert.ok(m.mayReinclude('vendor'));
    assert.ok(!IgnoreMatcher.parse('vendor\n').mayReinclude('vendor'));
  });
});
