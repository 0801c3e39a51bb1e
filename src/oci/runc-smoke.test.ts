import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { HostConfig } from '../core/container-types.js';
import { buildSpec, type SpecInput } from './build-spec.js';
import { DEFAULT_CAPABILITIES, capabilitiesFromMask, capabilityMask } from './capabilities.js';
import { specToJson } from './runtime-spec.js';
import { specInput } from './spec-fixtures.js';

/**
 * Proof that buildSpec's output actually runs: real runc, a busybox root filesystem, and checks
 * made from inside the container (and from the host cgroup) against what the spec asked for.
 */

const RUNC = '/usr/sbin/runc';
const BUSYBOX = '/bin/busybox';
const MiB = 1024 * 1024;
const missing = process.getuid?.() !== 0 ? 'needs root' : !existsSync(RUNC) && !existsSync('/usr/bin/runc') ? 'needs runc' : !existsSync(BUSYBOX) ? 'needs busybox-static' : undefined;
const runcPath = existsSync(RUNC) ? RUNC : '/usr/bin/runc';
const cgroupVersion: 1 | 2 = existsSync('/sys/fs/cgroup/cgroup.controllers') ? 2 : 1;

/** Syscall probe compiled and run inside the container: prints name=errno (0 on success). */
const PROBE_C = String.raw`
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void report(const char *name, long r) { printf("%s=%d\n", name, r < 0 ? errno : 0); }
static void *thread_main(void *arg) { return arg; }

static long fork_with(unsigned long flags) {
  long r = syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
  if (r == 0) _exit(0);
  if (r > 0) waitpid((pid_t)r, NULL, 0);
  return r;
}

int main(void) {
  pthread_t t;
  printf("thread=%s\n", pthread_create(&t, NULL, thread_main, NULL) == 0 && pthread_join(t, NULL) == 0 ? "ok" : "failed");
  report("clone3", syscall(SYS_clone3, NULL, 0));
  report("clone_plain", fork_with(0));
  report("clone_newuser", fork_with(CLONE_NEWUSER));
  report("personality_query", personality(0xffffffff));
  report("personality_linux32", personality(PER_LINUX32));
  personality(PER_LINUX);
  report("personality_norandom", personality(ADDR_NO_RANDOMIZE));
  report("keyctl", syscall(SYS_keyctl, 0, 0, 0, 0, 0));
  report("add_key", syscall(SYS_add_key, "user", "k", "v", 1, 0));
  report("bpf", syscall(SYS_bpf, 0, NULL, 0));
  report("io_uring_setup", syscall(SYS_io_uring_setup, 1, NULL));
  report("kexec_load", syscall(SYS_kexec_load, 0, 0, NULL, 0));
  report("init_module", syscall(SYS_init_module, NULL, 0, ""));
  report("setns", syscall(SYS_setns, 0, 0));
  return 0;
}
`;

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

