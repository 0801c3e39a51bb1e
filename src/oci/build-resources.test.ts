import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HostConfig } from '../core/container-types.js';
import { isEngineError } from '../core/errors.js';
import { buildResources, defaultDeviceRules, parseDeviceCgroupRule, type ResourceOptions } from './build-resources.js';
import { hostConfig } from './spec-fixtures.js';

const MiB = 1024 * 1024;
const invalid = (e: unknown) => isEngineError(e, 'InvalidArgument');
const res = (hc: Partial<HostConfig>, opts: Partial<ResourceOptions> = {}) =>
  buildResources(hostConfig(hc), { cgroupVersion: 1, privileged: false, ...opts }).resources;

describe('buildResources: memory', () => {
  it('sets nothing when no memory flag is given', () => {
    assert.equal(res({}).memory, undefined);
  });

  it('--memory sets the limit and, like Docker, swap to twice the memory when --memory-swap is unset', () => {
    assert.deepEqual(res({ Memory: 64 * MiB }).memory, { limit: 64 * MiB, swap: 128 * MiB });
  });

  it('--memory-swap -1 is unlimited swap; a positive value is memory+swap', () => {
    assert.deepEqual(res({ Memory: 64 * MiB, MemorySwap: -1 }).memory, { limit: 64 * MiB, swap: -1 });
    assert.deepEqual(res({ Memory: 64 * MiB, MemorySwap: 100 * MiB }).memory, { limit: 64 * MiB, swap: 100 * MiB });
    assert.deepEqual(res({ Memory: 64 * MiB, MemorySwap: 64 * MiB }).memory, { limit: 64 * MiB, swap: 64 * MiB });
  });

  it('drops swap where the host cannot account it', () => {
    assert.deepEqual(res({ Memory: 64 * MiB }, { swapLimitSupported: false }).memory, { limit: 64 * MiB });
  });

  it('maps reservation, swappiness and oom-kill-disable', () => {
    assert.deepEqual(res({ MemoryReservation: 32 * MiB, MemorySwappiness: 10, OomKillDisable: true }).memory, {
      reservation: 32 * MiB,
      swappiness: 10,
      disableOOMKiller: true,
    });
    assert.deepEqual(res({ MemorySwappiness: 0 }).memory, { swappiness: 0 });
    assert.equal(res({ MemorySwappiness: -1 }).memory, undefined);
    assert.equal(res({ OomKillDisable: false }).memory, undefined);
  });

  it('leaves out swappiness and oom-kill-disable on cgroup v2, which has neither', () => {
    assert.deepEqual(res({ Memory: 64 * MiB, MemorySwappiness: 10, OomKillDisable: true }, { cgroupVersion: 2 }).memory, {
      limit: 64 * MiB,
      swap: 128 * MiB,
    });
  });

  const bad: Array<[string, Partial<HostConfig>]> = [
    ['memory below 6MB', { Memory: 6 * MiB - 1 }],
    ['negative memory', { Memory: -1 }],
    ['swap below memory', { Memory: 64 * MiB, MemorySwap: 32 * MiB }],
    ['swap without memory', { MemorySwap: 64 * MiB }],
    ['swap below -1', { Memory: 64 * MiB, MemorySwap: -2 }],
    ['swappiness above 100', { MemorySwappiness: 101 }],
    ['swappiness below -1', { MemorySwappiness: -2 }],
    ['reservation below 6MB', { MemoryReservation: MiB }],
    ['negative reservation', { MemoryReservation: -5 }],
    ['reservation above memory', { Memory: 64 * MiB, MemoryReservation: 128 * MiB }],
    ['fractional memory', { Memory: 64 * MiB + 0.5 }],
  ];
  for (const [what, hc] of bad) it(`refuses ${what}`, () => assert.throws(() => res(hc), invalid));

  it('accepts exactly 6MB', () => {
    assert.equal(res({ Memory: 6 * MiB }).memory?.limit, 6 * MiB);
  });
});

