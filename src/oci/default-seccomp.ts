import { invalidArgument } from '../core/errors.js';
import { DEFAULT_CAPABILITIES } from './capabilities.js';
import type { LinuxSeccompArg, LinuxSyscall, Seccomp, SeccompAction, SeccompOperator } from './runtime-spec.js';
import { DEFAULT_SECCOMP_RULES } from './seccomp-syscalls.js';

/**
 * Seccomp profiles in Docker's file format, and their conversion to the OCI form runc reads
 * (config-linux.md#seccomp). A Docker profile may carry conditions the OCI form has no room for
 * (`includes`/`excludes` on capabilities, architectures and kernel version); the daemon evaluates
 * them when it writes the spec, which is what resolveSeccompProfile does.
 */

/** Conditions of a Docker profile rule. Caps are capability names, arches Go architecture names ("amd64"). */
export interface DockerSeccompFilter {
  caps?: string[];
  arches?: string[];
  minKernel?: string;
}

export interface DockerSeccompRule {
  name?: string;
  names?: string[];
  action: SeccompAction;
  errnoRet?: number;
  args?: LinuxSeccompArg[];
  includes?: DockerSeccompFilter;
  excludes?: DockerSeccompFilter;
  comment?: string;
}

export interface DockerSeccompArchMap {
  architecture: string;
  subArchitectures?: string[];
}

export interface DockerSeccompProfile {
  defaultAction: SeccompAction;
  defaultErrnoRet?: number;
  architectures?: string[];
  archMap?: DockerSeccompArchMap[];
  flags?: string[];
  listenerPath?: string;
  listenerMetadata?: string;
  syscalls?: DockerSeccompRule[];
}

/** What a profile's conditions are evaluated against. */
export interface SeccompContext {
  /** The container's final capability set (process.capabilities.bounding). */
  caps: readonly string[];
  /** Node's process.arch naming ("x64", "arm64"); defaults to the running process's. */
  arch?: string;
  /** Host kernel release (os.release()); when unknown, minKernel conditions count as satisfied. */
  kernelVersion?: string;
}

const ACTIONS: ReadonlySet<string> = new Set([
  'SCMP_ACT_KILL', 'SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_KILL_THREAD', 'SCMP_ACT_TRAP', 'SCMP_ACT_ERRNO',
  'SCMP_ACT_TRACE', 'SCMP_ACT_ALLOW', 'SCMP_ACT_LOG', 'SCMP_ACT_NOTIFY',
]);
const OPERATORS: ReadonlySet<string> = new Set([
  'SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_EQ', 'SCMP_CMP_GE', 'SCMP_CMP_GT', 'SCMP_CMP_MASKED_EQ',
]);

interface HostArch {
  /** Names a profile's includes/excludes `arches` may use for this host (Go's first). */
  names: string[];
  /** libseccomp architecture token of the native ABI. */
  seccomp: string;
  /** Compat ABIs the native kernel also runs (what Docker's archMap lists as subArchitectures). */
  sub: string[];
}

const HOST_ARCHES: Record<string, HostArch> = {
  x64: { names: ['amd64', 'x86_64'], seccomp: 'SCMP_ARCH_X86_64', sub: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] },
  arm64: { names: ['arm64', 'aarch64'], seccomp: 'SCMP_ARCH_AARCH64', sub: ['SCMP_ARCH_ARM'] },
  arm: { names: ['arm'], seccomp: 'SCMP_ARCH_ARM', sub: [] },
  ia32: { names: ['386', 'x86'], seccomp: 'SCMP_ARCH_X86', sub: [] },
  s390x: { names: ['s390x'], seccomp: 'SCMP_ARCH_S390X', sub: ['SCMP_ARCH_S390'] },
  ppc64: { names: ['ppc64le'], seccomp: 'SCMP_ARCH_PPC64LE', sub: [] },
  riscv64: { names: ['riscv64'], seccomp: 'SCMP_ARCH_RISCV64', sub: [] },
};

function hostArch(arch: string | undefined): HostArch {
  const a = arch ?? process.arch;
  return HOST_ARCHES[a] ?? { names: [a], seccomp: '', sub: [] };
}

/** The archMap of berth's default profile: the two architecture families berth is built for. */
const DEFAULT_ARCH_MAP: DockerSeccompArchMap[] = [
  { architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] },
  { architecture: 'SCMP_ARCH_AARCH64', subArchitectures: ['SCMP_ARCH_ARM'] },
];

/** berth's built-in profile in Docker's format (what `docker` would call the default.json). */
export function defaultDockerSeccompProfile(): DockerSeccompProfile {
  return {
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: 1, // EPERM, as Docker documents for its default profile
    archMap: structuredClone(DEFAULT_ARCH_MAP),
    syscalls: structuredClone(DEFAULT_SECCOMP_RULES) as DockerSeccompRule[],
  };
}

