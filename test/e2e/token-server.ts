import { createPrivateKey, createSign, randomBytes, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { run } from './harness.js';

/** A self-signed certificate and key made with openssl for `cn` (with IP/DNS subject alt names). */
export async function makeCert(dir: string, name: string, san = 'IP:127.0.0.1,DNS:localhost'): Promise<{ cert: string; key: string }> {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  const r = await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '2', '-subj', `/CN=${name}`, '-addext', `subjectAltName=${san}`, '-keyout', key, '-out', cert]);
  if (r.code !== 0) throw new Error(`openssl failed: ${r.stderr}`);
  return { cert, key };
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/**
 * A minimal token service for distribution's token auth
 * (https://distribution.github.io/distribution/spec/auth/token/): it checks basic credentials
 * and signs a JWT (RS256, the signing certificate in x5c) granting the requested scopes.
 * Anonymous callers get a token with no access, as Docker Hub's service does for private repos.
 */
export class TokenServer {
  private server?: Server;
  port = 0;
  readonly requests: { scope: string[]; user?: string }[] = [];
  readonly service = 'berth-test-registry';
  readonly issuer = 'berth-test-issuer';

  constructor(
    private readonly certPath: string,
    private readonly keyPath: string,
    private readonly users: Record<string, string>,
  ) {}

  get realm(): string {
    return `http://127.0.0.1:${this.port}/token`;
  }

  async start(): Promise<this> {
    const key = createPrivateKey(readFileSync(this.keyPath));
    const der = new X509Certificate(readFileSync(this.certPath)).raw.toString('base64');
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const scopes = url.searchParams.getAll('scope');
      const authz = req.headers.authorization ?? '';
      let user: string | undefined;
      if (authz.startsWith('Basic ')) {
        const [u, ...p] = Buffer.from(authz.slice(6), 'base64').toString().split(':');
        if (this.users[u!] !== p.join(':')) {
          res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"details":"incorrect username or password"}');
          return;
        }
        user = u;
      }
      this.requests.push({ scope: scopes, user });
      const access = user
        ? scopes.flatMap((s) => s.split(' ')).map((s) => {
            const [type, ...rest] = s.split(':');
            const actions = rest.pop()!.split(',');
            return { type, name: rest.join(':'), actions };
          })
        : [];
      const now = Math.floor(Date.now() / 1000);
      const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', x5c: [der] }));
      const claims = b64url(JSON.stringify({ iss: this.issuer, sub: user ?? '', aud: this.service, exp: now + 300, nbf: now - 10, iat: now, jti: randomBytes(8).toString('hex'), access }));
      const sig = createSign('RSA-SHA256').update(`${header}.${claims}`).sign(key).toString('base64url');
      const token = `${header}.${claims}.${sig}`;
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ token, access_token: token, expires_in: 300 }));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
