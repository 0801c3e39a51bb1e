import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { run, until } from './harness.js';

/** A free TCP port on 127.0.0.1 (bound, then released for the server about to use it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface RegistryOptions {
  /** user → password: basic auth through an htpasswd file made with htpasswd(1). */
  htpasswd?: Record<string, string>;
  /** Token auth: distribution verifies tokens signed by this cert (see token-server.ts). */
  token?: { realm: string; service: string; issuer: string; rootCertBundle: string };
  /** TLS with this cert and key. */
  tls?: { cert: string; key: string };
}

/** Debian's docker-registry (distribution 2.8) on 127.0.0.1 with a temp config and storage. */
export class LocalRegistry {
  proc?: ChildProcess;
  log = '';
  constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  static async start(opts: RegistryOptions = {}): Promise<LocalRegistry> {
    const dir = mkdtempSync(join(tmpdir(), 'berth-registry-'));
    const port = await freePort();
    const r = new LocalRegistry(dir, port);
    let auth = '';
    if (opts.htpasswd) {
      const file = join(dir, 'htpasswd');
      for (const [u, p] of Object.entries(opts.htpasswd)) {
        const res = await run('htpasswd', ['-Bbn', u, p]);
        if (res.code !== 0) throw new Error(`htpasswd failed: ${res.stderr}`);
        writeFileSync(file, res.stdout, { flag: 'a' });
      }
      auth = `auth:\n  htpasswd:\n    realm: berth-test\n    path: ${file}\n`;
    } else if (opts.token) {
      const t = opts.token;
      auth = `auth:\n  token:\n    realm: ${t.realm}\n    service: ${t.service}\n    issuer: ${t.issuer}\n    rootcertbundle: ${t.rootCertBundle}\n`;
    }
    const tls = opts.tls ? `  tls:\n    certificate: ${opts.tls.cert}\n    key: ${opts.tls.key}\n` : '';
    const config = `version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${join(dir, 'data')}
  delete:
    enabled: true
http:
  addr: 127.0.0.1:${port}
  secret: berth-test-secret
${tls}${auth}`;
    writeFileSync(join(dir, 'config.yml'), config);
    r.proc = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'pipe', 'pipe'] });
    r.proc.stdout!.on('data', (d: Buffer) => (r.log += d.toString()));
    r.proc.stderr!.on('data', (d: Buffer) => (r.log += d.toString()));
    const proc = r.proc;
    const scheme = opts.tls ? 'https' : 'http';
    await until(async () => {
      if (proc.exitCode !== null) throw new Error(`docker-registry exited: ${r.log}`);
      return (await probe(`${scheme}://127.0.0.1:${port}/v2/`)) > 0;
    }, 20_000, 'docker-registry to answer');
    return r;
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (p && p.exitCode === null) {
      const exited = new Promise((res) => p.once('exit', res));
      p.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** HTTP status of a GET (0 when nothing answers); TLS is not verified (a readiness probe). */
export function probe(url: string): Promise<number> {
  return new Promise((resolve) => {
    const fn = url.startsWith('https') ? httpsRequest : request;
    const req = fn(url, { rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}
