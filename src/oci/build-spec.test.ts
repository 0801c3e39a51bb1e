import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isEngineError } from '../core/errors.js';
import { DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS, buildSpec } from './build-spec.js';
import { ALL_CAPABILITIES, DEFAULT_CAPABILITIES } from './capabilities.js';
import { defaultSeccompProfile } from './default-seccomp.js';
import { specInput } from './spec-fixtures.js';

const invalid = (e: unknown) => isEngineError(e, 'InvalidArgument');
const MiB = 1024 * 1024;
const nsTypes = (spec: ReturnType<typeof buildSpec>) => spec.linux.namespaces.map((n) => n.type).sort();
const sorted = (xs: readonly string[]) => [...xs].sort();

describe('buildSpec: basics', () => {
  it('produces a spec runc 1.1.5 reads, with the process as given', () => {
    const spec = buildSpec(specInput({ args: ['/bin/echo', 'hi'], env: ['A=1'], cwd: '/work', user: { uid: 1000, gid: 100, additionalGids: [10, 20] } }));
    assert.equal(spec.ociVersion, '1.0.2-dev');
    assert.deepEqual(spec.process.args, ['/bin/echo', 'hi']);
    assert.deepEqual(spec.process.env, ['A=1']);
    assert.equal(spec.process.cwd, '/work');
    assert.deepEqual(spec.process.user, { uid: 1000, gid: 100, additionalGids: [10, 20] });
    assert.equal(spec.process.terminal, false);
    assert.equal(spec.process.consoleSize, undefined);
    assert.equal(spec.process.oomScoreAdj, 0);
    assert.equal(spec.process.noNewPrivileges, false);
    assert.deepEqual(spec.root, { path: '/var/lib/berth/rootfs/c0ffee', readonly: false });
    assert.equal(spec.hostname, 'c0ffee');
    assert.equal(spec.linux.cgroupsPath, '/berth/c0ffee');
    assert.equal(spec.linux.rootfsPropagation, undefined);
  });

  it('sets terminal for a tty', () => {
    assert.equal(buildSpec(specInput({ tty: true })).process.terminal, true);
  });

  it('maps OomScoreAdj and refuses values outside [-1000, 1000]', () => {
    assert.equal(buildSpec(specInput({}, { OomScoreAdj: 500 })).process.oomScoreAdj, 500);
    assert.throws(() => buildSpec(specInput({}, { OomScoreAdj: 1001 })), invalid);
    assert.throws(() => buildSpec(specInput({}, { OomScoreAdj: -1001 })), invalid);
  });

  it('makes the root read-only for --read-only', () => {
    assert.equal(buildSpec(specInput({}, { ReadonlyRootfs: true })).root.readonly, true);
  });

  it('refuses incoherent input', () => {
    for (const bad of [
      specInput({ args: [] }),
      specInput({ rootfs: 'rootfs' }),
      specInput({ cwd: 'work' }),
      specInput({ user: { uid: -1, gid: 0, additionalGids: [] } }),
      specInput({ user: { uid: 0, gid: 0, additionalGids: [1.5] } }),
      specInput({ extraMounts: [{ destination: 'etc/hosts', type: 'bind', source: '/x', options: [] }] }),
      specInput({ network: { kind: 'path', path: 'netns' } }),
    ]) {
      assert.throws(() => buildSpec(bad), invalid);
    }
  });

  it('runs the process under /sbin/docker-init for --init', () => {
    const spec = buildSpec(specInput({ args: ['sleep', '1'], init: { hostPath: '/usr/libexec/berth/docker-init' } }));
    assert.deepEqual(spec.process.args, ['/sbin/docker-init', '--', 'sleep', '1']);
    assert.deepEqual(spec.mounts.at(-1), { destination: '/sbin/docker-init', type: 'bind', source: '/usr/libexec/berth/docker-init', options: ['bind', 'ro'] });
  });

  it('appends the extra mounts after the defaults', () => {
    const hosts = { destination: '/etc/hosts', type: 'bind', source: '/var/lib/berth/c/hosts', options: ['rbind', 'rprivate'] };
    const spec = buildSpec(specInput({ extraMounts: [hosts] }, { Tmpfs: { '/run': 'size=1m' } }));
    assert.deepEqual(spec.mounts.slice(0, 7).map((m) => m.destination), ['/proc', '/dev', '/dev/pts', '/sys', '/sys/fs/cgroup', '/dev/mqueue', '/dev/shm']);
    assert.deepEqual(spec.mounts.slice(7), [
      { destination: '/run', type: 'tmpfs', source: 'tmpfs', options: ['noexec', 'nosuid', 'nodev', 'size=1m'] },
      hosts,
    ]);
  });

  it('does not alias the caller\'s arrays', () => {
    const input = specInput();
    const spec = buildSpec(input);
    spec.process.args.push('x');
    spec.process.env?.push('x');
    assert.deepEqual(input.args, ['sh', '-c', 'true']);
    assert.equal(input.env.length, 2);
  });
});