describe('buildResources: cpu', () => {
  it('--cpus becomes quota over a 100ms period', () => {
    assert.deepEqual(res({ NanoCpus: 500_000_000 }).cpu, { period: 100_000, quota: 50_000 });
    assert.deepEqual(res({ NanoCpus: 1_500_000_000 }).cpu, { period: 100_000, quota: 150_000 });
    assert.deepEqual(res({ NanoCpus: 10_000_000 }).cpu, { period: 100_000, quota: 1_000 });
  });

  it('maps --cpu-quota/--cpu-period/--cpu-shares/--cpuset-* directly', () => {
    assert.deepEqual(res({ CpuQuota: 25_000, CpuPeriod: 50_000, CpuShares: 512, CpusetCpus: '0-1,3', CpusetMems: '0' }).cpu, {
      shares: 512,
      quota: 25_000,
      period: 50_000,
      cpus: '0-1,3',
      mems: '0',
    });
    assert.deepEqual(res({ CpuQuota: -1 }).cpu, { quota: -1 });
    assert.equal(res({}).cpu, undefined);
  });

  it('maps real-time settings on cgroup v1 and refuses them on v2', () => {
    assert.deepEqual(res({ CpuRealtimePeriod: 1_000_000, CpuRealtimeRuntime: 950_000 }).cpu, { realtimePeriod: 1_000_000, realtimeRuntime: 950_000 });
    assert.throws(() => res({ CpuRealtimeRuntime: 950_000 }, { cgroupVersion: 2 }), invalid);
  });

  const bad: Array<[string, Partial<HostConfig>, Partial<ResourceOptions>?]> = [
    ['--cpus with --cpu-quota', { NanoCpus: 1e9, CpuQuota: 50_000 }],
    ['--cpus with --cpu-period', { NanoCpus: 1e9, CpuPeriod: 50_000 }],
    ['negative --cpus', { NanoCpus: -1 }],
    ['--cpus above the host CPUs', { NanoCpus: 3e9 }, { hostCpus: 2 }],
    ['period below 1ms', { CpuPeriod: 999 }],
    ['period above 1s', { CpuPeriod: 1_000_001 }],
    ['negative period', { CpuPeriod: -1 }],
    ['quota below 1ms', { CpuQuota: 999 }],
    ['quota below -1', { CpuQuota: -2 }],
    ['negative shares', { CpuShares: -1 }],
    ['bad cpuset', { CpusetCpus: '0-' }],
    ['reversed cpuset range', { CpusetCpus: '3-1' }],
    ['bad cpuset mems', { CpusetMems: 'a' }],
    ['rt runtime above period', { CpuRealtimePeriod: 1000, CpuRealtimeRuntime: 2000 }],
    ['negative rt period', { CpuRealtimePeriod: -1 }],
  ];
  for (const [what, hc, opts] of bad) it(`refuses ${what}`, () => assert.throws(() => res(hc, opts), invalid));

  it('accepts --cpus equal to the host CPU count', () => {
    assert.equal(res({ NanoCpus: 2e9 }, { hostCpus: 2 }).cpu?.quota, 200_000);
  });
});

describe('buildResources: pids and blkio', () => {
  it('sets a pids limit only when positive', () => {
    assert.deepEqual(res({ PidsLimit: 50 }).pids, { limit: 50 });
    for (const v of [0, -1, null]) assert.equal(res({ PidsLimit: v }).pids, undefined);
  });

  it('maps --blkio-weight within 10..1000', () => {
    assert.deepEqual(res({ BlkioWeight: 300 }).blockIO, { weight: 300 });
    assert.equal(res({}).blockIO, undefined);
    for (const w of [9, 1001, -1]) assert.throws(() => res({ BlkioWeight: w }), invalid);
  });
});

