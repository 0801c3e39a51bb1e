import type { DockerSeccompRule } from './default-seccomp.js';

/**
 * berth's default seccomp policy, as data. Written for berth from the Linux syscall tables and from
 * Docker's documented default behaviour (https://docs.docker.com/engine/security/seccomp/): deny
 * with EPERM by default, allow what ordinary programs use, keep kernel-global or dangerous calls
 * (keyrings, modules, kexec, mount, namespaces, swap, bpf, perf, userfaultfd, io_uring, obsolete
 * calls such as sysfs/ustat/uselib/_sysctl/vm86) blocked unless a capability that already grants
 * that power is present. Rules are in Docker's profile format so the same resolver handles the
 * built-in profile and user-supplied ones (includes/excludes are evaluated against the final
 * capability set and the host architecture).
 *
 * Names the host's libseccomp does not know are skipped by runc, so newer calls can be listed
 * safely; on older kernels they do not exist and the kernel answers ENOSYS by itself.
 */

/** Process, thread and scheduling calls (clone/clone3/personality have their own rules below). */
const PROCESS = [
  'fork', 'vfork', 'execve', 'execveat', 'exit', 'exit_group', 'wait4', 'waitid', 'waitpid',
  'set_tid_address', 'set_robust_list', 'get_robust_list', 'gettid', 'getpid', 'getppid', 'getpgid',
  'getpgrp', 'setpgid', 'getsid', 'setsid', 'rseq', 'restart_syscall', 'prctl', 'seccomp', 'capget',
  'capset', 'getcpu', 'membarrier', 'pidfd_open', 'pidfd_send_signal', 'process_mrelease', 'times',
  'getrusage', 'getpriority', 'setpriority', 'nice', 'ioprio_get', 'ioprio_set', 'sched_yield',
  'sched_getaffinity', 'sched_setaffinity', 'sched_getattr', 'sched_setattr', 'sched_getparam',
  'sched_setparam', 'sched_getscheduler', 'sched_setscheduler', 'sched_get_priority_max',
  'sched_get_priority_min', 'sched_rr_get_interval', 'sched_rr_get_interval_time64', 'kill', 'tkill',
  'tgkill', 'uretprobe',
  // Docker documents ptrace as allowed on kernels >= 4.8, where seccomp can no longer be bypassed
  // through it; berth only supports such kernels (runc 1.1 itself needs far newer ones in practice).
  'ptrace',
];

/** User and group identity (the *32 variants are the 32-bit x86/arm table entries). */
const CREDENTIALS = [
  'getuid', 'geteuid', 'getgid', 'getegid', 'getresuid', 'getresgid', 'getgroups', 'setuid', 'setgid',
  'setreuid', 'setregid', 'setresuid', 'setresgid', 'setgroups', 'setfsuid', 'setfsgid', 'getuid32',
  'geteuid32', 'getgid32', 'getegid32', 'getresuid32', 'getresgid32', 'getgroups32', 'setuid32',
  'setgid32', 'setreuid32', 'setregid32', 'setresuid32', 'setresgid32', 'setgroups32', 'setfsuid32',
  'setfsgid32', 'umask',
];

const SIGNALS = [
  'rt_sigaction', 'rt_sigprocmask', 'rt_sigreturn', 'rt_sigsuspend', 'rt_sigpending', 'rt_sigtimedwait',
  'rt_sigtimedwait_time64', 'rt_sigqueueinfo', 'rt_tgsigqueueinfo', 'sigaltstack', 'signalfd',
  'signalfd4', 'sigaction', 'signal', 'sigpending', 'sigprocmask', 'sigreturn', 'sigsuspend', 'pause',
  'alarm',
];

const MEMORY = [
  'brk', 'mmap', 'mmap2', 'munmap', 'mremap', 'mprotect', 'madvise', 'mincore', 'mlock', 'mlock2',
  'mlockall', 'munlock', 'munlockall', 'msync', 'remap_file_pages', 'memfd_create', 'memfd_secret',
  'pkey_alloc', 'pkey_free', 'pkey_mprotect', 'map_shadow_stack', 'mseal', 'cachestat',
];

