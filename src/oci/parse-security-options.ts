import { invalidArgument } from '../core/errors.js';

/**
 * HostConfig.SecurityOpt as dockerd understands it (docker run reference, "--security-opt").
 * The docker CLI reads `seccomp=<file>` itself and sends `seccomp=<the JSON text>`.
 */
export type SeccompChoice = { kind: 'default' } | { kind: 'unconfined' } | { kind: 'custom'; profile: string };

export interface SecurityOptions {
  seccomp: SeccompChoice;
  noNewPrivileges: boolean;
  /** `systempaths=unconfined`: no masked or read-only /proc and /sys paths. */
  unmaskSystemPaths: boolean;
  /** `writable-cgroups=true`: mount /sys/fs/cgroup read-write without --privileged. */
  writableCgroups: boolean;
}

/** Go's strconv.ParseBool, which dockerd uses for boolean option values. */
function parseBool(text: string): boolean | undefined {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(text)) return false;
  return undefined;
}

export function parseSecurityOptions(opts: readonly string[] | null | undefined): SecurityOptions {
  const out: SecurityOptions = { seccomp: { kind: 'default' }, noNewPrivileges: false, unmaskSystemPaths: false, writableCgroups: false };
  for (const opt of opts ?? []) {
    if (opt === 'no-new-privileges') {
      out.noNewPrivileges = true;
      continue;
    }
    if (opt === 'disable') continue; // old spelling of label=disable; no SELinux here
    // dockerd splits on the first "=", falling back to the deprecated ":" separator.
    const sep = opt.includes('=') ? '=' : opt.includes(':') ? ':' : undefined;
    if (sep === undefined) throw invalidArgument(`invalid --security-opt: ${JSON.stringify(opt)}`);
    const at = opt.indexOf(sep);
    const key = opt.slice(0, at);
    const value = opt.slice(at + 1);
    switch (key) {
      case 'label':
      case 'apparmor':
        // Accepted for compatibility and ignored: this host has neither SELinux nor AppArmor.
        break;
      case 'seccomp':
        if (value === '') throw invalidArgument('invalid --security-opt: seccomp needs a profile or "unconfined"');
        out.seccomp = value === 'unconfined' ? { kind: 'unconfined' } : value === 'builtin' ? { kind: 'default' } : { kind: 'custom', profile: value };
        break;
      case 'no-new-privileges': {
        const b = parseBool(value);
        if (b === undefined) throw invalidArgument(`invalid --security-opt: ${JSON.stringify(opt)}`);
        out.noNewPrivileges = b;
        break;
      }
      case 'systempaths':
        if (value !== 'unconfined') throw invalidArgument(`invalid --security-opt: ${JSON.stringify(opt)} (only "systempaths=unconfined" is supported)`);
        out.unmaskSystemPaths = true;
        break;
      case 'writable-cgroups': {
        const b = parseBool(value);
        if (b === undefined) throw invalidArgument(`invalid --security-opt: ${JSON.stringify(opt)}`);
        out.writableCgroups = b;
        break;
      }
      default:
        throw invalidArgument(`invalid --security-opt: ${JSON.stringify(opt)}`);
    }
  }
  return out;
}
