import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { familiarName, familiarString, formatReference, parseNamedTagged, parseReference } from './reference.js';

describe('image references', () => {
  it('normalises short names the way Docker does', () => {
    assert.equal(formatReference(parseNamedTagged('busybox')), 'docker.io/library/busybox:latest');
    assert.equal(formatReference(parseNamedTagged('user/app:1.2')), 'docker.io/user/app:1.2');
    assert.equal(formatReference(parseNamedTagged('localhost:5000/app')), 'localhost:5000/app:latest');
    assert.equal(formatReference(parseNamedTagged('registry.example.com/a/b/c:tag')), 'registry.example.com/a/b/c:tag');
    const digest = `sha256:${'a'.repeat(64)}`;
    assert.equal(formatReference(parseNamedTagged(`busybox@${digest}`)), `docker.io/library/busybox@${digest}`);
  });

  it('shows familiar names', () => {
    assert.equal(familiarName('docker.io/library/busybox'), 'busybox');
    assert.equal(familiarName('docker.io/user/app'), 'user/app');
    assert.equal(familiarName('localhost:5000/app'), 'localhost:5000/app');
    assert.equal(familiarString(parseReference('index.docker.io/library/alpine:3')), 'alpine:3');
  });

  it('rejects malformed references with InvalidArgument', () => {
    for (const bad of ['', 'UPPER', 'a:b:c', 'app:', 'app@sha256:123', 'a//b', '-lead', 'x:tag with space']) {
      assert.throws(() => parseReference(bad), (e: { code?: string }) => e.code === 'InvalidArgument', bad);
    }
    assert.throws(() => parseReference('Busy'), /must be lowercase/);
  });
});
