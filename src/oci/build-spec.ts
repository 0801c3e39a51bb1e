import type { ContainerConfig, HostConfig } from '../core/container-types.js';
import { invalidArgument, notImplemented } from '../core/errors.js';
import { buildMounts } from './build-mounts.js';
import { buildResources, type HostDeviceInfo } from './build-resources.js';
import { buildRlimits } from './build-rlimits.js';
import { buildSysctls } from './build-sysctls.js';
import { resolveCapabilities } from './capabilities.js';
import { defaultSeccompProfile, parseSeccompProfile } from './default-seccomp.js';
import { parseSecurityOptions } from './parse-security-options.js';
import { OCI_VERSION, type LinuxDevice, type LinuxNamespace, type Process, type RuntimeSpec } from './runtime-spec.js';

export type { HostDeviceInfo } from './build-resources.js';

export type NetworkChoice = { kind: 'new' } | { kind: 'host' } | { kind: 'path'; path: string };

export interface ExtraMount {
  destination: string;
  type: string;
  source: string;
  options: string[];
}

export interface SpecInput {
  /** Absolute path of the mounted root filesystem. */
  rootfs: string;
  /** Final process args (entrypoint + cmd, already resolved). */
  args: string[];
  /** Final environment (image env, user env, PATH, HOSTNAME, TERM if tty — already merged). */
  env: string[];
  /** Absolute working directory, already resolved ("/" by default). */
  cwd: string;
  user: { uid: number; gid: number; additionalGids: number[] };
  hostname: string;
  tty: boolean;
  config: ContainerConfig;
  /** Resource and security fields are read from here. */
  hostConfig: HostConfig;
  /** e.g. "/berth/<id>" (cgroupfs driver). */
  cgroupsPath: string;
  cgroupVersion: 1 | 2;
  /** 'new': a fresh netns (loopback only; --network none too); 'path': join an existing netns. */
  network: NetworkChoice;
  /** Appended after the defaults (/etc/hosts, /etc/resolv.conf, /etc/hostname binds, volumes). */
  extraMounts: ExtraMount[];
  /** --init: bind this static init at /sbin/docker-init (ro) and run the process under it. */
  init?: { hostPath: string };
  /** Host hard limits by ulimit name ("nofile"); a --ulimit above one is an InvalidArgument. */
  rlimitHardMax?: Record<string, number>;
  /** stat of a host device node for --device; without it --device is refused. */
  deviceInfo?: (pathOnHost: string) => HostDeviceInfo | undefined;
  /** Device nodes a privileged container gets (Docker: every host device). */
  hostDevices?: LinuxDevice[];
  /** The engine's bounding set; "all capabilities" means these (see resolveCapabilities). */
  availableCapabilities?: string[];
  /** Namespace paths for PidMode/IpcMode "container:<id>" (resolved by the engine). */
  namespacePaths?: { pid?: string; ipc?: string };
  /** For seccomp rule conditions: Node arch name and kernel release (os.release()). */
  arch?: string;
  kernelVersion?: string;
  /** Whether cgroup v1 swap accounting exists (memory.memsw.*); default true. */
  swapLimitSupported?: boolean;
  /** Host CPU count, for the --cpus range check. */
  hostCpus?: number;
}

/** Paths of /proc and /sys that leak host information or allow host changes (config-linux.md#masked-paths). */
export const DEFAULT_MASKED_PATHS: readonly string[] = Object.freeze([
  '/proc/asound',
  '/proc/acpi',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
  '/sys/devices/virtual/powercap',
]);

/** config-linux.md#readonly-paths */
export const DEFAULT_READONLY_PATHS: readonly string[] = Object.freeze(['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger']);

const INIT_PATH = '/sbin/docker-init';

type NsMode = { kind: 'new' } | { kind: 'host' } | { kind: 'path'; path: string };