/** File descriptors, I/O and the filesystem namespace of the process. */
const FILES = [
  'open', 'openat', 'openat2', 'creat', 'close', 'close_range', 'read', 'write', 'readv', 'writev',
  'pread64', 'pwrite64', 'preadv', 'pwritev', 'preadv2', 'pwritev2', 'lseek', '_llseek', 'dup', 'dup2',
  'dup3', 'pipe', 'pipe2', 'fcntl', 'fcntl64', 'ioctl', 'flock', 'fsync', 'fdatasync', 'sync', 'syncfs',
  'sync_file_range', 'fallocate', 'fadvise64', 'fadvise64_64', 'readahead', 'truncate', 'truncate64',
  'ftruncate', 'ftruncate64', 'sendfile', 'sendfile64', 'splice', 'tee', 'vmsplice', 'copy_file_range',
  'stat', 'stat64', 'lstat', 'lstat64', 'fstat', 'fstat64', 'newfstatat', 'fstatat64', 'statx', 'statfs',
  'statfs64', 'fstatfs', 'fstatfs64', 'access', 'faccessat', 'faccessat2', 'getdents', 'getdents64',
  'getcwd', 'chdir', 'fchdir', 'mkdir', 'mkdirat', 'rmdir', 'mknod', 'mknodat', 'link', 'linkat',
  'symlink', 'symlinkat', 'unlink', 'unlinkat', 'rename', 'renameat', 'renameat2', 'readlink',
  'readlinkat', 'chmod', 'fchmod', 'fchmodat', 'fchmodat2', 'chown', 'fchown', 'lchown', 'fchownat',
  'chown32', 'fchown32', 'lchown32', 'utime', 'utimes', 'utimensat', 'utimensat_time64', 'futimesat',
  'getxattr', 'lgetxattr', 'fgetxattr', 'setxattr', 'lsetxattr', 'fsetxattr', 'listxattr', 'llistxattr',
  'flistxattr', 'removexattr', 'lremovexattr', 'fremovexattr', 'getxattrat', 'setxattrat',
  'listxattrat', 'removexattrat', 'inotify_init', 'inotify_init1', 'inotify_add_watch',
  'inotify_rm_watch', 'fanotify_mark',
];

/** Waiting: polling, epoll, eventfd, timerfd, futexes and Linux AIO (io_uring stays blocked, as in current Docker). */
const WAITING = [
  'select', '_newselect', 'pselect6', 'pselect6_time64', 'poll', 'ppoll', 'ppoll_time64', 'epoll_create',
  'epoll_create1', 'epoll_ctl', 'epoll_ctl_old', 'epoll_wait', 'epoll_wait_old', 'epoll_pwait',
  'epoll_pwait2', 'eventfd', 'eventfd2', 'timerfd_create', 'timerfd_settime', 'timerfd_settime64',
  'timerfd_gettime', 'timerfd_gettime64', 'futex', 'futex_time64', 'futex_waitv', 'futex_wake',
  'futex_wait', 'futex_requeue', 'io_setup', 'io_destroy', 'io_submit', 'io_cancel', 'io_getevents',
  'io_pgetevents', 'io_pgetevents_time64',
];

/** Reading clocks and sleeping. Setting clocks is CAP_SYS_TIME's (adjtimex itself refuses changes without it). */
const TIME = [
  'time', 'gettimeofday', 'clock_gettime', 'clock_gettime64', 'clock_getres', 'clock_getres_time64',
  'clock_nanosleep', 'clock_nanosleep_time64', 'nanosleep', 'getitimer', 'setitimer', 'timer_create',
  'timer_delete', 'timer_settime', 'timer_settime64', 'timer_gettime', 'timer_gettime64',
  'timer_getoverrun', 'adjtimex',
];

const SYSTEM_INFO = ['uname', 'sysinfo', 'getrandom', 'getrlimit', 'ugetrlimit', 'setrlimit', 'prlimit64'];

const SOCKETS = [
  'socket', 'socketpair', 'bind', 'connect', 'listen', 'accept', 'accept4', 'getsockname', 'getpeername',
  'getsockopt', 'setsockopt', 'sendto', 'recvfrom', 'send', 'recv', 'sendmsg', 'recvmsg', 'sendmmsg',
  'recvmmsg', 'recvmmsg_time64', 'shutdown', 'socketcall',
];

/** System V and POSIX IPC: both live in the container's own IPC namespace. */
const IPC = [
  'msgget', 'msgsnd', 'msgrcv', 'msgctl', 'semget', 'semop', 'semtimedop', 'semtimedop_time64', 'semctl',
  'shmget', 'shmat', 'shmdt', 'shmctl', 'ipc', 'mq_open', 'mq_unlink', 'mq_timedsend',
  'mq_timedsend_time64', 'mq_timedreceive', 'mq_timedreceive_time64', 'mq_notify', 'mq_getsetattr',
];

/** Self-sandboxing interfaces only ever reduce privilege. */
const SANDBOXING = [
  'landlock_create_ruleset', 'landlock_add_rule', 'landlock_restrict_self', 'lsm_get_self_attr',
  'lsm_set_self_attr', 'lsm_list_modules',
];

export const BASE_ALLOWED_SYSCALLS: readonly string[] = Object.freeze([
  ...PROCESS, ...CREDENTIALS, ...SIGNALS, ...MEMORY, ...FILES, ...WAITING, ...TIME, ...SYSTEM_INFO,
  ...SOCKETS, ...IPC, ...SANDBOXING,
]);

