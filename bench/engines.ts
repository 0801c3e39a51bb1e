/**
 * The two engines under test, each on its own socket and data root: a berth daemon and a
 * dockerd (Debian's docker.io) with its own exec root, pidfile, containerd and bridge device.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { join, resolve } from 'node:path';
import { pidsMatching } from './proc-stats.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BERTH_BIN = join(ROOT, 'bin/berth');
/** docker CLI 28 (the "docker CLI against each daemon" rows). */
export const DOCKER_CLI = existsSync('/usr/local/bin/docker') ? '/usr/local/bin/docker' : '/usr/bin/docker';
/** docker CLI 20.10: the only BuildKit client here (CLI 28 has no buildx plugin on this machine). */
export const DOCKER_CLI_BUILDKIT = '/usr/bin/docker';

/**
 * The environment the berth CLI runs in. This sandbox sets NODE_EXTRA_CA_CERTS, which makes
 * every node process parse the CA bundle at start-up (~60 ms here); a user's shell does not,
 * and the CLI talks to a unix socket, so it is left out (the report states the cost).
 */
export const CLI_ENV: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_EXTRA_CA_CERTS'));

export interface CmdResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

export function sh(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<CmdResult> {
  return new Promise((res, rej) => {
    const t0 = process.hrtime.bigint();
    const c = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    c.stdout.on('data', (d: Buffer) => (out += d));
    c.stderr.on('data', (d: Buffer) => (err += d));
    c.on('error', rej);
    c.on('close', (code) => res({ code: code ?? -1, stdout: out, stderr: err, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
  });
}

/** Like sh, but a failure is an error quoting the command's last line of output. */
export async function must(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<CmdResult> {
  const r = await sh(cmd, args, env);
  if (r.code !== 0) throw new Error(`${[cmd, ...args].join(' ')}: ${(r.stderr || r.stdout).trim().split('\n').pop()}`);
  return r;
}

function ping(socket: string): Promise<boolean> {
  return new Promise((res) => {
    const r = request({ socketPath: socket, path: '/_ping' }, (x) => {
      x.resume();
      res(x.statusCode === 200);
    });
    r.on('error', () => res(false));
    r.end();
  });
}

async function waitFor(proc: ChildProcess, socket: string, what: string): Promise<void> {
  const end = Date.now() + 60_000;
  while (Date.now() < end) {
    if (proc.exitCode !== null) throw new Error(`${what} exited with status ${proc.exitCode}`);
    if (await ping(socket)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
  if (proc.exitCode === null) proc.kill('SIGKILL');
}

export interface Engine {
  name: 'berth' | 'docker';
  socket: string;
  /** The engine's own CLI (berth's node CLI, or docker CLI 28 for dockerd). */
  cli: (args: string[]) => Promise<CmdResult>;
  /** docker CLI 28 pointed at this engine. */
  docker: (args: string[]) => Promise<CmdResult>;
  /** The builder the build rows use: berth's CLI, or BuildKit through docker CLI 20.10. */
  build: (args: string[]) => Promise<CmdResult>;
  /** PIDs whose RSS counts as "the daemon". */
  daemonPids: () => Promise<number[]>;
  /** PIDs of the per-container monitor of container `id`. */
  monitorPids: (id: string) => Promise<number[]>;
  stop: () => Promise<void>;
}

export async function startBerth(dir: string): Promise<Engine> {
  await mkdir(dir, { recursive: true });
  const socket = join(dir, 'berth.sock');
  const host = `unix://${socket}`;
  const proc = spawn(process.execPath, [BERTH_BIN, 'daemon', '--host', host, '--data-root', join(dir, 'data'), '--log-level', 'warn'], { stdio: 'ignore' });
  await waitFor(proc, socket, 'the berth daemon');
  const dockerEnv = { ...process.env, DOCKER_HOST: host, DOCKER_CONFIG: join(dir, 'docker-config') };
  const cli = (args: string[]) => sh(process.execPath, [BERTH_BIN, '-H', host, ...args], CLI_ENV);
  return {
    name: 'berth',
    socket,
    cli,
    docker: (args) => sh(DOCKER_CLI, args, dockerEnv),
    build: cli,
    daemonPids: async () => [proc.pid!],
    monitorPids: (id) => pidsMatching(['conmon'], id),
    stop: () => stopProcess(proc),
  };
}

/** A bridge of dockerd's own, so it neither touches docker0 nor the host's iptables. */
const DOCKER_BRIDGE = 'bbench0';
const DOCKER_BRIDGE_ADDR = '10.213.7.1/24';

export async function startDockerd(dir: string): Promise<Engine | undefined> {
  const dockerd = ['/usr/sbin/dockerd', '/usr/bin/dockerd'].find((p) => existsSync(p));
  if (!dockerd) return undefined;
  await mkdir(dir, { recursive: true });
  await sh('ip', ['link', 'del', DOCKER_BRIDGE]);
  await must('ip', ['link', 'add', DOCKER_BRIDGE, 'type', 'bridge']);
  await must('ip', ['addr', 'add', DOCKER_BRIDGE_ADDR, 'dev', DOCKER_BRIDGE]);
  await must('ip', ['link', 'set', DOCKER_BRIDGE, 'up']);
  const socket = join(dir, 'docker.sock');
  const exec = join(dir, 'exec');
  const args = [
    '--data-root', join(dir, 'data'), '--exec-root', exec, '--pidfile', join(dir, 'docker.pid'), '--host', `unix://${socket}`,
    '--bridge', DOCKER_BRIDGE, '--iptables=false', '--ip-masq=false',
  ];
  const proc = spawn(dockerd, args, { stdio: 'ignore' });
  await waitFor(proc, socket, 'dockerd');
  const env = { ...process.env, DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: join(dir, 'docker-config') };
  const docker = (a: string[]) => sh(DOCKER_CLI, a, env);
  const containerdPid = async () => Number(await readFile(join(exec, 'containerd', 'containerd.pid'), 'utf8').catch(() => '0'));
  return {
    name: 'docker',
    socket,
    cli: docker,
    docker,
    build: (a) => sh(DOCKER_CLI_BUILDKIT, a, { ...env, DOCKER_BUILDKIT: '1' }),
    // dockerd runs its own containerd; together they are "the daemon".
    daemonPids: async () => [proc.pid!, await containerdPid()].filter((p) => p > 0),
    monitorPids: (id) => pidsMatching(['containerd-shim', 'containerd-shim-runc-v2'], id),
    stop: async () => {
      const containerd = await containerdPid();
      await stopProcess(proc);
      if (containerd) {
        try {
          process.kill(containerd, 'SIGTERM');
        } catch {
          // dockerd already stopped it
        }
      }
      await sh('sh', ['-c', `grep -o "${dir}[^ ]*" /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l`]);
      await sh('ip', ['link', 'del', DOCKER_BRIDGE]);
      await rm(exec, { recursive: true, force: true });
    },
  };
}