/** PidMode / IpcMode: "" (private), "host", "container:<id>" (+ "private"/"shareable"/"none" for IPC). */
function nsMode(flag: string, value: string | undefined, allowed: string[], path: string | undefined): NsMode {
  const v = value ?? '';
  if (v === 'host') return { kind: 'host' };
  if (v === '' || allowed.includes(v)) return { kind: 'new' };
  if (v.startsWith('container:') && v.length > 'container:'.length) {
    if (!path) throw invalidArgument(`${flag} ${JSON.stringify(v)} needs the namespace path of that container`);
    return { kind: 'path', path };
  }
  throw invalidArgument(`invalid ${flag}: ${JSON.stringify(v)}`);
}

function nsEntry(type: LinuxNamespace['type'], mode: NsMode): LinuxNamespace[] {
  if (mode.kind === 'host') return [];
  return mode.kind === 'path' ? [{ type, path: mode.path }] : [{ type }];
}

function validateBasics(input: SpecInput): void {
  if (!input.rootfs.startsWith('/')) throw invalidArgument(`rootfs path must be absolute: ${JSON.stringify(input.rootfs)}`);
  if (input.args.length === 0 || input.args[0] === '') throw invalidArgument('no command specified');
  if (!input.cwd.startsWith('/')) throw invalidArgument(`working directory must be absolute: ${JSON.stringify(input.cwd)}`);
  const ids = [input.user.uid, input.user.gid, ...input.user.additionalGids];
  if (!ids.every((n) => Number.isInteger(n) && n >= 0 && n <= 0xfffffffe)) throw invalidArgument('user and group ids must be integers from 0 to 4294967294');
  for (const m of input.extraMounts) {
    if (!m.destination.startsWith('/')) throw invalidArgument(`mount destination must be absolute: ${JSON.stringify(m.destination)}`);
  }
  if (input.network.kind === 'path' && !input.network.path.startsWith('/')) {
    throw invalidArgument(`network namespace path must be absolute: ${JSON.stringify(input.network.path)}`);
  }
}

/**
 * The OCI runtime configuration for one container (config.md, config-linux.md), with Docker's
 * defaults and Docker's validation of create options. Pure: everything the host knows is an input.
 */
