import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

/** Run a host tool (no shell), ignoring failures; the output is returned. */
async function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string }> {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return { code: r.status ?? 1, stdout: r.stdout ?? '' };
}

/** The tag berth names a data root's host resources after (bridges, iptables chains, exec root). */
export function daemonTag(dataRoot: string): string {
  return createHash('sha256').update(dataRoot).digest('hex').slice(0, 8);
}

/** Bridges of the daemon's networks, from its records (the default bridge included). */
export function bridgesOf(dataRoot: string): string[] {
  const dir = join(dataRoot, 'network', 'networks');
  const out = new Set<string>([`berth-${daemonTag(dataRoot).slice(0, 6)}`]);
  for (const f of (() => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  })()) {
    try {
      const n = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { bridge?: string };
      if (n.bridge) out.add(n.bridge);
    } catch {
      /* not a record */
    }
  }
  return [...out];
}

/** Everything of this daemon's the kernel still has: links named after it, and iptables rules. */
export async function hostLeftovers(dataRoot: string): Promise<string[]> {
  const tag = daemonTag(dataRoot);
  const links = (await run('ip', ['-o', 'link', 'show'])).stdout
    .split('\n')
    .map((l) => l.split(': ')[1]?.split('@')[0] ?? '')
    .filter((name) => bridgesOf(dataRoot).includes(name));
  const rules = (await run('iptables-save', [])).stdout.split('\n').filter((l) => l.includes(`BERTH-${tag}`));
  return [...links.map((l) => `link ${l}`), ...rules.map((r) => `rule ${r}`)];
}

/**
 * Remove whatever a test daemon left on the host (after a SIGKILL the daemon had no chance to):
 * its bridges, its iptables chains, namespace mounts and its exec root.
 */
export async function sweepHostNetwork(dataRoot: string): Promise<void> {
  const tag = daemonTag(dataRoot);
  for (const b of bridgesOf(dataRoot)) await run('ip', ['link', 'del', b]);
  const chain = `BERTH-${tag}`;
  const jumps: [string, string, string[]][] = [
    ['filter', 'FORWARD', ['-j', chain]],
    ['nat', 'PREROUTING', ['-m', 'addrtype', '--dst-type', 'LOCAL', '-j', chain]],
    ['nat', 'OUTPUT', ['-m', 'addrtype', '--dst-type', 'LOCAL', '-j', chain]],
    ['nat', 'POSTROUTING', ['-j', `${chain}-POST`]],
  ];
  for (const [table, from, rule] of jumps) {
    for (let i = 0; i < 8; i++) if ((await run('iptables', ['-w', '-t', table, '-D', from, ...rule])).code !== 0) break;
  }
  for (const [table, c] of [['filter', chain], ['nat', chain], ['nat', `${chain}-POST`]]) {
    await run('iptables', ['-w', '-t', table!, '-F', c!]);
    await run('iptables', ['-w', '-t', table!, '-X', c!]);
  }
  const execRoot = `/run/berth-${tag}`;
  await run('sh', ['-c', `grep -o "${execRoot}[^ ]*" /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l`]);
  rmSync(execRoot, { recursive: true, force: true });
}
