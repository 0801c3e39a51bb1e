import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BERTH_BIN = join(ROOT, 'bin/berth');

export interface CmdResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

export function sh(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, input?: string): Promise<CmdResult> {
  return new Promise((res, rej) => {
    const t0 = process.hrtime.bigint();
    const c = spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    c.stdout.on('data', (d: Buffer) => (out += d));
    c.stderr.on('data', (d: Buffer) => (err += d));
    c.on('error', rej);
    c.on('close', (code) => res({ code: code ?? -1, stdout: out, stderr: err, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
    c.stdin.end(input);
  });
}

export function ping(socket: string): Promise<boolean> {
  return new Promise((res) => {
    const r = request({ socketPath: socket, path: '/_ping' }, (x) => {
      x.resume();
      res(x.statusCode === 200);
    });
    r.on('error', () => res(false));
    r.end();
  });
}

async function waitFor(pred: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** RSS in kB of a process and, optionally, its descendants matching a name. */
export function rssKb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

export function pidsByName(name: string): number[] {
  const out: number[] = [];
  for (const p of readdirSafe('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      if (readFileSync(`/proc/${p}/comm`, 'utf8').trim() === name) out.push(Number(p));
    } catch {
      /* gone */
    }
  }
  return out;
}

function readdirSafe(d: string): string[] {
  try {
    return readdirSync(d);
  } catch {
    return [];
  }
}

export interface Engine {
  name: 'berth' | 'docker';
  socket: string;
  /** The CLI invocation used for "engine X with its own CLI" workloads. */
  cli: (args: string[]) => Promise<CmdResult>;
  /** docker CLI 28 pointed at this engine. */
  docker: (args: string[]) => Promise<CmdResult>;
  /** PIDs whose RSS counts as "the daemon". */
  daemonPids: () => number[];
  /** Process name of the per-container monitor. */
  monitorName: string;
  stop: () => Promise<void>;
}

export const DOCKER_CLI = existsSync('/usr/local/bin/docker') ? '/usr/local/bin/docker' : '/usr/bin/docker';

export async function startBerth(dir: string): Promise<Engine> {
  mkdirSync(dir, { recursive: true });
  const socket = join(dir, 'berth.sock');
  const proc: ChildProcess = spawn(process.execPath, [BERTH_BIN, 'daemon', '--host', `unix://${socket}`, '--data-root', join(dir, 'data'), '--log-level', 'warn'], { stdio: 'ignore' });
  await waitFor(() => ping(socket), 20_000, 'the berth daemon');
  const env = { ...process.env, DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: join(dir, 'docker-config') };
  return {
    name: 'berth',
    socket,
    cli: (args) => sh(process.execPath, [BERTH_BIN, '-H', `unix://${socket}`, ...args]),
    docker: (args) => sh(DOCKER_CLI, args, env),
    daemonPids: () => [proc.pid!],
    monitorName: 'conmon',
    stop: async () => {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    },
  };
}

export async function startDockerd(dir: string, opts: { insecureRegistry?: string } = {}): Promise<Engine | undefined> {
  if (!existsSync('/usr/sbin/dockerd') && !existsSync('/usr/bin/dockerd')) return undefined;
  mkdirSync(dir, { recursive: true });
  const socket = join(dir, 'docker.sock');
  const args = [
    '--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'), '--pidfile', join(dir, 'docker.pid'),
    '--host', `unix://${socket}`, '--bridge', 'none', '--iptables=false', '--ip-masq=false',
    ...(opts.insecureRegistry ? ['--insecure-registry', opts.insecureRegistry] : []),
  ];
  const proc = spawn('dockerd', args, { stdio: 'ignore' });
  await waitFor(() => ping(socket), 60_000, 'dockerd');
  const env = { ...process.env, DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: join(dir, 'docker-config') };
  const docker = (a: string[]) => sh(DOCKER_CLI, a, env);
  return {
    name: 'docker',
    socket,
    cli: docker,
    docker,
    // dockerd starts and manages its own containerd.
    daemonPids: () => [proc.pid!, ...pidsByName('containerd').filter((p) => readFileSafe(`/proc/${p}/cmdline`).includes(dir))],
    monitorName: 'containerd-shim',
    stop: async () => {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
      rmSync(join(dir, 'exec'), { recursive: true, force: true });
    },
  };
}

function readFileSafe(p: string): string {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return '';
  }
}
