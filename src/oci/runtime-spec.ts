/**
 * The subset of the OCI runtime specification that berth writes into a bundle's `config.json`.
 * Field names and shapes follow the spec exactly, so the object can be serialised as is:
 *   https://github.com/opencontainers/runtime-spec/blob/main/config.md
 *   https://github.com/opencontainers/runtime-spec/blob/main/config-linux.md
 * runc 1.1.5 (Debian 12) implements spec 1.0.2, hence OCI_VERSION.
 */

export const OCI_VERSION = '1.0.2-dev';

/** config.md#posix-process "rlimits": values are uint64 in the spec; RLIM_INFINITY does not fit a JS number. */
export type RlimitValue = number | bigint;

/** RLIM_INFINITY (2^64-1): what Docker sends for `--ulimit name=-1`. Serialise with specToJson. */
export const RLIM_INFINITY: bigint = (1n << 64n) - 1n;

export interface POSIXRlimit {
  type: string; // e.g. "RLIMIT_NOFILE"
  hard: RlimitValue;
  soft: RlimitValue;
}

/** config.md#user */
export interface User {
  uid: number;
  gid: number;
  umask?: number;
  additionalGids?: number[];
}

/** config.md#linux-process "capabilities": each list holds names such as "CAP_CHOWN". */
export interface LinuxCapabilities {
  bounding: string[];
  effective: string[];
  permitted: string[];
  inheritable?: string[];
  ambient?: string[];
}

export interface ConsoleSize {
  height: number;
  width: number;
}

/** config.md#process */
export interface Process {
  terminal?: boolean;
  consoleSize?: ConsoleSize;
  user: User;
  args: string[];
  env?: string[];
  cwd: string;
  capabilities?: LinuxCapabilities;
  rlimits?: POSIXRlimit[];
  noNewPrivileges?: boolean;
  apparmorProfile?: string;
  oomScoreAdj?: number;
  selinuxLabel?: string;
}

/** config.md#root */
export interface Root {
  path: string;
  readonly?: boolean;
}

/** config.md#mounts */
export interface Mount {
  destination: string;
  type?: string;
  source?: string;
  options?: string[];
}

/** config.md#posix-platform-hooks (berth does not use hooks; typed for completeness). */
export interface Hook {
  path: string;
  args?: string[];
  env?: string[];
  timeout?: number;
}

export interface Hooks {
  prestart?: Hook[];
  createRuntime?: Hook[];
  createContainer?: Hook[];
  startContainer?: Hook[];
  poststart?: Hook[];
  poststop?: Hook[];
}

export type LinuxNamespaceType = 'pid' | 'network' | 'mount' | 'ipc' | 'uts' | 'user' | 'cgroup';

/** config-linux.md#namespaces: without `path` a new namespace is created; with it, that one is joined. */
export interface LinuxNamespace {
  type: LinuxNamespaceType;
  path?: string;
}

/** config-linux.md#user-namespace-mappings */
export interface LinuxIDMapping {
  containerID: number;
  hostID: number;
  size: number;
}

/** config-linux.md#allowed-device-list */
export interface LinuxDeviceCgroup {
  allow: boolean;
  type?: 'a' | 'c' | 'b';
  major?: number;
  minor?: number;
  access?: string;
}

/** config-linux.md#memory (bytes; swap is memory+swap, as cgroup v1's memsw). */
export interface LinuxMemory {
  limit?: number;
  reservation?: number;
  swap?: number;
  kernel?: number;
  swappiness?: number;
  disableOOMKiller?: boolean;
}

/** config-linux.md#cpu */
export interface LinuxCPU {
  shares?: number;
  quota?: number;
  period?: number;
  realtimeRuntime?: number;
  realtimePeriod?: number;
  cpus?: string;
  mems?: string;
}

/** config-linux.md#pids */
export interface LinuxPids {
  limit: number;
}

/** config-linux.md#block-io */
export interface LinuxBlockIO {
  weight?: number;
  leafWeight?: number;
}

/** config-linux.md#control-groups */
export interface LinuxResources {
  devices?: LinuxDeviceCgroup[];
  memory?: LinuxMemory;
  cpu?: LinuxCPU;
  pids?: LinuxPids;
  blockIO?: LinuxBlockIO;
}

/** config-linux.md#devices: device nodes runc creates inside the container. */
export interface LinuxDevice {
  path: string;
  type: 'c' | 'b' | 'u' | 'p';
  major: number;
  minor: number;
  fileMode?: number;
  uid?: number;
  gid?: number;
}

export type SeccompAction =
  | 'SCMP_ACT_KILL'
  | 'SCMP_ACT_KILL_PROCESS'
  | 'SCMP_ACT_KILL_THREAD'
  | 'SCMP_ACT_TRAP'
  | 'SCMP_ACT_ERRNO'
  | 'SCMP_ACT_TRACE'
  | 'SCMP_ACT_ALLOW'
  | 'SCMP_ACT_LOG'
  | 'SCMP_ACT_NOTIFY';

export type SeccompOperator =
  | 'SCMP_CMP_NE'
  | 'SCMP_CMP_LT'
  | 'SCMP_CMP_LE'
  | 'SCMP_CMP_EQ'
  | 'SCMP_CMP_GE'
  | 'SCMP_CMP_GT'
  | 'SCMP_CMP_MASKED_EQ';

/** config-linux.md#seccomp "args": for MASKED_EQ, `value` is the mask and `valueTwo` the expected result. */
export interface LinuxSeccompArg {
  index: number;
  value: number;
  valueTwo?: number;
  op: SeccompOperator;
}

export interface LinuxSyscall {
  names: string[];
  action: SeccompAction;
  errnoRet?: number;
  args?: LinuxSeccompArg[];
}

/** config-linux.md#seccomp */
export interface LinuxSeccomp {
  defaultAction: SeccompAction;
  defaultErrnoRet?: number;
  architectures?: string[];
  flags?: string[];
  listenerPath?: string;
  listenerMetadata?: string;
  syscalls?: LinuxSyscall[];
}

/** Short alias used across berth. */
export type Seccomp = LinuxSeccomp;

/** config-linux.md */
export interface Linux {
  namespaces: LinuxNamespace[];
  uidMappings?: LinuxIDMapping[];
  gidMappings?: LinuxIDMapping[];
  devices?: LinuxDevice[];
  cgroupsPath?: string;
  resources?: LinuxResources;
  rootfsPropagation?: 'shared' | 'slave' | 'private' | 'unbindable' | 'rshared' | 'rslave' | 'rprivate' | 'runbindable';
  seccomp?: LinuxSeccomp;
  sysctl?: Record<string, string>;
  maskedPaths?: string[];
  readonlyPaths?: string[];
  mountLabel?: string;
}

/** config.md: the top-level document. */
export interface RuntimeSpec {
  ociVersion: string;
  process: Process;
  root: Root;
  hostname?: string;
  mounts: Mount[];
  hooks?: Hooks;
  annotations?: Record<string, string>;
  linux: Linux;
}

const BIGINT_MARK = '\u0000bigint:';

/**
 * JSON text for config.json. JSON.stringify cannot encode bigint, and 2^64-1 as a JS number would
 * round to 18446744073709552000, which Go's uint64 decoder (runc) rejects; so bigints are written
 * as exact integer literals.
 */
export function specToJson(spec: RuntimeSpec, indent?: number): string {
  const text = JSON.stringify(spec, (_key, value: unknown) => (typeof value === 'bigint' ? `${BIGINT_MARK}${value}` : value), indent);
  return text.replace(/"\\u0000bigint:(-?\d+)"/g, '$1');
}
