import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';

export const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export interface LayerBlob {
  bytes: Buffer;
  digest: string;
  mediaType: string;
  diffId: string;
}

export interface BuiltImage {
  config: Buffer;
  configDigest: string;
  manifest: Buffer;
  manifestDigest: string;
  mediaType: string;
  layers: LayerBlob[];
}

export function layer(tar: Buffer, compression: 'gzip' | 'zstd' | 'none' = 'gzip', oci = true): LayerBlob {
  const bytes = compression === 'gzip' ? gzipSync(tar) : compression === 'zstd' ? spawnSync('zstd', ['-q', '-c'], { input: tar, maxBuffer: 1 << 30 }).stdout : tar;
  const mediaType = oci
    ? `application/vnd.oci.image.layer.v1.tar${compression === 'gzip' ? '+gzip' : compression === 'zstd' ? '+zstd' : ''}`
    : `application/vnd.docker.image.rootfs.diff.tar${compression === 'gzip' ? '.gzip' : ''}`;
  return { bytes, digest: sha(bytes), mediaType, diffId: sha(tar) };
}

/** An image (config + manifest) over the given layers, in OCI or Docker schema 2 media types. */
export function buildImage(layers: LayerBlob[], opts: { oci?: boolean; architecture?: string; variant?: string; cmd?: string[]; diffIds?: string[] } = {}): BuiltImage {
  const oci = opts.oci ?? true;
  const config = Buffer.from(JSON.stringify({
    architecture: opts.architecture ?? 'amd64',
    ...(opts.variant ? { variant: opts.variant } : {}),
    os: 'linux',
    created: '2024-01-01T00:00:00Z',
    config: { Cmd: opts.cmd ?? ['sh'], Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] },
    rootfs: { type: 'layers', diff_ids: opts.diffIds ?? layers.map((l) => l.diffId) },
    history: layers.map(() => ({ created: '2024-01-01T00:00:00Z', created_by: 'test layer' })),
  }));
  const mediaType = oci ? 'application/vnd.oci.image.manifest.v1+json' : 'application/vnd.docker.distribution.manifest.v2+json';
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType,
    config: { mediaType: oci ? 'application/vnd.oci.image.config.v1+json' : 'application/vnd.docker.container.image.v1+json', digest: sha(config), size: config.length },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.bytes.length })),
  }));
  return { config, configDigest: sha(config), manifest, manifestDigest: sha(manifest), mediaType, layers };
}

export function buildIndex(entries: { image: BuiltImage; architecture: string; variant?: string }[]): { bytes: Buffer; digest: string; mediaType: string } {
  const mediaType = 'application/vnd.oci.image.index.v1+json';
  const bytes = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType,
    manifests: entries.map((e) => ({
      mediaType: e.image.mediaType,
      digest: e.image.manifestDigest,
      size: e.image.manifest.length,
      platform: { os: 'linux', architecture: e.architecture, ...(e.variant ? { variant: e.variant } : {}) },
    })),
  }));
  return { bytes, digest: sha(bytes), mediaType };
}