/**
 * berth's default profile in OCI form for a container holding `caps` (capability-gated rules are
 * added only for capabilities in the set).
 */
export function defaultSeccompProfile(caps: readonly string[], options: { arch?: string; kernelVersion?: string } = {}): Seccomp {
  return resolveSeccompProfile(defaultDockerSeccompProfile(), { caps, ...options });
}

/**
 * A profile as sent by the docker CLI (`--security-opt seccomp=<file>` travels as the file's JSON
 * text), converted to OCI form. Invalid JSON or an invalid profile is an InvalidArgument.
 */
export function parseSeccompProfile(json: string, ctx: SeccompContext = { caps: DEFAULT_CAPABILITIES }): Seccomp {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (e) {
    throw invalidArgument(`decoding seccomp profile failed: ${(e as Error).message}`, e);
  }
  return resolveSeccompProfile(parsed as DockerSeccompProfile, ctx);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
const isUint = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

function capName(c: string): string {
  const u = c.toUpperCase();
  return u.startsWith('CAP_') ? u : `CAP_${u}`;
}

/** Kernel release "6.1.0-18-amd64" or "4.8" as [major, minor, patch]. */
function kernelTuple(v: string): [number, number, number] | undefined {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

function kernelAtLeast(actual: string | undefined, min: string): boolean {
  const want = kernelTuple(min);
  if (!want) throw invalidArgument(`invalid minKernel ${JSON.stringify(min)} in seccomp profile`);
  const have = actual === undefined ? undefined : kernelTuple(actual);
  if (!have) return true;
  for (let i = 0; i < 3; i++) {
    if (have[i]! !== want[i]!) return have[i]! > want[i]!;
  }
  return true;
}

function validateFilter(f: unknown, where: string): DockerSeccompFilter {
  if (f === undefined || f === null) return {};
  if (!isObject(f)) throw invalidArgument(`seccomp profile: ${where} must be an object`);
  if (f['caps'] !== undefined && f['caps'] !== null && !isStringArray(f['caps'])) throw invalidArgument(`seccomp profile: ${where}.caps must be a list of strings`);
  if (f['arches'] !== undefined && f['arches'] !== null && !isStringArray(f['arches'])) throw invalidArgument(`seccomp profile: ${where}.arches must be a list of strings`);
  if (f['minKernel'] !== undefined && f['minKernel'] !== null && f['minKernel'] !== '' && typeof f['minKernel'] !== 'string') {
    throw invalidArgument(`seccomp profile: ${where}.minKernel must be a string`);
  }
  return f as DockerSeccompFilter;
}

function validateArgs(args: unknown, where: string): LinuxSeccompArg[] | undefined {
  if (args === undefined || args === null) return undefined;
  if (!Array.isArray(args)) throw invalidArgument(`seccomp profile: ${where}.args must be a list`);
  return args.map((a: unknown, i): LinuxSeccompArg => {
    if (!isObject(a)) throw invalidArgument(`seccomp profile: ${where}.args[${i}] must be an object`);
    const { index, value, valueTwo, op } = a;
    if (!isUint(index) || index > 5) throw invalidArgument(`seccomp profile: ${where}.args[${i}].index must be 0 to 5`);
    if (!isUint(value)) throw invalidArgument(`seccomp profile: ${where}.args[${i}].value must be a non-negative integer`);
    if (valueTwo !== undefined && !isUint(valueTwo)) throw invalidArgument(`seccomp profile: ${where}.args[${i}].valueTwo must be a non-negative integer`);
    if (typeof op !== 'string' || !OPERATORS.has(op)) throw invalidArgument(`seccomp profile: ${where}.args[${i}] has unknown operator ${JSON.stringify(op)}`);
    const out: LinuxSeccompArg = { index, value, op: op as SeccompOperator };
    if (valueTwo !== undefined) out.valueTwo = valueTwo;
    return out;
  });
}

/** Does a rule apply to this container? Docker's rule: every `includes` condition holds and no `excludes` condition does. */
function ruleApplies(inc: DockerSeccompFilter, exc: DockerSeccompFilter, caps: ReadonlySet<string>, arch: HostArch, kernel: string | undefined): boolean {
  const archMatches = (list: string[]) => list.some((a) => arch.names.includes(a));
  if (inc.caps?.length && !inc.caps.every((c) => caps.has(capName(c)))) return false;
  if (inc.arches?.length && !archMatches(inc.arches)) return false;
  if (inc.minKernel && !kernelAtLeast(kernel, inc.minKernel)) return false;
  if (exc.caps?.length && exc.caps.some((c) => caps.has(capName(c)))) return false;
  if (exc.arches?.length && archMatches(exc.arches)) return false;
  if (exc.minKernel && kernelAtLeast(kernel, exc.minKernel)) return false;
  return true;
}

/** Evaluate a Docker-format profile for one container and produce the OCI form. */
export function resolveSeccompProfile(profile: DockerSeccompProfile, ctx: SeccompContext): Seccomp {
  if (!isObject(profile)) throw invalidArgument('seccomp profile must be a JSON object');
  const p = profile as unknown as Record<string, unknown>;
  const action = p['defaultAction'];
  if (typeof action !== 'string' || !ACTIONS.has(action)) {
    throw invalidArgument(`seccomp profile has invalid defaultAction ${JSON.stringify(action ?? null)}`);
  }
  const arch = hostArch(ctx.arch);
  const caps = new Set(ctx.caps.map(capName));
  const out: Seccomp = { defaultAction: action as SeccompAction };

  if (p['defaultErrnoRet'] !== undefined && p['defaultErrnoRet'] !== null) {
    if (!isUint(p['defaultErrnoRet'])) throw invalidArgument('seccomp profile: defaultErrnoRet must be a non-negative integer');
    out.defaultErrnoRet = p['defaultErrnoRet'];
  }

  const hasArches = Array.isArray(p['architectures']) && (p['architectures'] as unknown[]).length > 0;
  const hasArchMap = Array.isArray(p['archMap']) && (p['archMap'] as unknown[]).length > 0;
  if (hasArches && hasArchMap) throw invalidArgument("seccomp profile: use either 'architectures' or 'archMap', not both");
  if (p['architectures'] !== undefined && p['architectures'] !== null) {
    if (!isStringArray(p['architectures'])) throw invalidArgument('seccomp profile: architectures must be a list of strings');
    if (hasArches) out.architectures = [...p['architectures']];
  }
  if (hasArchMap) {
    // Like Docker: keep only the entry for the host's native ABI, plus its compat ABIs.
    for (const [i, m] of (p['archMap'] as unknown[]).entries()) {
      if (!isObject(m) || typeof m['architecture'] !== 'string') throw invalidArgument(`seccomp profile: archMap[${i}] needs an architecture`);
      const sub = m['subArchitectures'] ?? [];
      if (!isStringArray(sub)) throw invalidArgument(`seccomp profile: archMap[${i}].subArchitectures must be a list of strings`);
      if (m['architecture'] === arch.seccomp) out.architectures = [m['architecture'], ...sub];
    }
  }
  for (const key of ['flags'] as const) {
    if (p[key] !== undefined && p[key] !== null) {
      if (!isStringArray(p[key])) throw invalidArgument(`seccomp profile: ${key} must be a list of strings`);
      out.flags = [...p[key]];
    }
  }
  for (const key of ['listenerPath', 'listenerMetadata'] as const) {
    const v = p[key];
    if (v !== undefined && v !== null && v !== '') {
      if (typeof v !== 'string') throw invalidArgument(`seccomp profile: ${key} must be a string`);
      out[key] = v;
    }
  }

  const rules = p['syscalls'] ?? [];
  if (!Array.isArray(rules)) throw invalidArgument('seccomp profile: syscalls must be a list');
  const syscalls: LinuxSyscall[] = [];
  for (const [i, r] of rules.entries()) {
    const where = `syscalls[${i}]`;
    if (!isObject(r)) throw invalidArgument(`seccomp profile: ${where} must be an object`);
    const name = r['name'];
    const names = r['names'];
    if (name !== undefined && name !== '' && Array.isArray(names) && names.length > 0) {
      throw invalidArgument(`seccomp profile: ${where}: use either 'name' or 'names', not both`);
    }
    let list: string[];
    if (typeof name === 'string' && name !== '') list = [name];
    else if (isStringArray(names) && names.length > 0 && names.every((n) => n !== '')) list = [...names];
    else throw invalidArgument(`seccomp profile: ${where} names no syscall`);
    const act = r['action'];
    if (typeof act !== 'string' || !ACTIONS.has(act)) throw invalidArgument(`seccomp profile: ${where} has invalid action ${JSON.stringify(act ?? null)}`);
    const errnoRet = r['errnoRet'];
    if (errnoRet !== undefined && errnoRet !== null && !isUint(errnoRet)) throw invalidArgument(`seccomp profile: ${where}.errnoRet must be a non-negative integer`);
    const args = validateArgs(r['args'], where);
    const inc = validateFilter(r['includes'], `${where}.includes`);
    const exc = validateFilter(r['excludes'], `${where}.excludes`);
    if (!ruleApplies(inc, exc, caps, arch, ctx.kernelVersion)) continue;

    const sc: LinuxSyscall = { names: list, action: act as SeccompAction };
    if (isUint(errnoRet)) sc.errnoRet = errnoRet;
    if (args && args.length > 0) sc.args = args;
    syscalls.push(sc);
  }
  out.syscalls = syscalls;
  return out;
}