describe('buildSpec: namespaces', () => {
  it('creates pid, network, ipc, uts and mount namespaces, and keeps the host cgroup namespace on v1', () => {
    const spec = buildSpec(specInput());
    assert.deepEqual(nsTypes(spec), ['ipc', 'mount', 'network', 'pid', 'uts']);
    assert.ok(spec.linux.namespaces.every((n) => n.path === undefined));
    assert.ok(!nsTypes(spec).includes('user'));
  });

  it('creates a cgroup namespace on v2, or when asked for on v1, and never when told "host"', () => {
    assert.ok(nsTypes(buildSpec(specInput({ cgroupVersion: 2 }))).includes('cgroup'));
    assert.ok(nsTypes(buildSpec(specInput({ cgroupVersion: 1 }, { CgroupnsMode: 'private' }))).includes('cgroup'));
    assert.ok(!nsTypes(buildSpec(specInput({ cgroupVersion: 2 }, { CgroupnsMode: 'host' }))).includes('cgroup'));
    assert.throws(() => buildSpec(specInput({}, { CgroupnsMode: 'shared' })), invalid);
  });

  it('uses the host network namespace or joins a given one', () => {
    assert.ok(!nsTypes(buildSpec(specInput({ network: { kind: 'host' } }))).includes('network'));
    const joined = buildSpec(specInput({ network: { kind: 'path', path: '/run/netns/berth-1' } }));
    assert.deepEqual(joined.linux.namespaces.find((n) => n.type === 'network'), { type: 'network', path: '/run/netns/berth-1' });
  });

  it('shares the host pid, ipc and uts namespaces on request', () => {
    const spec = buildSpec(specInput({}, { PidMode: 'host', IpcMode: 'host', UTSMode: 'host' }));
    assert.deepEqual(nsTypes(spec), ['mount', 'network']);
    assert.equal(spec.hostname, undefined, 'runc refuses a hostname without a UTS namespace');
  });

  it('joins another container\'s pid and ipc namespaces by path', () => {
    const spec = buildSpec(specInput({ namespacePaths: { pid: '/proc/42/ns/pid', ipc: '/proc/42/ns/ipc' } }, { PidMode: 'container:abc', IpcMode: 'container:abc' }));
    assert.deepEqual(spec.linux.namespaces.find((n) => n.type === 'pid'), { type: 'pid', path: '/proc/42/ns/pid' });
    assert.deepEqual(spec.linux.namespaces.find((n) => n.type === 'ipc'), { type: 'ipc', path: '/proc/42/ns/ipc' });
    assert.throws(() => buildSpec(specInput({}, { PidMode: 'container:abc' })), invalid);
  });

  it('accepts Docker\'s private IPC modes and refuses unknown modes', () => {
    for (const IpcMode of ['private', 'shareable', 'none']) assert.ok(nsTypes(buildSpec(specInput({}, { IpcMode }))).includes('ipc'));
    assert.throws(() => buildSpec(specInput({}, { IpcMode: 'public' })), invalid);
    assert.throws(() => buildSpec(specInput({}, { PidMode: 'private' })), invalid);
    assert.throws(() => buildSpec(specInput({}, { UTSMode: 'private' })), invalid);
  });

  it('does not support user namespace remapping', () => {
    assert.throws(() => buildSpec(specInput({}, { UsernsMode: 'keep-id' })), (e: unknown) => isEngineError(e, 'NotImplemented'));
    assert.ok(buildSpec(specInput({}, { UsernsMode: 'host' })));
  });
});

