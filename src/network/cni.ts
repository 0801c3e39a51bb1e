/**
 * A CNI runtime in the sense of the spec (https://github.com/containernetworking/cni/blob/main/SPEC.md):
 * plugins are executables; the operation goes in CNI_* environment variables, the network
 * configuration as JSON on stdin, and the result (or a structured error) comes back on stdout.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { failedPrecondition, internal } from '../core/errors.js';
import { runCommand } from './host-command.js';

export const CNI_VERSION = '1.0.0';

/** Debian's containernetworking-plugins install here; /opt/cni/bin is the upstream default. */
const CNI_DIRS = ['/usr/lib/cni', '/opt/cni/bin', '/usr/libexec/cni'];

export interface CniInterface {
  name: string;
  mac?: string;
  sandbox?: string;
}

export interface CniIp {
  interface?: number;
  address: string;
  gateway?: string;
}

export interface CniResult {
  cniVersion: string;
  interfaces?: CniInterface[];
  ips?: CniIp[];
  routes?: { dst: string; gw?: string }[];
  dns?: Record<string, unknown>;
}

export interface CniInvocation {
  containerId: string;
  /** Path of the network namespace; may be empty for DEL when it is already gone. */
  netns: string;
  ifname: string;
}

export class CniRunner {
  readonly path: string;

  constructor(dirs: string[] = CNI_DIRS) {
    this.path = dirs.filter((d) => existsSync(d)).join(':');
  }

  private binary(type: string): string {
    for (const dir of this.path.split(':').filter(Boolean)) {
      const p = join(dir, type);
      if (existsSync(p)) return p;
    }
    throw failedPrecondition(`CNI plugin ${type} not found in ${CNI_DIRS.join(', ')} (apt install containernetworking-plugins)`);
  }

  add(conf: Record<string, unknown>, inv: CniInvocation): Promise<CniResult> {
    return this.exec('ADD', conf, inv) as Promise<CniResult>;
  }

  async del(conf: Record<string, unknown>, inv: CniInvocation): Promise<void> {
    await this.exec('DEL', conf, inv);
  }

  private async exec(command: 'ADD' | 'DEL', conf: Record<string, unknown>, inv: CniInvocation): Promise<unknown> {
    const type = String(conf.type);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
      CNI_COMMAND: command,
      CNI_CONTAINERID: inv.containerId,
      CNI_NETNS: inv.netns,
      CNI_IFNAME: inv.ifname,
      CNI_PATH: this.path,
    };
    const r = await runCommand(this.binary(type), [], { input: JSON.stringify({ cniVersion: CNI_VERSION, ...conf }), env });
    let out: Record<string, unknown> | undefined;
    try {
      out = r.stdout.trim() ? (JSON.parse(r.stdout) as Record<string, unknown>) : undefined;
    } catch {
      out = undefined;
    }
    if (r.code !== 0) {
      const msg = out && typeof out.msg === 'string' ? `${out.msg}${out.details ? `: ${String(out.details)}` : ''}` : r.stderr.trim() || r.stdout.trim();
      throw internal(`CNI ${type} ${command} failed: ${msg || `exit status ${r.code}`}`);
    }
    return out;
  }
}
