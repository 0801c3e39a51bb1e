import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isEngineError } from '../../core/errors.js';
import { parseBind, parseMountSpec, parseVolumesFrom } from './parse-mounts.js';

const invalid = (e: unknown) => isEngineError(e, 'InvalidArgument');

describe('parseBind (-v)', () => {
  it('tells named volumes, host paths and anonymous volumes apart', () => {
    assert.deepEqual(parseBind('data:/var/lib/x'), {
      Type: 'volume', Name: 'data', Source: '', Destination: '/var/lib/x', Driver: 'local', Mode: 'z', RW: true, Propagation: '', noCopy: false,
    });
    const b = parseBind('/srv/www/:/usr/share/html:ro,rshared');
    assert.equal(b.Type, 'bind');
    assert.equal(b.Source, '/srv/www/');
    assert.equal(b.Destination, '/usr/share/html');
    assert.equal(b.RW, false);
    assert.equal(b.Propagation, 'rshared');
    assert.equal(b.createSource, true);
    assert.equal(parseBind('/cache').anonymous, true);
    assert.equal(parseBind('v1:/d:nocopy').noCopy, true);
    assert.equal(parseBind('v1:/d:z').Mode, 'z');
  });

  it('refuses what dockerd refuses', () => {
    for (const bad of ['v1:rel', 'v1:/', 'bad name:/d', '/a:/b:bogus', '/a:/b:ro,rw', 'a:b:c:d', ':/d', 'v1:/d:shared', '/a:/b:nocopy']) {
      assert.throws(() => parseBind(bad), invalid, bad);
    }
    assert.throws(() => parseBind('x:/d'), /includes invalid characters for a local volume name/);
  });
});

describe('parseMountSpec (--mount)', () => {
  it('parses the three types', () => {
    const v = parseMountSpec({ Type: 'volume', Source: 'v1', Target: '/data/', ReadOnly: true, VolumeOptions: { NoCopy: true } });
    assert.equal(v.Destination, '/data');
    assert.equal(v.RW, false);
    assert.equal(v.noCopy, true);
    assert.equal(parseMountSpec({ Type: 'volume', Target: '/x' }).anonymous, true);
    const t = parseMountSpec({ Type: 'tmpfs', Target: '/t', TmpfsOptions: { SizeBytes: 1048576, Mode: 0o1777 } });
    assert.deepEqual(t.tmpfsOptions, ['size=1048576', 'mode=1777']);
    const b = parseMountSpec({ Type: 'bind', Source: '/tmp', Target: '/h', BindOptions: { Propagation: 'rslave', NonRecursive: true } });
    assert.equal(b.Propagation, 'rslave');
    assert.equal(b.nonRecursive, true);
  });

  it('refuses a missing bind source, relative targets and misplaced options', () => {
    assert.throws(() => parseMountSpec({ Type: 'bind', Source: '/no/such/dir/anywhere', Target: '/x' }), /bind source path does not exist: \/no\/such\/dir\/anywhere/);
    assert.throws(() => parseMountSpec({ Type: 'volume', Source: 'v', Target: 'rel' }), /mount path must be absolute/);
    assert.throws(() => parseMountSpec({ Type: 'tmpfs', Source: 'x', Target: '/t' }), /Source must not be specified/);
    assert.throws(() => parseMountSpec({ Type: 'bind', Source: '/tmp', Target: '/t', VolumeOptions: {} }), /VolumeOptions must not be specified/);
    assert.throws(() => parseMountSpec({ Type: 'npipe', Target: '/t' }), invalid);
    assert.throws(() => parseMountSpec({ Type: 'volume', Target: '' }), /Target must not be empty/);
  });
});

describe('parseVolumesFrom', () => {
  it('reads the optional mode', () => {
    assert.deepEqual(parseVolumesFrom('web'), { ref: 'web', mode: '' });
    assert.deepEqual(parseVolumesFrom('web:ro'), { ref: 'web', mode: 'ro' });
    assert.throws(() => parseVolumesFrom('web:xx'), invalid);
  });
});
