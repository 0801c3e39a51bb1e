import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseChallenge } from './registry-auth.js';
import { RegistryHosts, credentialKey } from './registry-hosts.js';
import { parsePlatform, selectManifest } from './platform.js';
import { checkDescriptor, parseManifestDocument } from './manifest-document.js';
import { registryDomain } from './registry-login.js';
import type { Descriptor } from '../core/image-types.js';

const D = `sha256:${"a".repeat(64)}` as const;

describe('WWW-Authenticate challenges', () => {
  it('parses bearer and basic challenges with quoted and bare values', () => {
    assert.deepEqual(parseChallenge('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"'), {
      scheme: 'bearer',
      params: { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:a/b:pull,push' },
    });
    assert.deepEqual(parseChallenge('Basic realm=reg'), { scheme: 'basic', params: { realm: 'reg' } });
    assert.equal(parseChallenge('Negotiate abc'), undefined);
    assert.equal(parseChallenge(undefined), undefined);
  });
});

describe('registry hosts', () => {
  it('treats loopback and --insecure-registry entries (host or CIDR) as plain HTTP, everything else as TLS', () => {
    const h = new RegistryHosts({ insecure: ['reg.local:5000', '10.1.0.0/16'], certsDir: '/nonexistent' });
    assert.equal(h.endpoint('127.0.0.1:5000').base, 'http://127.0.0.1:5000');
    assert.equal(h.endpoint('localhost:5000').base, 'http://localhost:5000');
    assert.equal(h.endpoint('[::1]:5000').base, 'http://[::1]:5000');
    assert.equal(h.endpoint('reg.local:5000').base, 'http://reg.local:5000');
    assert.equal(h.endpoint('10.1.2.3').base, 'http://10.1.2.3');
    assert.equal(h.endpoint('10.2.0.1').base, 'https://10.2.0.1');
    assert.equal(h.endpoint('ghcr.io').base, 'https://ghcr.io');
    assert.equal(h.endpoint('docker.io').base, 'https://registry-1.docker.io');
    assert.equal(credentialKey('docker.io'), 'https://index.docker.io/v1/');
    h.close();
  });

  it('normalizes login server addresses', () => {
    assert.equal(registryDomain('https://index.docker.io/v1/'), 'docker.io');
    assert.equal(registryDomain('http://127.0.0.1:5000'), '127.0.0.1:5000');
    assert.equal(registryDomain('Reg.Example:443'), 'reg.example:443');
    assert.equal(registryDomain(''), 'docker.io');
    assert.throws(() => registryDomain('https:// bad'), { code: 'InvalidArgument' });
  });
});

describe('platforms', () => {
  const m = (architecture: string, variant?: string): Descriptor => ({ mediaType: 'x', digest: D, size: 1, platform: { os: 'linux', architecture, ...(variant ? { variant } : {}) } });
  it('parses os/arch[/variant] and picks the matching manifest', () => {
    assert.deepEqual(parsePlatform('linux/arm64/v8'), { os: 'linux', architecture: 'arm64', variant: 'v8' });
    assert.deepEqual(parsePlatform('linux/x86_64'), { os: 'linux', architecture: 'amd64' });
    assert.throws(() => parsePlatform('linux/amd64/v2/extra'), { code: 'InvalidArgument' });
    const list = [m('arm', 'v6'), m('arm', 'v7'), m('amd64'), m('arm64', 'v8')];
    assert.equal(selectManifest(list, { os: 'linux', architecture: 'arm' }), list[1]);
    assert.equal(selectManifest(list, { os: 'linux', architecture: 'arm', variant: 'v6' }), list[0]);
    assert.equal(selectManifest(list, { os: 'linux', architecture: 'amd64' }), list[2]);
    assert.throws(() => selectManifest(list, { os: 'linux', architecture: 'riscv64' }), { code: 'NotFound', message: /no matching manifest for linux\/riscv64/ });
  });
});

describe('manifest documents', () => {
  const layer = { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: D, size: 10 };
  const config = { mediaType: 'application/vnd.oci.image.config.v1+json', digest: D, size: 2 };
  const doc = (o: object) => Buffer.from(JSON.stringify({ schemaVersion: 2, ...o }));
  it('accepts manifests and indexes, refuses schema 1, bad digests, sizes and media types', () => {
    const ok = parseManifestDocument(doc({ mediaType: 'application/vnd.oci.image.manifest.v1+json', config, layers: [layer] }), '');
    assert.equal(ok.kind, 'manifest');
    assert.equal(parseManifestDocument(doc({ manifests: [{ ...layer, mediaType: 'application/vnd.oci.image.manifest.v1+json' }] }), 'application/vnd.oci.image.index.v1+json').kind, 'index');
    assert.throws(() => parseManifestDocument(Buffer.from('{"schemaVersion":1}'), ''), { code: 'NotImplemented' });
    assert.throws(() => parseManifestDocument(doc({ config, layers: [{ ...layer, digest: 'sha256:XYZ' }] }), ''), { code: 'InvalidArgument', message: /invalid digest "sha256:XYZ"/ });
    assert.throws(() => parseManifestDocument(doc({ config, layers: [{ ...layer, size: -1 }] }), ''), { code: 'InvalidArgument', message: /invalid size/ });
    assert.throws(() => parseManifestDocument(doc({ config, layers: [{ ...layer, mediaType: 'text/html' }] }), ''), { code: 'InvalidArgument', message: /unsupported media type/ });
    assert.throws(() => parseManifestDocument(Buffer.from('not json'), ''), { code: 'InvalidArgument' });
    assert.throws(() => checkDescriptor(null, 'x'), { code: 'InvalidArgument' });
  });
});
