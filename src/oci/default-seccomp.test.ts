import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isEngineError } from '../core/errors.js';
import { DEFAULT_CAPABILITIES } from './capabilities.js';
import { defaultDockerSeccompProfile, defaultSeccompProfile, parseSeccompProfile } from './default-seccomp.js';
import type { Seccomp } from './runtime-spec.js';
import { BASE_ALLOWED_SYSCALLS } from './seccomp-syscalls.js';

const invalid = (e: unknown) => isEngineError(e, 'InvalidArgument');

/** Names allowed with no argument condition. */
function allowed(p: Seccomp): Set<string> {
  return new Set((p.syscalls ?? []).filter((s) => s.action === 'SCMP_ACT_ALLOW' && !s.args).flatMap((s) => s.names));
}
const rulesFor = (p: Seccomp, name: string) => (p.syscalls ?? []).filter((s) => s.names.includes(name));
const def = (caps: readonly string[] = DEFAULT_CAPABILITIES, arch = 'x64') => defaultSeccompProfile(caps, { arch });

describe('default seccomp profile', () => {
  it('denies with EPERM by default', () => {
    const p = def();
    assert.equal(p.defaultAction, 'SCMP_ACT_ERRNO');
    assert.equal(p.defaultErrnoRet, 1);
  });

  it('covers the host ABI and its compat ABIs', () => {
    assert.deepEqual(def(undefined, 'x64').architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
    assert.deepEqual(def(undefined, 'arm64').architectures, ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
    assert.equal(def(undefined, 'riscv64').architectures, undefined);
  });

  it('allows what ordinary programs need', () => {
    const a = allowed(def());
    for (const n of [
      'read', 'write', 'openat', 'close', 'execve', 'execveat', 'fork', 'vfork', 'wait4', 'exit_group', 'futex', 'mmap',
      'mprotect', 'brk', 'rt_sigaction', 'rt_sigreturn', 'socket', 'connect', 'sendmsg', 'statx', 'newfstatat',
      'getdents64', 'pipe2', 'epoll_pwait', 'getrandom', 'prlimit64', 'rseq', 'set_robust_list', 'setuid', 'setgroups',
      'chown', 'fchownat', 'mknodat', 'ioctl', 'prctl', 'capset', 'arch_prctl', 'ptrace', 'faccessat2', 'openat2',
      'close_range', 'clock_nanosleep', 'sendfile', 'copy_file_range', 'memfd_create', 'shmget', 'mq_open', 'chroot',
      'landlock_create_ruleset', 'seccomp', 'adjtimex', 'sched_setaffinity', 'socketcall', '_llseek', 'fcntl64',
    ]) {
      assert.ok(a.has(n), `${n} should be allowed`);
    }
  });

  it('blocks what Docker documents as blocked', () => {
    const a = allowed(def());
    for (const n of [
      'keyctl', 'add_key', 'request_key', 'kexec_load', 'kexec_file_load', 'init_module', 'finit_module', 'delete_module',
      'mount', 'umount', 'umount2', 'pivot_root', 'swapon', 'swapoff', 'reboot', 'bpf', 'perf_event_open', 'userfaultfd',
      'acct', 'settimeofday', 'stime', 'clock_settime', 'clock_adjtime', 'unshare', 'setns', 'open_by_handle_at',
      'name_to_handle_at', 'quotactl', 'lookup_dcookie', 'iopl', 'ioperm', 'vm86', 'vm86old', 'sysfs', 'ustat', 'uselib',
      '_sysctl', 'nfsservctl', 'create_module', 'get_kernel_syms', 'query_module', 'kcmp', 'process_vm_readv',
      'process_vm_writev', 'get_mempolicy', 'mbind', 'set_mempolicy', 'move_pages', 'syslog', 'fanotify_init',
      'io_uring_setup', 'io_uring_enter', 'fsopen', 'open_tree', 'move_mount', 'vhangup', 'clone3', 'personality', 'clone',
    ]) {
      assert.ok(!a.has(n), `${n} should not be allowed unconditionally`);
    }
  });

  it('allows clone only without namespace flags, and answers clone3 with ENOSYS', () => {
    const p = def();
    assert.deepEqual(rulesFor(p, 'clone'), [
      { names: ['clone'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 0x7e020000, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }] },
    ]);
    assert.deepEqual(rulesFor(p, 'clone3'), [{ names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 }]);
  });

  it('allows personality only for the harmless values', () => {
    const values = rulesFor(def(), 'personality').map((r) => {
      assert.equal(r.action, 'SCMP_ACT_ALLOW');
      assert.equal(r.args?.length, 1);
      assert.equal(r.args?.[0]?.op, 'SCMP_CMP_EQ');
      assert.equal(r.args?.[0]?.index, 0);
      return r.args?.[0]?.value;
    });
    assert.deepEqual(values, [0x0, 0x8, 0x20000, 0x20008, 0xffffffff]);
  });

  it('CAP_SYS_ADMIN unlocks mount, namespaces and unrestricted clone/clone3', () => {
    const p = def([...DEFAULT_CAPABILITIES, 'CAP_SYS_ADMIN']);
    const a = allowed(p);
    for (const n of ['mount', 'umount2', 'unshare', 'setns', 'pivot_root', 'clone', 'clone3', 'sethostname', 'fsopen', 'quotactl']) {
      assert.ok(a.has(n), `${n} with CAP_SYS_ADMIN`);
    }
    assert.ok(!rulesFor(p, 'clone3').some((r) => r.action === 'SCMP_ACT_ERRNO'));
    assert.ok(!rulesFor(p, 'clone').some((r) => r.args));
    assert.ok(!a.has('keyctl') && !a.has('kexec_load') && !a.has('swapon'), 'still blocked with CAP_SYS_ADMIN');
  });

  const gated: Array<[string, string[]]> = [
    ['CAP_SYS_PTRACE', ['process_vm_readv', 'process_vm_writev', 'kcmp', 'pidfd_getfd']],
    ['CAP_SYS_MODULE', ['init_module', 'finit_module', 'delete_module']],
    ['CAP_SYS_TIME', ['settimeofday', 'clock_settime', 'clock_adjtime']],
    ['CAP_SYS_BOOT', ['reboot']],
    ['CAP_SYS_NICE', ['mbind', 'set_mempolicy', 'get_mempolicy', 'move_pages']],
    ['CAP_SYS_PACCT', ['acct']],
    ['CAP_SYS_RAWIO', ['iopl', 'ioperm']],
    ['CAP_SYSLOG', ['syslog']],
    ['CAP_BPF', ['bpf']],
    ['CAP_PERFMON', ['perf_event_open']],
    ['CAP_DAC_READ_SEARCH', ['open_by_handle_at']],
    ['CAP_SYS_TTY_CONFIG', ['vhangup']],
    ['CAP_SYS_CHROOT', ['chroot']],
  ];
  for (const [cap, names] of gated) {
    it(`${cap} gates ${names.join(', ')}`, () => {
      const without = allowed(def(['CAP_CHOWN']));
      const withCap = allowed(def(['CAP_CHOWN', cap]));
      for (const n of names) {
        assert.ok(!without.has(n), `${n} without ${cap}`);
        assert.ok(withCap.has(n), `${n} with ${cap}`);
      }
    });
  }

  it('applies architecture-specific rules only on that architecture', () => {
    const x86 = allowed(def(undefined, 'x64'));
    const arm = allowed(def(undefined, 'arm64'));
    assert.ok(x86.has('arch_prctl') && x86.has('modify_ldt') && !x86.has('set_tls'));
    assert.ok(arm.has('set_tls') && arm.has('cacheflush') && !arm.has('arch_prctl'));
    assert.ok(allowed(def(['CAP_SYS_RAWIO'], 'x64')).has('iopl'));
    assert.ok(!allowed(def(['CAP_SYS_RAWIO'], 'arm64')).has('iopl'));
  });

  it('has a well-formed, duplicate-free base list', () => {
    assert.equal(new Set(BASE_ALLOWED_SYSCALLS).size, BASE_ALLOWED_SYSCALLS.length);
    for (const n of BASE_ALLOWED_SYSCALLS) assert.match(n, /^[a-z_][a-z0-9_]*$/);
    assert.ok(BASE_ALLOWED_SYSCALLS.length > 250);
  });

  it('is the same whether built in or sent back as Docker JSON', () => {
    const caps = [...DEFAULT_CAPABILITIES, 'CAP_SYS_PTRACE'];
    const viaJson = parseSeccompProfile(JSON.stringify(defaultDockerSeccompProfile()), { caps, arch: 'x64' });
    assert.deepEqual(viaJson, def(caps));
  });
});

describe('parseSeccompProfile', () => {
  const ctx = { caps: ['CAP_CHOWN', 'CAP_SYS_ADMIN'], arch: 'x64', kernelVersion: '5.10.0-28-amd64' };
  const parse = (p: unknown, c = ctx) => parseSeccompProfile(JSON.stringify(p), c);

  it('converts a Docker profile to OCI form', () => {
    const p = parse({
      defaultAction: 'SCMP_ACT_ERRNO',
      defaultErrnoRet: 1,
      architectures: ['SCMP_ARCH_X86_64'],
      flags: ['SECCOMP_FILTER_FLAG_LOG'],
      syscalls: [
        { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW', comment: 'io' },
        { name: 'getpid', action: 'SCMP_ACT_ALLOW' },
        { names: ['chmod'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 },
        { names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQ' }] },
      ],
    });
    assert.deepEqual(p, {
      defaultAction: 'SCMP_ACT_ERRNO',
      defaultErrnoRet: 1,
      architectures: ['SCMP_ARCH_X86_64'],
      flags: ['SECCOMP_FILTER_FLAG_LOG'],
      syscalls: [
        { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' },
        { names: ['getpid'], action: 'SCMP_ACT_ALLOW' },
        { names: ['chmod'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 },
        { names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQ' }] },
      ],
    });
  });

  it('takes the archMap entry of the host architecture', () => {
    const prof = {
      defaultAction: 'SCMP_ACT_ALLOW',
      archMap: [
        { architecture: 'SCMP_ARCH_AARCH64', subArchitectures: ['SCMP_ARCH_ARM'] },
        { architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86'] },
      ],
    };
    assert.deepEqual(parse(prof).architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86']);
    assert.deepEqual(parse(prof, { ...ctx, arch: 'arm64' }).architectures, ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
    assert.deepEqual(parse({ defaultAction: 'SCMP_ACT_ALLOW' }).syscalls, []);
  });

  it('evaluates includes and excludes', () => {
    const names = (syscalls: unknown[], c = ctx) => parse({ defaultAction: 'SCMP_ACT_ERRNO', syscalls }, c).syscalls?.map((s) => s.names[0]);
    const rule = (name: string, extra: object) => ({ names: [name], action: 'SCMP_ACT_ALLOW', ...extra });
    assert.deepEqual(
      names([
        rule('a', { includes: { caps: ['CAP_SYS_ADMIN'] } }),
        rule('b', { includes: { caps: ['CAP_SYS_ADMIN', 'CAP_NET_ADMIN'] } }),
        rule('c', { excludes: { caps: ['CAP_SYS_ADMIN'] } }),
        rule('d', { excludes: { caps: ['CAP_NET_ADMIN'] } }),
        rule('e', { includes: { arches: ['amd64', 'x32'] } }),
        rule('f', { includes: { arches: ['arm64'] } }),
        rule('g', { excludes: { arches: ['amd64'] } }),
        rule('h', { includes: { minKernel: '4.8' } }),
        rule('i', { includes: { minKernel: '5.11' } }),
        rule('j', { excludes: { minKernel: '5.10' } }),
        rule('k', { excludes: { minKernel: '6.1' } }),
      ]),
      ['a', 'd', 'e', 'h', 'k'],
    );
    assert.deepEqual(names([rule('i', { includes: { minKernel: '5.11' } })], { caps: [], arch: 'x64', kernelVersion: undefined as unknown as string }), ['i']);
  });

  it('refuses malformed input with InvalidArgument', () => {
    assert.throws(() => parseSeccompProfile('{not json'), invalid);
    assert.throws(() => parseSeccompProfile('[]'), invalid);
    assert.throws(() => parseSeccompProfile('null'), invalid);
    const bad: unknown[] = [
      {},
      { defaultAction: 'SCMP_ACT_FLY' },
      { defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64'], archMap: [{ architecture: 'SCMP_ARCH_X86_64' }] },
      { defaultAction: 'SCMP_ACT_ALLOW', syscalls: {} },
      { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ name: 'a', names: ['b'], action: 'SCMP_ACT_ALLOW' }] },
      { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ action: 'SCMP_ACT_ALLOW' }] },
      { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['a'], action: 'ALLOW' }] },
      { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['a'], action: 'SCMP_ACT_ALLOW', args: [{ index: 6, value: 0, op: 'SCMP_CMP_EQ' }] }] },
      { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['a'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 0, op: 'EQ' }] }] },
      { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['a'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: -1, op: 'SCMP_CMP_EQ' }] }] },
      { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['a'], action: 'SCMP_ACT_ERRNO', errnoRet: -1 }] },
      { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['a'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: 'new' } }] },
      { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['a'], action: 'SCMP_ACT_ALLOW', includes: { caps: 'CAP_X' } }] },
      { defaultAction: 'SCMP_ACT_ALLOW', defaultErrnoRet: 'x' },
    ];
    for (const p of bad) assert.throws(() => parse(p), invalid, JSON.stringify(p));
  });
});
