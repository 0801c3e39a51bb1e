import { invalidArgument } from '../core/errors.js';
import type { Mount } from './runtime-spec.js';

/** Docker's default /dev/shm size (--shm-size default, 64 MiB). */
export const DEFAULT_SHM_SIZE = 64 * 1024 * 1024;

export interface DefaultMountOptions {
  /** /sys and /sys/fs/cgroup read-write (--privileged, or writable-cgroups for the latter). */
  writableSys: boolean;
  writableCgroups: boolean;
  shmSize: number;
  /** 'private': own tmpfs; 'host': the host's /dev/shm; 'none' or 'shared' (joined ns): no default /dev/shm. */
  shm: 'private' | 'host' | 'none' | 'shared';
  /**
   * Bind the host's /sys instead of mounting a fresh sysfs: needed only when the container's user
   * namespace does not own its network namespace (userns + host network), which berth never does.
   */
  bindSys: boolean;
}

/**
 * The filesystems every container gets (config.md#mounts; the set and options follow the OCI
 * runtime-tools/runc defaults that Docker also uses). The kernel's own defaults are not repeated.
 */
export function defaultMounts(o: DefaultMountOptions): Mount[] {
  const sysOptions = ['nosuid', 'noexec', 'nodev', o.writableSys ? 'rw' : 'ro'];
  const mounts: Mount[] = [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    {
      destination: '/dev/pts',
      type: 'devpts',
      source: 'devpts',
      // newinstance: a private pts instance; gid=5 is the conventional "tty" group.
      options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
    },
    o.bindSys
      ? { destination: '/sys', type: 'bind', source: '/sys', options: ['rbind', ...sysOptions] }
      : { destination: '/sys', type: 'sysfs', source: 'sysfs', options: sysOptions },
    {
      destination: '/sys/fs/cgroup',
      type: 'cgroup',
      source: 'cgroup',
      options: ['nosuid', 'noexec', 'nodev', 'relatime', o.writableCgroups ? 'rw' : 'ro'],
    },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
  ];
  if (o.shm === 'private') {
    mounts.push({
      destination: '/dev/shm',
      type: 'tmpfs',
      source: 'shm',
      options: ['nosuid', 'noexec', 'nodev', 'mode=1777', `size=${o.shmSize}`],
    });
  } else if (o.shm === 'host') {
    mounts.push({ destination: '/dev/shm', type: 'bind', source: '/dev/shm', options: ['rbind', 'nosuid', 'noexec', 'nodev'] });
  }
  return mounts;
}

/** Mount flags that come in on/off pairs; the last one given wins (as with mount(8)). */
const FLAG_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['rw', 'ro'],
  ['exec', 'noexec'],
  ['suid', 'nosuid'],
  ['dev', 'nodev'],
  ['atime', 'noatime'],
  ['diratime', 'nodiratime'],
  ['relatime', 'norelatime'],
  ['strictatime', 'nostrictatime'],
  ['sync', 'async'],
  ['mand', 'nomand'],
  ['iversion', 'noiversion'],
  ['lazytime', 'nolazytime'],
];
const PROPAGATION = ['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave', 'unbindable', 'runbindable'];
const OTHER_FLAGS = new Set(['dirsync', 'defaults', ...PROPAGATION]);
const pairOf = new Map<string, number>(FLAG_PAIRS.flatMap(([a, b], i) => [[a, i], [b, i]]));

/** Docker's --tmpfs defaults: a tmpfs is data, not code or devices. */
export const TMPFS_DEFAULT_OPTIONS: readonly string[] = Object.freeze(['noexec', 'nosuid', 'nodev']);

/**
 * Merge user tmpfs options over the defaults: a flag replaces its opposite ("exec" cancels
 * "noexec"), a key=value replaces the same key. Unknown flags are refused, as dockerd does.
 */
export function mergeTmpfsOptions(defaults: readonly string[], user: readonly string[]): string[] {
  const out: string[] = [];
  for (const opt of [...defaults, ...user]) {
    if (opt === '' || opt === 'defaults') continue;
    const eq = opt.indexOf('=');
    let same: (o: string) => boolean;
    if (eq > 0) {
      const key = opt.slice(0, eq + 1);
      same = (o) => o.startsWith(key);
    } else if (pairOf.has(opt)) {
      const group = pairOf.get(opt);
      same = (o) => pairOf.get(o) === group;
    } else if (OTHER_FLAGS.has(opt)) {
      same = PROPAGATION.includes(opt) ? (o) => PROPAGATION.includes(o) : (o) => o === opt;
    } else {
      throw invalidArgument(`invalid tmpfs option ${JSON.stringify(opt)}`);
    }
    const i = out.findIndex(same);
    if (i >= 0) out.splice(i, 1);
    out.push(opt);
  }
  return out;
}