describe('buildSpec: security', () => {
  it('grants Docker\'s default capabilities in bounding, effective and permitted only', () => {
    const caps = buildSpec(specInput()).process.capabilities!;
    assert.deepEqual(sorted(caps.bounding), sorted(DEFAULT_CAPABILITIES));
    assert.deepEqual(caps.effective, caps.bounding);
    assert.deepEqual(caps.permitted, caps.bounding);
    assert.equal(caps.inheritable, undefined);
    assert.equal(caps.ambient, undefined);
    const nonRoot = buildSpec(specInput({ user: { uid: 1000, gid: 1000, additionalGids: [] } })).process.capabilities!;
    assert.deepEqual(nonRoot, caps);
  });

  it('applies --cap-add/--cap-drop and refuses unknown capabilities', () => {
    const caps = buildSpec(specInput({}, { CapAdd: ['SYS_ADMIN'], CapDrop: ['net_raw'] })).process.capabilities!.bounding;
    assert.ok(caps.includes('CAP_SYS_ADMIN') && !caps.includes('CAP_NET_RAW'));
    assert.throws(() => buildSpec(specInput({}, { CapAdd: ['CAP_TELEPORT'] })), invalid);
  });

  it('uses the default seccomp profile for the final capability set', () => {
    const spec = buildSpec(specInput({}, { CapAdd: ['SYS_PTRACE'] }));
    assert.deepEqual(spec.linux.seccomp, defaultSeccompProfile(spec.process.capabilities!.bounding, { arch: 'x64' }));
    assert.ok(spec.linux.seccomp!.syscalls!.some((s) => s.names.includes('process_vm_readv')));
  });

  it('runs unconfined for seccomp=unconfined or --privileged', () => {
    assert.equal(buildSpec(specInput({}, { SecurityOpt: ['seccomp=unconfined'] })).linux.seccomp, undefined);
    assert.equal(buildSpec(specInput({}, { Privileged: true })).linux.seccomp, undefined);
    assert.equal(buildSpec(specInput({}, { Privileged: true, SecurityOpt: ['seccomp={"defaultAction":"SCMP_ACT_ALLOW"}'] })).linux.seccomp, undefined);
  });

  it('uses a custom profile sent as JSON and refuses a broken one', () => {
    const profile = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['chmod'], action: 'SCMP_ACT_ERRNO', includes: { caps: ['CAP_SYS_ADMIN'] } }] };
    const plain = buildSpec(specInput({}, { SecurityOpt: [`seccomp=${JSON.stringify(profile)}`] }));
    assert.deepEqual(plain.linux.seccomp, { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [] });
    const admin = buildSpec(specInput({}, { SecurityOpt: [`seccomp=${JSON.stringify(profile)}`], CapAdd: ['SYS_ADMIN'] }));
    assert.deepEqual(admin.linux.seccomp?.syscalls, [{ names: ['chmod'], action: 'SCMP_ACT_ERRNO' }]);
    assert.throws(() => buildSpec(specInput({}, { SecurityOpt: ['seccomp={oops'] })), invalid);
    assert.throws(() => buildSpec(specInput({}, { SecurityOpt: ['seccomp=/etc/profile.json'] })), invalid);
  });

  it('sets no_new_privs on request and refuses unknown security options', () => {
    assert.equal(buildSpec(specInput({}, { SecurityOpt: ['no-new-privileges'] })).process.noNewPrivileges, true);
    assert.equal(buildSpec(specInput({}, { SecurityOpt: ['no-new-privileges:true'] })).process.noNewPrivileges, true);
    assert.equal(buildSpec(specInput({}, { SecurityOpt: ['apparmor=docker-default', 'label=disable'] })).process.noNewPrivileges, false);
    assert.throws(() => buildSpec(specInput({}, { SecurityOpt: ['magic=on'] })), invalid);
  });

  it('masks and write-protects Docker\'s system paths', () => {
    const spec = buildSpec(specInput());
    assert.deepEqual(spec.linux.maskedPaths, [
      '/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list', '/proc/timer_stats',
      '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap',
    ]);
    assert.deepEqual(spec.linux.readonlyPaths, ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger']);
    assert.deepEqual(spec.linux.maskedPaths, [...DEFAULT_MASKED_PATHS]);
    assert.deepEqual(spec.linux.readonlyPaths, [...DEFAULT_READONLY_PATHS]);
  });

  it('takes masked and read-only paths from HostConfig when set, and drops them for systempaths=unconfined', () => {
    const custom = buildSpec(specInput({}, { MaskedPaths: ['/proc/kcore'], ReadonlyPaths: [] }));
    assert.deepEqual(custom.linux.maskedPaths, ['/proc/kcore']);
    assert.deepEqual(custom.linux.readonlyPaths, []);
    const open = buildSpec(specInput({}, { SecurityOpt: ['systempaths=unconfined'] }));
    assert.equal(open.linux.maskedPaths, undefined);
    assert.equal(open.linux.readonlyPaths, undefined);
  });

  it('--privileged: every capability, all devices, writable /sys, nothing masked', () => {
    const spec = buildSpec(specInput({}, { Privileged: true, CapDrop: ['ALL'], MaskedPaths: ['/proc/kcore'] }));
    assert.deepEqual(spec.process.capabilities!.bounding, [...ALL_CAPABILITIES]);
    assert.deepEqual(spec.linux.resources?.devices, [{ allow: true, access: 'rwm' }]);
    assert.equal(spec.linux.maskedPaths, undefined);
    assert.equal(spec.linux.readonlyPaths, undefined);
    assert.deepEqual(spec.mounts.find((m) => m.destination === '/sys')?.options, ['nosuid', 'noexec', 'nodev', 'rw']);
    const limited = buildSpec(specInput({ availableCapabilities: ALL_CAPABILITIES.filter((c) => c !== 'CAP_SYS_RESOURCE') }, { Privileged: true }));
    assert.equal(limited.process.capabilities!.bounding.length, 40);
  });
});

