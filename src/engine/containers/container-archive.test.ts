import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containerPath } from './container-archive.js';

describe('copy API paths', () => {
  it('are made absolute and clean, keeping a trailing / or /.', () => {
    assert.equal(containerPath('tmp/foo'), '/tmp/foo');
    assert.equal(containerPath('/tmp//foo/../bar'), '/tmp/bar');
    assert.equal(containerPath('/etc/'), '/etc/');
    assert.equal(containerPath('/etc/.'), '/etc/.');
    assert.equal(containerPath('.'), '/.');
    assert.equal(containerPath('/'), '/');
    assert.equal(containerPath('/../../etc/passwd'), '/etc/passwd');
    assert.throws(() => containerPath(''));
  });
});