/** HostConfig.Tmpfs ({"/run": "rw,size=64m"}) as OCI mounts. */
export function tmpfsMounts(tmpfs: Readonly<Record<string, string>> | null | undefined): Mount[] {
  return Object.entries(tmpfs ?? {}).map(([destination, options]) => {
    if (!destination.startsWith('/') || destination.replace(/\/+$/, '') === '') {
      throw invalidArgument(`invalid tmpfs mount path ${JSON.stringify(destination)}: must be absolute and not "/"`);
    }
    const user = (options ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
    return { destination, type: 'tmpfs', source: 'tmpfs', options: mergeTmpfsOptions(TMPFS_DEFAULT_OPTIONS, user) };
  });
}

const depth = (p: string) => p.split('/').filter((s) => s !== '').length;
const clean = (p: string) => (p.length > 1 ? p.replace(/\/+$/, '') : p);

/**
 * The final mount list: the defaults a user mount does not replace (a user mount at the same
 * destination wins; a user mount of /dev replaces the default /dev/* mounts too, as in Docker),
 * then the user mounts ordered by path depth so a parent is mounted before its children
 * (stable, so equal-depth mounts keep the caller's order).
 */
export function assembleMounts(defaults: Mount[], user: Mount[]): Mount[] {
  const userDest = new Set(user.map((m) => clean(m.destination)));
  const keep = defaults.filter((m) => !userDest.has(m.destination) && !(userDest.has('/dev') && m.destination.startsWith('/dev/')));
  const ordered = user.map((m, i) => ({ m, i })).sort((a, b) => depth(a.m.destination) - depth(b.m.destination) || a.i - b.i);
  return [...keep, ...ordered.map((x) => x.m)];
}

export interface BuildMountsOptions {
  privileged: boolean;
  writableCgroups: boolean;
  shmSize: number | null | undefined;
  ipc: 'new' | 'host' | 'path';
  ipcNone: boolean;
  readonlyRootfs: boolean;
  tmpfs: Readonly<Record<string, string>> | null | undefined;
  extraMounts: readonly Mount[];
  init?: { hostPath: string; destination: string };
}

/**
 * Every mount of the container, and the rootfs propagation runc needs for them
 * (config-linux.md#rootfs-mount-propagation): left to runc's default (rslave) unless a bind asks for
 * shared or slave propagation, which only works when the container's root is shared/slave too.
 */
export function buildMounts(o: BuildMountsOptions): { mounts: Mount[]; rootfsPropagation?: 'rshared' | 'rslave' } {
  const shmSize = o.shmSize ?? 0;
  if (!Number.isSafeInteger(shmSize) || shmSize < 0) throw invalidArgument('shm size can not be less than 0');
  // Docker: with --read-only, /sys and /sys/fs/cgroup stay read-only even for --privileged.
  const defaults = defaultMounts({
    writableSys: o.privileged && !o.readonlyRootfs,
    writableCgroups: (o.privileged || o.writableCgroups) && !o.readonlyRootfs,
    shmSize: shmSize > 0 ? shmSize : DEFAULT_SHM_SIZE,
    // A joined IPC namespace shares the other container's /dev/shm, which the engine binds in.
    shm: o.ipc === 'host' ? 'host' : o.ipc === 'path' ? 'shared' : o.ipcNone ? 'none' : 'private',
    // A fresh sysfs needs CAP_SYS_ADMIN over the network namespace's owning user namespace. berth
    // runs containers as real root without user namespaces, so that holds even for the host's
    // network namespace (checked with runc 1.1.5 here); the bind is only for userns setups.
    bindSys: false,
  });
  const user: Mount[] = [...tmpfsMounts(o.tmpfs), ...o.extraMounts.map((m) => ({ ...m, options: [...(m.options ?? [])] }))];
  if (o.init) user.push({ destination: o.init.destination, type: 'bind', source: o.init.hostPath, options: ['bind', 'ro'] });
  const mounts = assembleMounts(defaults, user);

  const opts = user.flatMap((m) => m.options ?? []);
  const rootfsPropagation = opts.some((x) => x === 'shared' || x === 'rshared')
    ? 'rshared'
    : opts.some((x) => x === 'slave' || x === 'rslave')
      ? 'rslave'
      : undefined;
  return rootfsPropagation ? { mounts, rootfsPropagation } : { mounts };
}
