import { invalidArgument } from '../core/errors.js';

/**
 * `--sysctl` validation. Only kernel parameters that belong to a namespace the container owns may
 * be set (docker run reference, "Configure namespaced kernel parameters (sysctls) at runtime"):
 * the IPC ones when the container has its own IPC namespace, net.* when it has its own network
 * namespace. Anything else would change the host.
 */
const IPC_SYSCTLS: ReadonlySet<string> = new Set([
  'kernel.msgmax',
  'kernel.msgmnb',
  'kernel.msgmni',
  'kernel.sem',
  'kernel.shmall',
  'kernel.shmmax',
  'kernel.shmmni',
  'kernel.shm_rmid_forced',
]);

export interface SysctlContext {
  hostIpc: boolean;
  hostNetwork: boolean;
  /** The container has a network namespace of its own (new or joined): Docker's defaults apply. */
  addNetworkDefaults: boolean;
}

/**
 * Docker (20.10+) sets these in every non-host network namespace: binding ports below 1024 needs
 * no CAP_NET_BIND_SERVICE, and ICMP echo ("ping") sockets work without CAP_NET_RAW. User values win.
 */
export const DEFAULT_NETWORK_SYSCTLS: Readonly<Record<string, string>> = Object.freeze({
  'net.ipv4.ip_unprivileged_port_start': '0',
  'net.ipv4.ping_group_range': '0 2147483647',
});

export function buildSysctls(user: Readonly<Record<string, string>> | null | undefined, ctx: SysctlContext): Record<string, string> | undefined {
  const out: Record<string, string> = ctx.addNetworkDefaults && !ctx.hostNetwork ? { ...DEFAULT_NETWORK_SYSCTLS } : {};
  for (const [key, value] of Object.entries(user ?? {})) {
    if (typeof value !== 'string') throw invalidArgument(`sysctl ${JSON.stringify(key)} needs a string value`);
    if (IPC_SYSCTLS.has(key) || key.startsWith('fs.mqueue.')) {
      if (ctx.hostIpc) throw invalidArgument(`sysctl ${JSON.stringify(key)} is not allowed in the host ipc namespace`);
    } else if (key.startsWith('net.')) {
      if (ctx.hostNetwork) throw invalidArgument(`sysctl ${JSON.stringify(key)} is not allowed in the host network namespace`);
    } else {
      throw invalidArgument(`sysctl ${JSON.stringify(key)} is not allowed: it is not a namespaced kernel parameter`);
    }
    out[key] = value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