describe('runc runs the specs buildSpec writes', { skip: missing }, () => {
  let dir = '';
  let available: string[] = [];
  let seq = 0;
  const started: string[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-oci-smoke-'));
    const bin = join(dir, 'rootfs', 'bin');
    await mkdir(bin, { recursive: true });
    for (const d of ['proc', 'sys', 'dev', 'tmp', 'mnt', 'etc']) await mkdir(join(dir, 'rootfs', d));
    await copyFile(BUSYBOX, join(bin, 'busybox'));
    for (const applet of ['sh', 'cat', 'id', 'grep', 'echo', 'ls', 'unshare', 'mount', 'touch']) await symlink('busybox', join(bin, applet));
    const status = await readFile('/proc/self/status', 'utf8');
    available = capabilitiesFromMask(/^CapBnd:\s*(\S+)/m.exec(status)![1]!);
  });

  after(async () => {
    for (const id of started) await run(['--root', join(dir, 'state'), 'delete', '--force', id]).catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  function run(args: string[], cwd?: string): Promise<RunResult> {
    return new Promise((resolve) => {
      execFile(runcPath, args, { cwd, timeout: 60_000, maxBuffer: 4 * MiB }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  }

  /** Write a bundle for `script` with the given HostConfig and run it to completion. */
  async function runContainer(script: string, hc: Partial<HostConfig>, extra: Partial<SpecInput> = {}): Promise<RunResult & { id: string }> {
    const id = `berth-smoke-${process.pid}-${++seq}`;
    const bundle = join(dir, id);
    await mkdir(bundle);
    const spec = buildSpec(
      specInput(
        {
          rootfs: join(dir, 'rootfs'),
          args: ['/bin/sh', '-c', script],
          env: ['PATH=/bin'],
          hostname: 'smoke',
          cgroupsPath: `/${id}`,
          cgroupVersion,
          availableCapabilities: available,
          arch: process.arch,
          ...extra,
        },
        hc,
      ),
    );
    await writeFile(join(bundle, 'config.json'), specToJson(spec, 2));
    started.push(id);
    const res = await run(['--root', join(dir, 'state'), 'run', '--bundle', bundle, id], bundle);
    return { ...res, id };
  }

  const field = (out: string, key: string) => new RegExp(`^${key}[:=]\\s*(.*)$`, 'm').exec(out)?.[1]?.trim();

  it('confines a default container: caps, seccomp, no_new_privs, masks, read-only root, limits', async () => {
    const memFile = cgroupVersion === 1 ? '/sys/fs/cgroup/memory/memory.limit_in_bytes' : '/sys/fs/cgroup/memory.max';
    const pidsFile = cgroupVersion === 1 ? '/sys/fs/cgroup/pids/pids.max' : '/sys/fs/cgroup/pids.max';
    const cpuFile = cgroupVersion === 1 ? '/sys/fs/cgroup/cpu/cpu.cfs_quota_us' : '/sys/fs/cgroup/cpu.max';
    const script = [
      "grep -E '^(CapEff|CapBnd|Seccomp|NoNewPrivs):' /proc/self/status",
      `echo "memory=$(cat ${memFile})"`,
      `echo "pids=$(cat ${pidsFile})"`,
      `echo "cpu=$(cat ${cpuFile})"`,
      'echo "uid=$(id -u)"',
      'echo "hostname=$(busybox hostname)"',
      // masked files read as empty (/dev/null), masked directories are empty and read-only
      'for p in /proc/kcore /proc/keys /proc/timer_list; do [ -e $p ] && echo "masked $p=$(cat $p | busybox wc -c)"; done',
      'echo "firmware=$(ls -A /sys/firmware | busybox wc -l)"',
      // /proc/sys is read-only: writing back the current value would be harmless even if it were not
      'echo "procsys=$( (cat /proc/sys/kernel/pid_max > /proc/sys/kernel/pid_max) 2>&1 || true)"',
      'echo "rootwrite=$( (echo x > /probe) 2>&1 || true)"',
      'echo "tmpwrite=$( (echo x > /tmp/probe && echo ok) 2>&1)"',
      // an assignment's status is its command substitution's
      'out=$(unshare -U true 2>&1); echo "userns=$out rc=$?"',
      'out=$(mount -t tmpfs none /mnt 2>&1); echo "mountcall=$out rc=$?"',
      'exit 0',
    ].join('\n');
    const res = await runContainer(script, {
      Memory: 64 * MiB,
      PidsLimit: 50,
      NanoCpus: 500_000_000,
      CapDrop: ['NET_RAW'],
      ReadonlyRootfs: true,
      SecurityOpt: ['no-new-privileges'],
      Tmpfs: { '/tmp': 'size=1m' },
    });
    const out = res.stdout;
    assert.equal(res.code, 0, `runc failed: ${res.stderr}\n${out}`);

    const expected = capabilityMask(DEFAULT_CAPABILITIES.filter((c) => c !== 'CAP_NET_RAW'));
    assert.equal(BigInt(`0x${field(out, 'CapEff')}`), expected);
    assert.equal(BigInt(`0x${field(out, 'CapBnd')}`), expected);
    assert.equal(field(out, 'Seccomp'), '2', 'seccomp filter mode');
    assert.equal(field(out, 'NoNewPrivs'), '1');
    assert.equal(field(out, 'memory'), String(64 * MiB));
    assert.equal(field(out, 'pids'), '50');
    assert.equal(field(out, 'cpu'), cgroupVersion === 1 ? '50000' : '50000 100000');
    assert.equal(field(out, 'uid'), '0');
    assert.equal(field(out, 'hostname'), 'smoke');
    const masked = [...out.matchAll(/^masked (\S+)=(\d+)$/gm)];
    assert.ok(masked.length > 0, 'at least one masked /proc file exists on this kernel');
    for (const m of masked) assert.equal(m[2], '0', `${m[1]} must read empty`);
    assert.equal(field(out, 'firmware'), '0');
    assert.match(field(out, 'procsys') ?? '', /Read-only file system/);
    assert.match(field(out, 'rootwrite') ?? '', /Read-only file system/);
    assert.equal(field(out, 'tmpwrite'), 'ok', 'the --tmpfs mount stays writable');
    assert.match(field(out, 'userns') ?? '', /Operation not permitted rc=1$/, 'unshare is refused by seccomp');
    assert.match(field(out, 'mountcall') ?? '', /permission denied.* rc=[1-9]\d*$/i);
  });

  it('lets the same unshare through with seccomp=unconfined, so the refusal above is seccomp\'s', async () => {
    const res = await runContainer('grep ^Seccomp: /proc/self/status; unshare -U true && echo userns=ok', { SecurityOpt: ['seccomp=unconfined'] });
    assert.equal(res.code, 0, res.stderr);
    assert.equal(field(res.stdout, 'Seccomp'), '0');
    assert.equal(field(res.stdout, 'userns'), 'ok');
  });

  it('runs a custom seccomp profile sent as JSON', async () => {
    const profile = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 }] };
    const res = await runContainer('busybox mkdir /tmp/x 2>&1; echo rc=$?', { SecurityOpt: [`seccomp=${JSON.stringify(profile)}`] });
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /Permission denied/);
    assert.match(res.stdout, /rc=1/);
  });

  it('runs a privileged container with every available capability and no seccomp', async () => {
    const res = await runContainer("grep -E '^(CapEff|Seccomp):' /proc/self/status; mount -t tmpfs none /mnt && echo mounted=yes; ls /sys/firmware >/dev/null && echo firmware=visible", {
      Privileged: true,
    });
    assert.equal(res.code, 0, res.stderr);
    assert.equal(BigInt(`0x${field(res.stdout, 'CapEff')}`), capabilityMask(available));
    assert.equal(field(res.stdout, 'Seccomp'), '0');
    assert.equal(field(res.stdout, 'mounted'), 'yes');
    assert.equal(field(res.stdout, 'firmware'), 'visible');
  });

  it('mounts sysfs in the host network namespace, and honours --ulimit', async () => {
    const res = await runContainer('ls /sys/class/net; echo "nofile=$(ulimit -n)"', { Ulimits: [{ Name: 'nofile', Soft: 1000, Hard: 2000 }] }, { network: { kind: 'host' } });
    assert.equal(res.code, 0, res.stderr);
    for (const i of readdirSync('/sys/class/net')) assert.match(res.stdout, new RegExp(`^${i}$`, 'm'));
    assert.equal(field(res.stdout, 'nofile'), '1000');
  });

  it('runs a glibc userland under the default profile: compiler, node threads, perl, dpkg', async () => {
    // A second root: the host's /usr and /etc bound read-only (Debian 12 is merged-/usr).
    const root = join(dir, 'userland');
    for (const d of ['usr', 'etc', 'proc', 'sys', 'dev', 'tmp', 'src', 'var/lib/dpkg']) await mkdir(join(root, d), { recursive: true });
    for (const l of ['bin', 'sbin', 'lib', 'lib64']) await symlink(`usr/${l}`, join(root, l));
    await writeFile(join(root, 'src', 'probe.c'), PROBE_C);
    const ro = (p: string) => ({ destination: p, type: 'bind', source: p, options: ['rbind', 'ro', 'nosuid', 'nodev'] });
    const script = [
      'set -e',
      'cd /tmp',
      'gcc -O0 -pthread -o probe /src/probe.c',
      './probe',
      'node -e "new (require(\'worker_threads\').Worker)(\'1\', { eval: true }).on(\'exit\', (c) => console.log(\'worker=\' + c))"',
      'perl -e \'print "perl=ok\\n"\'',
      'echo "dpkg=$(dpkg-query -W -f=\'${Package}\' bash)"',
      'tar czf x.tgz -C /usr/share/doc bash && echo "tar=$(tar tzf x.tgz | sort | head -n 1)"',
    ].join('\n');
    const run1 = (hc: Partial<HostConfig>) =>
      runContainer(script, { Tmpfs: { '/tmp': 'exec,size=256m' }, ...hc }, {
        rootfs: root,
        args: ['/usr/bin/bash', '-c', script],
        env: ['PATH=/usr/local/bin:/usr/bin:/bin', 'HOME=/tmp'],
        extraMounts: [ro('/usr'), ro('/etc'), ro('/var/lib/dpkg')],
      });

    const res = await run1({});
    assert.equal(res.code, 0, `${res.stderr}\n${res.stdout}`);
    const out = res.stdout;
    assert.equal(field(out, 'clone3'), '38', 'clone3 answers ENOSYS so glibc falls back to clone');
    assert.equal(field(out, 'thread'), 'ok', 'pthread_create works through that fallback');
    assert.equal(field(out, 'clone_plain'), '0');
    assert.equal(field(out, 'clone_newuser'), '1', 'namespace flags on clone are EPERM');
    assert.equal(field(out, 'personality_query'), '0');
    assert.equal(field(out, 'personality_linux32'), '0');
    assert.equal(field(out, 'personality_norandom'), '1', 'ADDR_NO_RANDOMIZE is refused');
    for (const blocked of ['keyctl', 'add_key', 'bpf', 'io_uring_setup', 'kexec_load', 'init_module', 'setns']) {
      assert.equal(field(out, blocked), '1', `${blocked} must fail with EPERM`);
    }
    assert.equal(field(out, 'worker'), '0');
    assert.equal(field(out, 'perl'), 'ok');
    assert.equal(field(out, 'dpkg'), 'bash');
    assert.match(field(out, 'tar') ?? '', /^bash\//);

    // Unconfined, the kernel itself answers differently: the EPERMs above are seccomp's.
    const open = await run1({ SecurityOpt: ['seccomp=unconfined'] });
    assert.equal(open.code, 0, `${open.stderr}\n${open.stdout}`);
    for (const name of ['clone3', 'clone_newuser', 'personality_norandom', 'keyctl', 'add_key']) {
      assert.notEqual(field(open.stdout, name), field(out, name), `${name} differs without seccomp`);
    }

    // CAP_SYS_ADMIN lifts the clone/clone3 restrictions (the kernel then decides).
    const admin = await run1({ CapAdd: ['SYS_ADMIN'] });
    assert.equal(admin.code, 0, `${admin.stderr}\n${admin.stdout}`);
    assert.notEqual(field(admin.stdout, 'clone3'), '38');
    assert.equal(field(admin.stdout, 'clone_newuser'), '0');
  });

  it('passes the container\'s exit code through', async () => {
    const res = await runContainer('exit 7', {});
    assert.equal(res.code, 7);
  });
});
