import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { TestDaemon } from './harness.js';

const capEff = 'grep CapEff /proc/self/status | cut -f2';

describe('default security profile and its options', () => {
  let d: TestDaemon;
  before(async () => {
    d = await TestDaemon.start();
  });
  after(async () => {
    await d.cleanup();
  });
  const sh = (args: string[], script: string) => d.berth(['run', '--rm', ...args, 'busybox', 'sh', '-c', script]);

  it("grants exactly Docker's 14 default capabilities and a seccomp filter", async () => {
    const r = await sh([], `${capEff}; grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '00000000a80425fb\nNoNewPrivs:\t0\nSeccomp:\t2\n');
  });

  it('blocks namespace creation and mounting through seccomp and capabilities', async () => {
    const r = await sh([], 'unshare -U true; echo unshare=$?; mount -t tmpfs none /tmp; echo mount=$?');
    assert.match(r.stdout, /unshare=1/);
    assert.match(r.stdout, /mount=255|mount=1/);
    const free = await sh(['--security-opt', 'seccomp=unconfined'], 'grep Seccomp: /proc/self/status; unshare -U true; echo unshare=$?');
    assert.match(free.stdout, /Seccomp:\t0/);
    assert.match(free.stdout, /unshare=0/);
  });

  it('masks /proc paths and keeps /proc/sys read-only', async () => {
    // Masked files read as empty and masked directories look empty, whichever of them this kernel has.
    const masked = ['/proc/keys', '/proc/timer_list', '/proc/kcore', '/proc/sched_debug', '/proc/acpi', '/sys/firmware'].filter((p) => existsSync(p));
    assert.ok(masked.length >= 2, 'the host has masked paths to check');
    const script = masked.map((p) => `if [ -d ${p} ]; then echo ${p}=$(ls -A ${p} | wc -l); else echo ${p}=$(cat ${p} | wc -c); fi`).join('; ');
    const r = await sh([], `${script}; echo 1 > /proc/sys/kernel/panic_on_oops; echo write=$?`);
    for (const p of masked) assert.match(r.stdout, new RegExp(`^${p}=0$`, 'm'));
    assert.match(r.stdout, /write=1/);
    assert.match(r.stderr, /Read-only file system/);
    const priv = await d.berth(['run', '--rm', '--privileged', 'busybox', 'sh', '-c', `cat ${masked.find((p) => p.startsWith('/proc/') && !p.endsWith('acpi'))} | wc -c`]);
    assert.notEqual(priv.stdout.trim(), '0', 'privileged containers see the real files');
  });

  it('keeps host devices out and mounts /dev/shm noexec', async () => {
    const r = await sh([], 'mknod /tmp/disk b 8 0; head -c1 /tmp/disk >/dev/null; echo open=$?; cp /bin/busybox /dev/shm/bb; /dev/shm/bb true; echo exec=$?; ls /dev');
    assert.match(r.stdout, /open=1/);
    assert.match(r.stdout, /exec=126/);
    for (const dev of ['null', 'zero', 'full', 'random', 'urandom', 'tty', 'pts', 'shm', 'mqueue']) assert.match(r.stdout, new RegExp(`^${dev}$`, 'm'));
  });

  it('--cap-drop ALL, --cap-add and --privileged change the capability set', async () => {
    assert.equal((await sh(['--cap-drop', 'ALL'], capEff)).stdout, '0000000000000000\n');
    assert.equal((await sh(['--cap-drop', 'ALL', '--cap-add', 'NET_ADMIN'], capEff)).stdout, '0000000000001000\n');
    assert.equal((await sh(['--cap-drop', 'chown'], capEff)).stdout, '00000000a80425fa\n');
    const priv = await sh(['--privileged'], `${capEff}; grep Seccomp: /proc/self/status; mount -t tmpfs none /tmp && echo mounted`);
    assert.equal(priv.code, 0, priv.stderr);
    const hostBnd = BigInt(`0x${(await import('node:fs')).readFileSync('/proc/self/status', 'utf8').match(/CapBnd:\s*([0-9a-f]+)/)![1]}`);
    assert.equal(BigInt(`0x${priv.stdout.split('\n')[0]}`), hostBnd);
    assert.match(priv.stdout, /Seccomp:\t0\nmounted/);
    const bad = await sh(['--cap-add', 'NOT_A_CAP'], 'true');
    assert.equal(bad.code, 125);
    assert.match(bad.stderr, /NOT_A_CAP/);
  });

  it('--read-only and no-new-privileges', async () => {
    const ro = await sh(['--read-only'], 'touch /x; echo rc=$?');
    assert.match(ro.stdout, /rc=1/);
    assert.match(ro.stderr, /Read-only file system/);
    const rotmp = await sh(['--read-only', '--tmpfs', '/tmp'], 'touch /tmp/x && echo ok');
    assert.equal(rotmp.stdout, 'ok\n');
    const nnp = await sh(['--security-opt', 'no-new-privileges'], 'grep NoNewPrivs /proc/self/status');
    assert.equal(nnp.stdout, 'NoNewPrivs:\t1\n');
    const bad = await sh(['--security-opt', 'bogus=1'], 'true');
    assert.equal(bad.code, 125);
  });

  it('runs with the host network or none', async () => {
    const none = await sh(['--network', 'none'], 'ls /sys/class/net');
    assert.equal(none.stdout, 'lo\n');
    const host = await sh(['--network', 'host'], 'ls /sys/class/net | wc -l');
    assert.ok(Number(host.stdout.trim()) >= 1);
    const bad = await sh(['--network', 'no-such-net'], 'true');
    assert.equal(bad.code, 125);
    assert.match(bad.stderr, /network no-such-net not found/);
  });
});

describe('resource limits through cgroups', () => {
  let d: TestDaemon;
  before(async () => {
    d = await TestDaemon.start();
  });
  after(async () => {
    await d.cleanup();
  });
  const v2 = existsSync('/sys/fs/cgroup/cgroup.controllers');
  const sh = (args: string[], script: string) => d.berth(['run', '--rm', ...args, 'busybox', 'sh', '-c', script]);

  it('--memory sets the limit and the OOM killer enforces it', async () => {
    const file = v2 ? '/sys/fs/cgroup/memory.max' : '/sys/fs/cgroup/memory/memory.limit_in_bytes';
    const r = await sh(['--memory', '64m'], `cat ${file}`);
    assert.equal(r.stdout.trim(), String(64 * 1024 * 1024));
    const oom = await d.berth(['run', '--name', 'hog', '--memory', '32m', '--memory-swap', '32m', 'busybox', 'dd', 'if=/dev/zero', 'of=/dev/null', 'bs=96M', 'count=1']);
    assert.equal(oom.code, 137);
    assert.equal((await d.berth(['inspect', '-f', '{{.State.OOMKilled}}', 'hog'])).stdout, 'true\n');
    await d.berth(['rm', 'hog']);
  });

  it('--cpus and --cpu-shares set CFS quota and shares', async () => {
    const files = v2 ? 'cat /sys/fs/cgroup/cpu.max /sys/fs/cgroup/cpu.weight' : 'cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us /sys/fs/cgroup/cpu/cpu.shares';
    const r = await sh(['--cpus', '0.5', '--cpu-shares', '512'], files);
    if (v2) assert.match(r.stdout, /^50000 100000\n/);
    else assert.equal(r.stdout, '50000\n100000\n512\n');
  });

  it('--pids-limit stops forks beyond the limit', async () => {
    const file = v2 ? '/sys/fs/cgroup/pids.max' : '/sys/fs/cgroup/pids/pids.max';
    const r = await sh(['--pids-limit', '8'], `cat ${file}; for i in 1 2 3 4 5 6 7 8 9 10 11 12; do sleep 2 & done; wait; echo done`);
    assert.equal(r.stdout.split('\n')[0], '8');
    assert.match(r.stderr, /can't fork|Resource temporarily unavailable/);
  });

  it('--ulimit sets rlimits, and an impossible one is a clear error', async () => {
    const r = await sh(['--ulimit', 'nofile=1024:2048'], 'ulimit -n; ulimit -Hn');
    assert.equal(r.stdout, '1024\n2048\n');
    const bad = await sh(['--ulimit', 'nofile=999999999:999999999'], 'true');
    assert.equal(bad.code, 125);
    assert.match(bad.stderr, /nofile/);
    const malformed = await sh(['--ulimit', 'nofile'], 'true');
    assert.equal(malformed.code, 125);
    assert.match(malformed.stderr, /invalid ulimit argument/);
  });

  it('rejects invalid memory and cpu values with a clear error and creates nothing', async () => {
    const cases: [string[], RegExp][] = [
      [['--memory', 'lots'], /invalid argument "lots" for "--memory" flag/],
      [['--memory', '1k'], /Minimum memory limit allowed is 6MB/i],
      [['--memory', '64m', '--memory-swap', '32m'], /Minimum memoryswap limit should be larger than memory limit/i],
      [['--cpus', 'many'], /invalid argument "many" for "--cpus" flag/],
      [['--cpus', '512'], /Range of CPUs is from 0\.01 to/i],
    ];
    for (const [flags, re] of cases) {
      const r = await d.berth(['run', '--rm', ...flags, 'busybox', 'true']);
      assert.equal(r.code, 125, `${flags.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re);
    }
    assert.equal((await d.berth(['ps', '-aq'])).stdout, '');
  });
});
