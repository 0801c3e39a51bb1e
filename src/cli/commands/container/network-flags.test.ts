import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../flags.js';
import { parseExpose, parseMount, parsePublish } from './network-flags.js';
import { splitCpArg } from './cp.js';

function publish(...specs: string[]) {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const s of specs) parsePublish(s, exposed, bindings);
  return { exposed: Object.keys(exposed), bindings };
}

describe('-p, --publish', () => {
  it('parses docker publish specs', () => {
    assert.deepEqual(publish('8080:80').bindings, { '80/tcp': [{ HostIp: '', HostPort: '8080' }] });
    assert.deepEqual(publish('127.0.0.1:8080:80/udp').bindings, { '80/udp': [{ HostIp: '127.0.0.1', HostPort: '8080' }] });
    assert.deepEqual(publish('127.0.0.1::80').bindings, { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] });
    assert.deepEqual(publish('80').bindings, { '80/tcp': [{ HostIp: '', HostPort: '' }] });
    assert.deepEqual(publish('8000-8001:80-81').bindings, {
      '80/tcp': [{ HostIp: '', HostPort: '8000' }],
      '81/tcp': [{ HostIp: '', HostPort: '8001' }],
    });
    assert.deepEqual(publish('8000-8010:80').bindings, { '80/tcp': [{ HostIp: '', HostPort: '8000-8010' }] });
    assert.deepEqual(publish('[::1]:8080:80').bindings, { '80/tcp': [{ HostIp: '::1', HostPort: '8080' }] });
  });

  it('refuses bad specs as usage errors', () => {
    for (const bad of ['8080:', 'a:80', '80/icmp', '8000-8002:80-81', '1.2.3:80:80', '70000:80', '1:2:3:4']) {
      assert.throws(() => publish(bad), UsageError, bad);
    }
  });

  it('parses --expose ranges', () => {
    const e: Record<string, object> = {};
    parseExpose('7000-7002/udp', e);
    parseExpose('80', e);
    assert.deepEqual(Object.keys(e), ['7000/udp', '7001/udp', '7002/udp', '80/tcp']);
    assert.throws(() => parseExpose('x', e), UsageError);
  });
});

describe('--mount', () => {
  it('parses the CSV syntax', () => {
    assert.deepEqual(parseMount('type=bind,source=/src,target=/dst,readonly,bind-propagation=rslave'), {
      Type: 'bind', Source: '/src', Target: '/dst', ReadOnly: true, BindOptions: { Propagation: 'rslave' },
    });
    assert.deepEqual(parseMount('src=v1,dst=/d,volume-nocopy,volume-opt=type=tmpfs,volume-label=a=b'), {
      Type: 'volume', Source: 'v1', Target: '/d',
      VolumeOptions: { NoCopy: true, DriverConfig: { Options: { type: 'tmpfs' } }, Labels: { a: 'b' } },
    });
    assert.deepEqual(parseMount('type=tmpfs,target=/t,tmpfs-size=1m,tmpfs-mode=1770'), { Type: 'tmpfs', Target: '/t', TmpfsOptions: { SizeBytes: 1048576, Mode: 0o1770 } });
  });

  it('refuses unknown keys, missing targets and mixed options', () => {
    for (const bad of ['type=bind,source=/a', 'type=volume,target=/a,foo=bar', 'type=bind,source=/a,target=/b,volume-nocopy', 'type=tmpfs,target=/t,tmpfs-mode=9', 'target=/a,readonly=maybe']) {
      assert.throws(() => parseMount(bad), UsageError, bad);
    }
  });
});

describe('cp arguments', () => {
  it('splits container:path, keeps local paths local', () => {
    assert.deepEqual(splitCpArg('web:/etc/hosts'), { container: 'web', path: '/etc/hosts' });
    assert.deepEqual(splitCpArg('./a:b'), { path: './a:b' });
    assert.deepEqual(splitCpArg('/abs:x'), { path: '/abs:x' });
    assert.deepEqual(splitCpArg('-'), { path: '-' });
    assert.deepEqual(splitCpArg('file'), { path: 'file' });
  });
});
