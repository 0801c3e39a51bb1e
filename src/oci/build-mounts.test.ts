import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isEngineError } from '../core/errors.js';
import type { Mount } from './runtime-spec.js';
import { DEFAULT_SHM_SIZE, assembleMounts, buildMounts, defaultMounts, mergeTmpfsOptions, tmpfsMounts, type BuildMountsOptions } from './build-mounts.js';

const invalid = (e: unknown) => isEngineError(e, 'InvalidArgument');
const base: BuildMountsOptions = {
  privileged: false, writableCgroups: false, shmSize: 0, ipc: 'new', ipcNone: false, readonlyRootfs: false, tmpfs: undefined, extraMounts: [],
};
const build = (o: Partial<BuildMountsOptions> = {}) => buildMounts({ ...base, ...o });
const at = (mounts: Mount[], d: string) => mounts.filter((m) => m.destination === d);

describe('defaultMounts', () => {
  it('mounts proc, dev, devpts, sysfs, cgroup, mqueue and shm with Docker\'s options', () => {
    assert.deepEqual(build().mounts, [
      { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
      { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'] },
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', `size=${64 * 1024 * 1024}`] },
    ]);
    assert.equal(DEFAULT_SHM_SIZE, 67108864);
  });

  it('can bind the host /sys instead of a fresh sysfs', () => {
    const sys = at(defaultMounts({ writableSys: false, writableCgroups: false, shmSize: 1, shm: 'private', bindSys: true }), '/sys');
    assert.deepEqual(sys, [{ destination: '/sys', type: 'bind', source: '/sys', options: ['rbind', 'nosuid', 'noexec', 'nodev', 'ro'] }]);
  });

  it('makes /sys and cgroups writable when privileged, unless the rootfs is read-only', () => {
    const priv = build({ privileged: true }).mounts;
    assert.ok(at(priv, '/sys')[0]!.options!.includes('rw'));
    assert.ok(at(priv, '/sys/fs/cgroup')[0]!.options!.includes('rw'));
    const ro = build({ privileged: true, readonlyRootfs: true }).mounts;
    assert.ok(at(ro, '/sys')[0]!.options!.includes('ro'));
    assert.ok(at(ro, '/sys/fs/cgroup')[0]!.options!.includes('ro'));
  });

  it('writable-cgroups makes only the cgroup mount writable', () => {
    const m = build({ writableCgroups: true }).mounts;
    assert.ok(at(m, '/sys/fs/cgroup')[0]!.options!.includes('rw'));
    assert.ok(at(m, '/sys')[0]!.options!.includes('ro'));
  });

  it('sizes /dev/shm from ShmSize and refuses a negative one', () => {
    assert.ok(at(build({ shmSize: 1024 * 1024 }).mounts, '/dev/shm')[0]!.options!.includes('size=1048576'));
    assert.throws(() => build({ shmSize: -1 }), invalid);
  });

  it('binds the host /dev/shm for --ipc host and mounts none for --ipc none or a joined namespace', () => {
    assert.deepEqual(at(build({ ipc: 'host' }).mounts, '/dev/shm'), [{ destination: '/dev/shm', type: 'bind', source: '/dev/shm', options: ['rbind', 'nosuid', 'noexec', 'nodev'] }]);
    assert.deepEqual(at(build({ ipcNone: true }).mounts, '/dev/shm'), []);
    assert.deepEqual(at(build({ ipc: 'path' }).mounts, '/dev/shm'), []);
  });
});

describe('tmpfs mounts', () => {
  it('defaults to noexec,nosuid,nodev and merges the user options over them', () => {
    assert.deepEqual(tmpfsMounts({ '/run': '' }), [{ destination: '/run', type: 'tmpfs', source: 'tmpfs', options: ['noexec', 'nosuid', 'nodev'] }]);
    assert.deepEqual(tmpfsMounts({ '/run': 'rw,exec,size=64m,mode=1770' })[0]!.options, ['nosuid', 'nodev', 'rw', 'exec', 'size=64m', 'mode=1770']);
    assert.deepEqual(mergeTmpfsOptions(['size=1m', 'ro'], ['size=2m', 'rw', 'rprivate', 'rshared']), ['size=2m', 'rw', 'rshared']);
  });

  it('refuses unknown flags and relative or root paths', () => {
    assert.throws(() => tmpfsMounts({ '/run': 'fast' }), invalid);
    assert.throws(() => tmpfsMounts({ run: '' }), invalid);
    assert.throws(() => tmpfsMounts({ '/': '' }), invalid);
  });
});

describe('assembleMounts', () => {
  const m = (destination: string) => ({ destination, type: 'bind', source: '/x', options: ['rbind'] });

  it('replaces a default with a user mount at the same place', () => {
    const out = build({ tmpfs: { '/dev/shm': 'size=1g' } }).mounts;
    assert.equal(at(out, '/dev/shm').length, 1);
    assert.equal(at(out, '/dev/shm')[0]!.source, 'tmpfs');
    assert.equal(at(assembleMounts(defaultMounts({ writableSys: false, writableCgroups: false, shmSize: 1, shm: 'private', bindSys: false }), [m('/proc/')]), '/proc').length, 0);
  });

  it('drops the default /dev/* mounts when the user mounts /dev', () => {
    const out = build({ extraMounts: [m('/dev')] }).mounts;
    assert.deepEqual(out.filter((x) => x.destination.startsWith('/dev')).map((x) => x.source), ['/x']);
  });

  it('puts user mounts after the defaults, parents before children, otherwise in the given order', () => {
    const out = build({ extraMounts: [m('/data/sub/deeper'), m('/etc/hosts'), m('/data'), m('/etc/resolv.conf'), m('/data/sub')] }).mounts;
    assert.deepEqual(out.slice(7).map((x) => x.destination), ['/data', '/etc/hosts', '/etc/resolv.conf', '/data/sub', '/data/sub/deeper']);
  });

  it('asks for shared or slave root propagation only when a bind needs it', () => {
    assert.equal(build().rootfsPropagation, undefined);
    assert.equal(build({ extraMounts: [{ ...m('/a'), options: ['rbind', 'rslave'] }] }).rootfsPropagation, 'rslave');
    assert.equal(build({ extraMounts: [{ ...m('/a'), options: ['rbind', 'rslave'] }, { ...m('/b'), options: ['bind', 'shared'] }] }).rootfsPropagation, 'rshared');
  });

  it('adds the init binary read-only', () => {
    const out = build({ init: { hostPath: '/usr/libexec/berth/init', destination: '/sbin/docker-init' } }).mounts;
    assert.deepEqual(at(out, '/sbin/docker-init'), [{ destination: '/sbin/docker-init', type: 'bind', source: '/usr/libexec/berth/init', options: ['bind', 'ro'] }]);
  });
});
