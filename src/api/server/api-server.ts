import { createServer, ServerResponse, type IncomingMessage, type Server } from 'node:http';
import { connect } from 'node:net';
import { chmod, mkdir, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Duplex } from 'node:stream';
import { EngineError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Engine } from '../../engine/engine.js';
import { API_VERSION, MIN_API_VERSION, compareVersions } from './api-version.js';
import { toHttpError } from './http-errors.js';
import type { RequestContext } from './request-context.js';
import { buildRoutes } from './routes/index.js';
import type { Router } from './router.js';

/** Serves the Docker Engine API over a unix socket. */
export class ApiServer {
  private readonly server: Server;
  private readonly router: Router;
  private socketPath?: string;
  /** Every connection, including hijacked ones the HTTP server no longer tracks. */
  private readonly sockets = new Set<Duplex>();

  constructor(
    private readonly engine: Engine,
    private readonly log: Logger,
  ) {
    this.router = buildRoutes();
    this.server = createServer({ requestTimeout: 0, headersTimeout: 60_000, keepAliveTimeout: 5_000 }, (req, res) => {
      void this.dispatch(req, res);
    });
    this.server.on('connection', (s: Duplex) => {
      this.sockets.add(s);
      s.once('close', () => this.sockets.delete(s));
    });
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (head.length) socket.unshift(head);
      const res = new ServerResponse(req);
      res.assignSocket(socket as never);
      void this.dispatch(req, res, { socket });
    });
  }

  /** Listen on a unix socket that is mode 0660 from the moment it exists. */
  async listen(path: string): Promise<void> {
    await mkdir(dirname(path), { recursive: true, mode: 0o711 });
    await removeStaleSocket(path);
    const old = process.umask(0o117);
    try {
      await new Promise<void>((resolve, reject) => {
        this.server.once('error', reject);
        this.server.listen(path, () => {
          this.server.off('error', reject);
          resolve();
        });
      });
    } finally {
      process.umask(old);
    }
    await chmod(path, 0o660);
    this.socketPath = path;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((r) => this.server.close(() => r()));
    for (const s of this.sockets) s.destroy();
    await closed;
    if (this.socketPath) await unlink(this.socketPath).catch(() => {});
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse, upgrade?: { socket: Duplex }): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://berth');
    let path = url.pathname;
    let version = API_VERSION;
    res.setHeader('Api-Version', API_VERSION);
    res.setHeader('Docker-Experimental', 'false');
    res.setHeader('Ostype', 'linux');
    res.setHeader('Server', `berth/${API_VERSION} (linux)`);
    const fail = (status: number, message: string) => {
      if (res.headersSent) return void res.destroy();
      const body = Buffer.from(JSON.stringify({ message }));
      res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': body.length });
      res.end(body);
    };
    const vm = /^\/v(\d+\.\d+)(\/.*)$/.exec(path);
    if (vm) {
      version = vm[1]!;
      path = vm[2]!;
      if (compareVersions(version, API_VERSION) > 0) {
        return fail(400, `client version ${version} is too new. Maximum supported API version is ${API_VERSION}`);
      }
      if (compareVersions(version, MIN_API_VERSION) < 0) {
        return fail(400, `client version ${version} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`);
      }
    }
    const match = this.router.match(req.method ?? 'GET', path);
    if (!match) return fail(404, 'page not found');
    if (match === 'method-not-allowed') return fail(405, `method ${req.method} not allowed for ${path}`);
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    // Keep-alive clients (dockerode, docker-py) send many requests over one socket: the listener
    // goes when the request is done, or they pile up on the socket.
    const socket = upgrade?.socket ?? req.socket;
    const onSocketClose = () => abort.abort();
    socket.on('close', onSocketClose);
    const ctx: RequestContext = { req, res, upgrade, params: match.params, query: url.searchParams, version, engine: this.engine, signal: abort.signal };
    try {
      await match.handler(ctx);
      if (!upgrade) socket.off('close', onSocketClose);
    } catch (e) {
      if (!upgrade) socket.off('close', onSocketClose);
      const { status, message } = toHttpError(e);
      if (status >= 500 && !(e instanceof EngineError)) this.log.error('request failed', { method: req.method, path, error: String((e as Error)?.stack ?? e) });
      else this.log.debug('request error', { method: req.method, path, status, message });
      fail(status, message);
    }
  }
}

async function removeStaleSocket(path: string): Promise<void> {
  const alive = await new Promise<boolean>((resolve) => {
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
  if (alive) throw new EngineError('AlreadyExists', `another daemon is already listening on ${path}`);
  await unlink(path).catch(() => {});
}