export function buildSpec(input: SpecInput): RuntimeSpec {
  validateBasics(input);
  const hc = input.hostConfig;
  const privileged = hc.Privileged === true;
  const security = parseSecurityOptions(hc.SecurityOpt);

  if (hc.UsernsMode && hc.UsernsMode !== 'host') throw notImplemented(`user namespace mode ${JSON.stringify(hc.UsernsMode)} is not supported`);
  const oomScoreAdj = hc.OomScoreAdj ?? 0;
  if (!Number.isInteger(oomScoreAdj) || oomScoreAdj < -1000 || oomScoreAdj > 1000) {
    throw invalidArgument(`invalid value ${String(oomScoreAdj)}, range for oom score adj is [-1000, 1000]`);
  }

  // Namespaces (config-linux.md#namespaces). A user namespace is never used.
  const pid = nsMode('pid mode', hc.PidMode, [], input.namespacePaths?.pid);
  const ipc = nsMode('ipc mode', hc.IpcMode, ['private', 'shareable', 'none'], input.namespacePaths?.ipc);
  if (hc.UTSMode && hc.UTSMode !== 'host') throw invalidArgument(`invalid uts mode: ${JSON.stringify(hc.UTSMode)}`);
  const hostUts = hc.UTSMode === 'host';
  const cgroupns = hc.CgroupnsMode ?? '';
  if (!['', 'private', 'host'].includes(cgroupns)) throw invalidArgument(`invalid cgroup namespace mode: ${JSON.stringify(cgroupns)}`);
  // Docker: a private cgroup namespace by default on cgroup v2, the host's on v1.
  const privateCgroupns = cgroupns === 'private' || (cgroupns === '' && input.cgroupVersion === 2);
  const net: NsMode = input.network.kind === 'path' ? { kind: 'path', path: input.network.path } : { kind: input.network.kind };
  const namespaces: LinuxNamespace[] = [
    ...nsEntry('pid', pid),
    ...nsEntry('network', net),
    ...nsEntry('ipc', ipc),
    ...(hostUts ? [] : [{ type: 'uts' as const }]),
    { type: 'mount' },
    ...(privateCgroupns ? [{ type: 'cgroup' as const }] : []),
  ];

  const caps = resolveCapabilities(hc.CapAdd, hc.CapDrop, privileged, input.availableCapabilities);

  const process: Process = {
    terminal: input.tty,
    user: { uid: input.user.uid, gid: input.user.gid, additionalGids: [...input.user.additionalGids] },
    args: input.init ? [INIT_PATH, '--', ...input.args] : [...input.args],
    env: [...input.env],
    cwd: input.cwd,
    // Docker gives the same set to every user; for a non-root user the kernel clears effective and
    // permitted at execve anyway. No inheritable or ambient capabilities (CVE-2022-24769).
    capabilities: { bounding: [...caps], effective: [...caps], permitted: [...caps] },
    noNewPrivileges: security.noNewPrivileges,
    oomScoreAdj,
  };
  // The TTY's initial size, so the first prompt is drawn for the client's window (runc applies it).
  const [rows = 0, cols = 0] = hc.ConsoleSize ?? [];
  if (input.tty && rows > 0 && cols > 0) process.consoleSize = { height: rows, width: cols };
  const rlimits = buildRlimits(hc.Ulimits, input.rlimitHardMax);
  if (rlimits) process.rlimits = rlimits;

  const { resources, devices } = buildResources(hc, {
    cgroupVersion: input.cgroupVersion,
    privileged,
    swapLimitSupported: input.swapLimitSupported,
    hostCpus: input.hostCpus,
    deviceInfo: input.deviceInfo,
    hostDevices: input.hostDevices,
  });

  const mounts = buildMounts({
    privileged,
    writableCgroups: security.writableCgroups,
    shmSize: hc.ShmSize,
    ipc: ipc.kind === 'new' ? 'new' : ipc.kind,
    ipcNone: hc.IpcMode === 'none',
    readonlyRootfs: hc.ReadonlyRootfs === true,
    tmpfs: hc.Tmpfs,
    extraMounts: input.extraMounts,
    init: input.init ? { hostPath: input.init.hostPath, destination: INIT_PATH } : undefined,
  });

  const spec: RuntimeSpec = {
    ociVersion: OCI_VERSION,
    process,
    root: { path: input.rootfs, readonly: hc.ReadonlyRootfs === true },
    mounts: mounts.mounts,
    linux: { namespaces, cgroupsPath: input.cgroupsPath, resources },
  };
  // runc refuses a hostname without a private UTS namespace.
  if (!hostUts) spec.hostname = input.hostname;
  if (mounts.rootfsPropagation) spec.linux.rootfsPropagation = mounts.rootfsPropagation;
  if (devices.length > 0) spec.linux.devices = devices;

  const sysctl = buildSysctls(hc.Sysctls, { hostIpc: ipc.kind === 'host', hostNetwork: net.kind === 'host', addNetworkDefaults: net.kind !== 'host' });
  if (sysctl) spec.linux.sysctl = sysctl;

  // Seccomp (config-linux.md#seccomp): Docker runs privileged containers unconfined.
  if (!privileged && security.seccomp.kind !== 'unconfined') {
    const ctx = { caps, arch: input.arch, kernelVersion: input.kernelVersion };
    spec.linux.seccomp =
      security.seccomp.kind === 'custom' ? parseSeccompProfile(security.seccomp.profile, ctx) : defaultSeccompProfile(caps, ctx);
  }

  // Masked and read-only paths: none when privileged or systempaths=unconfined; otherwise the
  // caller's lists when given (the API may set them explicitly), else the defaults.
  if (!privileged && !security.unmaskSystemPaths) {
    spec.linux.maskedPaths = [...(hc.MaskedPaths ?? DEFAULT_MASKED_PATHS)];
    spec.linux.readonlyPaths = [...(hc.ReadonlyPaths ?? DEFAULT_READONLY_PATHS)];
  }
  return spec;
}