/**
 * Namespace-creating clone(2) flags: CLONE_NEWNS 0x00020000 | CLONE_NEWCGROUP 0x02000000 |
 * CLONE_NEWUTS 0x04000000 | CLONE_NEWIPC 0x08000000 | CLONE_NEWUSER 0x10000000 |
 * CLONE_NEWPID 0x20000000 | CLONE_NEWNET 0x40000000.
 */
export const CLONE_NAMESPACE_FLAGS = 0x7e020000;

/** personality(2) values that change nothing security-relevant: PER_LINUX, PER_LINUX32, UNAME26 variants, and the 0xffffffff query. */
export const SAFE_PERSONALITIES: readonly number[] = Object.freeze([0x0, 0x8, 0x20000, 0x20008, 0xffffffff]);

const ENOSYS = 38;

/** Syscalls that exist only on some architectures' tables (Go architecture names, as Docker profiles use). */
const ARCH_RULES: DockerSeccompRule[] = [
  { names: ['arch_prctl', 'modify_ldt', 'get_thread_area', 'set_thread_area'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['amd64', 'x32', '386'] } },
  {
    names: ['arm_fadvise64_64', 'arm_sync_file_range', 'sync_file_range2', 'breakpoint', 'cacheflush', 'set_tls'],
    action: 'SCMP_ACT_ALLOW',
    includes: { arches: ['arm', 'arm64'] },
  },
];

/** Calls whose power a capability already grants: allowed only when the container holds that capability. */
const CAPABILITY_RULES: Array<[cap: string, names: string[], arches?: string[]]> = [
  [
    'CAP_SYS_ADMIN',
    [
      'bpf', 'clone', 'clone3', 'fanotify_init', 'fsconfig', 'fsmount', 'fsopen', 'fspick', 'listmount',
      'lookup_dcookie', 'mount', 'mount_setattr', 'move_mount', 'name_to_handle_at', 'open_tree',
      'perf_event_open', 'pivot_root', 'quotactl', 'quotactl_fd', 'setdomainname', 'sethostname', 'setns',
      'statmount', 'syslog', 'umount', 'umount2', 'unshare',
    ],
  ],
  ['CAP_SYS_BOOT', ['reboot']],
  ['CAP_SYS_CHROOT', ['chroot']],
  ['CAP_SYS_MODULE', ['init_module', 'finit_module', 'delete_module']],
  ['CAP_SYS_PACCT', ['acct']],
  ['CAP_SYS_PTRACE', ['kcmp', 'pidfd_getfd', 'process_madvise', 'process_vm_readv', 'process_vm_writev', 'ptrace']],
  ['CAP_SYS_RAWIO', ['iopl', 'ioperm'], ['amd64', 'x32', '386']],
  ['CAP_SYS_TIME', ['settimeofday', 'stime', 'clock_settime', 'clock_settime64', 'clock_adjtime', 'clock_adjtime64']],
  ['CAP_SYS_TTY_CONFIG', ['vhangup']],
  ['CAP_SYS_NICE', ['get_mempolicy', 'mbind', 'migrate_pages', 'move_pages', 'set_mempolicy', 'set_mempolicy_home_node']],
  ['CAP_SYSLOG', ['syslog']],
  ['CAP_BPF', ['bpf']],
  ['CAP_PERFMON', ['perf_event_open']],
  ['CAP_DAC_READ_SEARCH', ['open_by_handle_at', 'name_to_handle_at']],
];

/** The complete default rule list, in Docker's profile format. */
export const DEFAULT_SECCOMP_RULES: readonly DockerSeccompRule[] = Object.freeze([
  { names: [...BASE_ALLOWED_SYSCALLS], action: 'SCMP_ACT_ALLOW' },
  ...SAFE_PERSONALITIES.map(
    (value): DockerSeccompRule => ({ names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value, op: 'SCMP_CMP_EQ' }] }),
  ),
  // clone(2) without CAP_SYS_ADMIN: allowed only when no namespace flag is set, i.e.
  // (flags & CLONE_NAMESPACE_FLAGS) == 0. The flags are argument 0 on x86 and arm.
  {
    names: ['clone'],
    action: 'SCMP_ACT_ALLOW',
    args: [{ index: 0, value: CLONE_NAMESPACE_FLAGS, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }],
    excludes: { caps: ['CAP_SYS_ADMIN'] },
  },
  // clone3(2) passes its flags in a struct seccomp cannot inspect. Answer ENOSYS (not EPERM) so
  // glibc >= 2.34 falls back to clone(2), whose flags the rule above can check.
  { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: ENOSYS, excludes: { caps: ['CAP_SYS_ADMIN'] } },
  ...ARCH_RULES,
  ...CAPABILITY_RULES.map(
    ([cap, names, arches]): DockerSeccompRule => ({
      names: [...names],
      action: 'SCMP_ACT_ALLOW',
      includes: arches ? { caps: [cap], arches: [...arches] } : { caps: [cap] },
    }),
  ),
]);
