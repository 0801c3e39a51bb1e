import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sweepHostNetwork } from './host-network.js';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const BERTH = join(ROOT, 'bin/berth');
export const BUSYBOX_TAR = join(ROOT, 'build/busybox.tar');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], opts: { input?: string | Buffer; env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? (sig ? 128 + 9 : -1), stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input);
  });
}

export function ping(socket: string): Promise<boolean> {
  return new Promise((res) => {
    const req = request({ socketPath: socket, path: '/_ping' }, (r) => {
      r.resume();
      res(r.statusCode === 200);
    });
    req.on('error', () => res(false));
    req.end();
  });
}

export async function until(pred: () => Promise<boolean> | boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A berth daemon on its own socket and data root, with the CLI pointed at it. */
export class TestDaemon {
  readonly dir: string;
  readonly socket: string;
  readonly dataRoot: string;
  proc?: ChildProcess;
  log = '';
  /** Extra daemon flags (e.g. --insecure-registry). */
  args: string[] = [];

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'berth-e2e-'));
    this.socket = join(this.dir, 'berth.sock');
    this.dataRoot = join(this.dir, 'data');
  }

  get host(): string {
    return `unix://${this.socket}`;
  }

  static async start(opts: { busybox?: boolean; args?: string[] } = {}): Promise<TestDaemon> {
    const d = new TestDaemon();
    d.args = opts.args ?? [];
    await d.startProcess();
    if (opts.busybox !== false) {
      const r = await d.berth(['import', BUSYBOX_TAR, 'busybox']);
      if (r.code !== 0) throw new Error(`importing busybox failed: ${r.stderr}`);
    }
    return d;
  }

  async startProcess(): Promise<void> {
    this.proc = spawn(process.execPath, [BERTH, 'daemon', '--host', this.host, '--data-root', this.dataRoot, '--log-level', 'debug', ...this.args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stdout!.on('data', (d: Buffer) => (this.log += d.toString()));
    this.proc.stderr!.on('data', (d: Buffer) => (this.log += d.toString()));
    const proc = this.proc;
    await until(async () => {
      if (proc.exitCode !== null) throw new Error(`daemon exited: ${this.log}`);
      return ping(this.socket);
    }, 20_000, 'the daemon to answer');
  }

  berth(args: string[], opts: { input?: string | Buffer; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
    // Registry credentials (berth login) stay in this daemon's temp dir.
    const env = opts.env ?? { ...process.env, BERTH_CONFIG: join(this.dir, 'berth-config') };
    return run(process.execPath, [BERTH, '-H', this.host, ...args], { ...opts, env });
  }

  /** The real docker CLI pointed at this daemon. */
  docker(args: string[], opts: { input?: string | Buffer; timeoutMs?: number; binary?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
    return run(opts.binary ?? dockerBinary(), args, { ...opts, env: { ...process.env, ...opts.env, DOCKER_HOST: this.host, DOCKER_CONFIG: join(this.dir, 'docker-config') } });
  }

  /** SIGKILL the daemon, as a crash would. */
  async kill(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
  }

  async stopDaemon(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await exited;
  }

  /** Stop everything this daemon started and remove its files. */
  async cleanup(): Promise<void> {
    if (this.proc && this.proc.exitCode === null) {
      const ids = (await this.berth(['ps', '-aq', '--no-trunc'])).stdout.split('\n').filter(Boolean);
      for (const id of ids) await this.berth(['rm', '-f', id]);
    }
    await this.stopDaemon();
    await run('sh', ['-c', `grep -o "${this.dataRoot}[^ ]*" /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l`]);
    await sweepHostNetwork(this.dataRoot);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function dockerBinary(): string {
  for (const p of ['/usr/local/bin/docker', '/usr/bin/docker']) if (existsSync(p)) return p;
  throw new Error('no docker CLI found: scripts/test.sh installs Debian docker.io');
}

/**
 * GET http://host:port/ and return the body. With `retryMs`, a refused or reset
 * connection is retried until then: a server started with `run -d` needs a moment to listen.
 */
export async function httpGet(host: string, port: number, retryMs = 0): Promise<string> {
  const deadline = Date.now() + retryMs;
  for (;;) {
    try {
      return await new Promise<string>((resolve, reject) => {
        const req = request({ host, port, path: '/', timeout: 3000 }, (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve(body));
        });
        req.on('error', reject);
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.end();
      });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (Date.now() >= deadline || (code !== 'ECONNREFUSED' && code !== 'ECONNRESET')) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
