import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DetachMatcher, parseDetachKeys } from './detach-keys.js';

describe('detach keys', () => {
  it('parses docker key specs', () => {
    assert.deepEqual([...parseDetachKeys('ctrl-p,ctrl-q')], [16, 17]);
    assert.deepEqual([...parseDetachKeys('a,ctrl-@,ctrl-[,ctrl-_')], [97, 0, 27, 31]);
    assert.throws(() => parseDetachKeys('ctrl-1'), /Invalid detach keys \(ctrl-1\) provided/);
    assert.throws(() => parseDetachKeys('foo'), /Invalid detach keys/);
  });

  it('passes input through, holds partial matches and detects the sequence across chunks', () => {
    const m = new DetachMatcher(parseDetachKeys('ctrl-p,ctrl-q'));
    assert.deepEqual(m.feed(Buffer.from('ab')), { data: Buffer.from('ab'), detached: false });
    assert.deepEqual(m.feed(Buffer.from('x\x10')), { data: Buffer.from('x'), detached: false });
    // A failed partial match releases the held key.
    assert.deepEqual(m.feed(Buffer.from('y')), { data: Buffer.from('\x10y'), detached: false });
    assert.deepEqual(m.feed(Buffer.from('\x10\x10')), { data: Buffer.from('\x10'), detached: false });
    assert.deepEqual(m.feed(Buffer.from('\x11rest')), { data: Buffer.alloc(0), detached: true });
  });
});
