import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ping, run, until, type RunResult } from './harness.js';

/** A real dockerd (Debian docker.io) on its own socket, data root and exec root; no networking. */
export class RealDockerd {
  proc?: ChildProcess;
  log = '';
  readonly dir = mkdtempSync(join(tmpdir(), 'berth-dockerd-'));
  get socket(): string {
    return join(this.dir, 'docker.sock');
  }

  static async start(args: string[] = []): Promise<RealDockerd> {
    const d = new RealDockerd();
    d.proc = spawn('dockerd', [
      '--data-root', join(d.dir, 'data'), '--exec-root', join(d.dir, 'exec'), '--pidfile', join(d.dir, 'docker.pid'),
      '--host', `unix://${d.socket}`, '--bridge', 'none', '--iptables=false', '--ip-masq=false', ...args,
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    d.proc.stdout!.on('data', (b: Buffer) => (d.log += b.toString()));
    d.proc.stderr!.on('data', (b: Buffer) => (d.log += b.toString()));
    const p = d.proc;
    await until(async () => {
      if (p.exitCode !== null) throw new Error(`dockerd exited: ${d.log.slice(-2000)}`);
      return ping(d.socket);
    }, 30_000, 'dockerd to answer');
    return d;
  }

  docker(args: string[], opts: { input?: string | Buffer; timeoutMs?: number } = {}): Promise<RunResult> {
    return run('/usr/bin/docker', ['-H', `unix://${this.socket}`, ...args], { ...opts, env: { ...process.env, DOCKER_CONFIG: join(this.dir, 'cli') } });
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (p && p.exitCode === null) {
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (p.exitCode === null) p.kill('SIGKILL');
    }
    // dockerd started its own containerd (its pid file is under the exec root).
    try {
      const pid = Number(readFileSync(join(this.dir, 'exec', 'containerd', 'containerd.pid'), 'utf8'));
      if (pid) process.kill(pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    await run('sh', ['-c', `grep -o "${this.dir}[^ ]*" /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l`]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