function http(method: string, url: string, body?: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { ...headers, ...(body ? { 'Content-Length': String(body.length) } : {}) } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Upload straight to a (plain-HTTP, anonymous) registry: monolithic blob uploads, then the manifest. */
export async function uploadBlob(host: string, repo: string, bytes: Buffer): Promise<void> {
  const start = await http('POST', `http://${host}/v2/${repo}/blobs/uploads/`);
  if (start.status !== 202) throw new Error(`upload start: ${start.status} ${start.body}`);
  const loc = new URL(String(start.headers.location), `http://${host}`);
  loc.searchParams.set('digest', sha(bytes));
  const put = await http('PUT', loc.href, bytes, { 'Content-Type': 'application/octet-stream' });
  if (put.status !== 201) throw new Error(`upload put: ${put.status} ${put.body}`);
}

export async function putManifest(host: string, repo: string, ref: string, bytes: Buffer, mediaType: string): Promise<void> {
  const r = await http('PUT', `http://${host}/v2/${repo}/manifests/${ref}`, bytes, { 'Content-Type': mediaType });
  if (r.status !== 201) throw new Error(`manifest put: ${r.status} ${r.body}`);
}

export async function uploadImage(host: string, repo: string, tag: string, img: BuiltImage): Promise<void> {
  for (const l of img.layers) await uploadBlob(host, repo, l.bytes);
  await uploadBlob(host, repo, img.config);
  await putManifest(host, repo, tag, img.manifest, img.mediaType);
}

type Hook = (req: IncomingMessage, res: ServerResponse) => boolean | void;

/**
 * A registry that can lie, stall or cut connections: the behaviours a real registry never
 * shows on purpose. Serves manifests and blobs from memory; `hook` may take over a request.
 */
export class FakeRegistry {
  readonly manifests = new Map<string, { bytes: Buffer; mediaType: string }>();
  readonly blobs = new Map<string, Buffer>();
  readonly requests: { method: string; url: string; range?: string; authorization?: string }[] = [];
  hook?: Hook;
  private server?: Server;
  port = 0;

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  addImage(repo: string, tag: string, img: BuiltImage): void {
    for (const l of img.layers) this.blobs.set(l.digest, l.bytes);
    this.blobs.set(img.configDigest, img.config);
    this.manifests.set(`${repo}:${tag}`, { bytes: img.manifest, mediaType: img.mediaType });
    this.manifests.set(`${repo}:${img.manifestDigest}`, { bytes: img.manifest, mediaType: img.mediaType });
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.requests.push({ method: req.method ?? '', url: req.url ?? '', range: req.headers.range, authorization: req.headers.authorization });
    if (this.hook?.(req, res)) return;
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/v2/') return void res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(url.pathname);
    if (!m) return void res.writeHead(404).end();
    const [, repo, kind, ref] = m as unknown as [string, string, string, string];
    if (kind === 'manifests') {
      const man = this.manifests.get(`${repo}:${ref}`);
      if (!man) return void res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}');
      res.writeHead(200, { 'Content-Type': man.mediaType, 'Content-Length': man.bytes.length, 'Docker-Content-Digest': sha(man.bytes) });
      return void res.end(req.method === 'HEAD' ? undefined : man.bytes);
    }
    const blob = this.blobs.get(ref);
    if (!blob) return void res.writeHead(404).end('{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown"}]}');
    serveBlob(req, res, blob);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** Serve bytes honouring `Range: bytes=N-`. */
export function serveBlob(req: IncomingMessage, res: ServerResponse, blob: Buffer): void {
  const range = /^bytes=(\d+)-$/.exec(String(req.headers.range ?? ''));
  if (range) {
    const start = Number(range[1]);
    res.writeHead(206, { 'Content-Length': blob.length - start, 'Content-Range': `bytes ${start}-${blob.length - 1}/${blob.length}` });
    return void res.end(req.method === 'HEAD' ? undefined : blob.subarray(start));
  }
  res.writeHead(200, { 'Content-Length': blob.length, 'Content-Type': 'application/octet-stream' });
  res.end(req.method === 'HEAD' ? undefined : blob);
}

/**
 * A loopback proxy in front of a real registry that records requests and can answer some of
 * them with a transient error instead of forwarding them (to prove retries).
 */
export class FaultyProxy {
  readonly requests: { method: string; url: string; contentRange?: string; status: number }[] = [];
  /** Answer the next `times` (default 1) requests matching this with `status` instead of forwarding them. */
  fail?: { match: (method: string, url: string) => boolean; status: number; times?: number };
  private server?: Server;
  port = 0;

  constructor(private readonly target: string) {}

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const f = this.fail;
      if (f && f.match(req.method ?? '', req.url ?? '')) {
        f.times = (f.times ?? 1) - 1;
        if (f.times <= 0) this.fail = undefined;
        this.requests.push({ method: req.method ?? '', url: req.url ?? '', status: f.status });
        req.resume();
        res.writeHead(f.status, { 'Content-Type': 'application/json' }).end('{"errors":[{"code":"UNAVAILABLE","message":"try again"}]}');
        return;
      }
      const headers = { ...req.headers, host: this.target };
      const up = request(`http://${this.target}${req.url}`, { method: req.method, headers }, (ur) => {
        this.requests.push({ method: req.method ?? '', url: req.url ?? '', contentRange: req.headers['content-range'], status: ur.statusCode ?? 0 });
        const h = { ...ur.headers };
        // Upload locations point at the registry itself: keep the client talking to the proxy.
        if (h.location) h.location = String(h.location).replace(`//${this.target}`, `//${this.host}`);
        res.writeHead(ur.statusCode ?? 502, h);
        ur.pipe(res);
      });
      up.on('error', () => res.writeHead(502).end());
      req.pipe(up);
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

/** POST to a daemon's Engine API and collect its JSON message stream (status code and parsed lines). */
export function apiMessages(socket: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; lines: Record<string, unknown>[] }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, method: 'POST', path, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => {
        const text = Buffer.concat(parts).toString();
        const lines = res.statusCode === 200 ? text.split(/\r?\n/).filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>) : [JSON.parse(text) as Record<string, unknown>];
        resolve({ status: res.statusCode ?? 0, lines });
      });
    });
    req.on('error', reject);
    req.end();
  });
}