describe('buildSpec: resources and limits', () => {
  it('leaves everything unlimited by default', () => {
    const spec = buildSpec(specInput());
    const r = spec.linux.resources!;
    assert.deepEqual(Object.keys(r), ['devices']);
    assert.equal(spec.process.rlimits, undefined);
  });

  it('maps every resource flag', () => {
    const r = buildSpec(
      specInput({}, {
        Memory: 64 * MiB, MemorySwap: 96 * MiB, MemoryReservation: 32 * MiB, MemorySwappiness: 20, OomKillDisable: true,
        CpuShares: 256, CpuQuota: 20_000, CpuPeriod: 40_000, CpusetCpus: '0', CpusetMems: '0', PidsLimit: 50, BlkioWeight: 500,
      }),
    ).linux.resources!;
    assert.deepEqual(r.memory, { limit: 64 * MiB, reservation: 32 * MiB, swap: 96 * MiB, swappiness: 20, disableOOMKiller: true });
    assert.deepEqual(r.cpu, { shares: 256, quota: 20_000, period: 40_000, cpus: '0', mems: '0' });
    assert.deepEqual(r.pids, { limit: 50 });
    assert.deepEqual(r.blockIO, { weight: 500 });
    const nano = buildSpec(specInput({}, { NanoCpus: 500_000_000 })).linux.resources!;
    assert.deepEqual(nano.cpu, { period: 100_000, quota: 50_000 });
  });

  it('refuses invalid resources', () => {
    for (const hc of [{ Memory: MiB }, { Memory: 64 * MiB, MemorySwap: MiB * 10 }, { NanoCpus: 1e9, CpuQuota: 10_000 }, { NanoCpus: 1e9, CpuPeriod: 10_000 }, { CpuShares: -2 }, { ShmSize: -1 }]) {
      assert.throws(() => buildSpec(specInput({}, hc)), invalid, JSON.stringify(hc));
    }
  });

  it('writes rlimits only for --ulimit and checks them against the host maximum', () => {
    const spec = buildSpec(specInput({ rlimitHardMax: { nofile: 20000 } }, { Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 2048 }] }));
    assert.deepEqual(spec.process.rlimits, [{ type: 'RLIMIT_NOFILE', soft: 1024, hard: 2048 }]);
    assert.throws(() => buildSpec(specInput({ rlimitHardMax: { nofile: 20000 } }, { Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 65536 }] })), invalid);
    assert.throws(() => buildSpec(specInput({}, { Ulimits: [{ Name: 'nofile', Soft: 2, Hard: 1 }] })), invalid);
  });

  it('adds --device nodes', () => {
    const spec = buildSpec(
      specInput({ deviceInfo: () => ({ type: 'c', major: 10, minor: 229 }) }, { Devices: [{ PathOnHost: '/dev/fuse', PathInContainer: '', CgroupPermissions: 'rwm' }] }),
    );
    assert.deepEqual(spec.linux.devices, [{ path: '/dev/fuse', type: 'c', major: 10, minor: 229 }]);
    assert.deepEqual(spec.linux.resources?.devices?.at(-1), { allow: true, type: 'c', major: 10, minor: 229, access: 'rwm' });
    assert.equal(buildSpec(specInput()).linux.devices, undefined);
  });

  it('sets sysctls, with Docker\'s network defaults only for a private network namespace', () => {
    const spec = buildSpec(specInput({}, { Sysctls: { 'net.core.somaxconn': '1024', 'kernel.shmmax': '1000000' } }));
    assert.deepEqual(spec.linux.sysctl, {
      'net.ipv4.ip_unprivileged_port_start': '0',
      'net.ipv4.ping_group_range': '0 2147483647',
      'net.core.somaxconn': '1024',
      'kernel.shmmax': '1000000',
    });
    assert.equal(buildSpec(specInput({ network: { kind: 'host' } })).linux.sysctl, undefined);
    assert.ok(buildSpec(specInput({ network: { kind: 'path', path: '/run/netns/x' } })).linux.sysctl);
    assert.throws(() => buildSpec(specInput({ network: { kind: 'host' } }, { Sysctls: { 'net.core.somaxconn': '1' } })), invalid);
    assert.throws(() => buildSpec(specInput({}, { IpcMode: 'host', Sysctls: { 'kernel.shmmax': '1' } })), invalid);
    assert.throws(() => buildSpec(specInput({}, { Sysctls: { 'kernel.panic': '1' } })), invalid);
  });
});