describe('buildResources: devices', () => {
  it('starts from deny-all plus the standard devices', () => {
    const rules = res({}).devices!;
    assert.deepEqual(rules, defaultDeviceRules());
    assert.deepEqual(rules[0], { allow: false, access: 'rwm' });
    const has = (type: string, major: number | undefined, minor: number | undefined, access: string) =>
      rules.some((r) => r.allow && r.type === type && r.major === major && r.minor === minor && r.access === access);
    assert.ok(has('c', undefined, undefined, 'm') && has('b', undefined, undefined, 'm'));
    for (const [maj, min] of [[1, 3], [1, 5], [1, 7], [1, 8], [1, 9], [5, 0], [5, 1], [5, 2], [10, 200]] as const) {
      assert.ok(has('c', maj, min, 'rwm'), `c ${maj}:${min}`);
    }
    assert.ok(has('c', 136, undefined, 'rwm'));
    assert.ok(!rules.some((r) => r.allow && r.type === 'b' && (r.access ?? '').includes('r')));
  });

  it('privileged allows every device and creates the host devices', () => {
    const hostDevices = [{ path: '/dev/loop0', type: 'b' as const, major: 7, minor: 0 }];
    const out = buildResources(hostConfig(), { cgroupVersion: 1, privileged: true, hostDevices });
    assert.deepEqual(out.resources.devices, [{ allow: true, access: 'rwm' }]);
    assert.deepEqual(out.devices, hostDevices);
  });

  it('--device creates the node and allows it with the given permissions', () => {
    const deviceInfo = (p: string) => (p === '/dev/fuse' ? { type: 'c' as const, major: 10, minor: 229, fileMode: 0o666, uid: 0, gid: 0 } : undefined);
    const out = buildResources(hostConfig({ Devices: [{ PathOnHost: '/dev/fuse', PathInContainer: '/dev/myfuse', CgroupPermissions: 'rw' }] }), {
      cgroupVersion: 1,
      privileged: false,
      deviceInfo,
    });
    assert.deepEqual(out.devices, [{ path: '/dev/myfuse', type: 'c', major: 10, minor: 229, fileMode: 0o666, uid: 0, gid: 0 }]);
    assert.deepEqual(out.resources.devices?.at(-1), { allow: true, type: 'c', major: 10, minor: 229, access: 'rw' });
    const dflt = buildResources(hostConfig({ Devices: [{ PathOnHost: '/dev/fuse', PathInContainer: '', CgroupPermissions: '' }] }), {
      cgroupVersion: 1,
      privileged: false,
      deviceInfo,
    });
    assert.equal(dflt.devices[0]?.path, '/dev/fuse');
    assert.equal(dflt.resources.devices?.at(-1)?.access, 'rwm');
  });

  it('refuses a --device it cannot resolve or with bad permissions', () => {
    const dev = (CgroupPermissions: string, PathOnHost = '/dev/fuse') => hostConfig({ Devices: [{ PathOnHost, PathInContainer: '', CgroupPermissions }] });
    const deviceInfo = () => ({ type: 'c' as const, major: 10, minor: 229 });
    assert.throws(() => buildResources(dev('rwm'), { cgroupVersion: 1, privileged: false }), invalid);
    assert.throws(() => buildResources(dev('rwm'), { cgroupVersion: 1, privileged: false, deviceInfo: () => undefined }), invalid);
    assert.throws(() => buildResources(dev('rwx'), { cgroupVersion: 1, privileged: false, deviceInfo }), invalid);
    assert.throws(() => buildResources(dev('rr'), { cgroupVersion: 1, privileged: false, deviceInfo }), invalid);
    assert.throws(() => buildResources(dev('rwm', 'dev/fuse'), { cgroupVersion: 1, privileged: false, deviceInfo }), invalid);
  });

  it('parses --device-cgroup-rule', () => {
    assert.deepEqual(parseDeviceCgroupRule('c 1:3 rwm'), { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' });
    assert.deepEqual(parseDeviceCgroupRule('b *:* m'), { allow: true, type: 'b', access: 'm' });
    assert.deepEqual(parseDeviceCgroupRule('a 7:* r'), { allow: true, type: 'a', major: 7, access: 'r' });
    for (const bad of ['x 1:3 rwm', 'c 1:3', 'c 1-3 rw', 'c 1:3 rwx', 'c 1:3 rr', '']) {
      assert.throws(() => parseDeviceCgroupRule(bad), invalid, bad);
    }
    assert.deepEqual(res({ DeviceCgroupRules: ['c 42:* rmw'] }).devices?.at(-1), { allow: true, type: 'c', major: 42, access: 'rmw' });
  });
});
