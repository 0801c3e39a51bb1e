import { request as httpRequest, type IncomingMessage, type IncomingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex, Readable } from 'node:stream';

/** An error the daemon answered with (its `{"message"}` body and HTTP status). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The daemon could not be reached at all. */
export class ConnectError extends Error {
  constructor(
    readonly socketPath: string,
    cause: Error,
  ) {
    super(`Cannot connect to the berth daemon at unix://${socketPath}. Is the berth daemon running?`, { cause });
    this.name = 'ConnectError';
  }
}

export type Query = Record<string, string | number | boolean | string[] | undefined | null>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** A stream (e.g. a tar) sent as the body. */
  stream?: Readable;
  /** Bytes sent as the body as they are (Content-Type from `headers`, default octet-stream). */
  rawBody?: Buffer;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
}

function queryString(q: Query | undefined): string {
  if (!q) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) for (const x of v) p.append(k, x);
    else if (typeof v === 'boolean') p.set(k, v ? '1' : '0');
    else p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** A Docker Engine API client over a unix socket; it speaks to berth and to dockerd alike. */
export class ApiClient {
  private recovering?: Promise<boolean>;

  /**
   * @param recover called once when the socket does not answer (e.g. to start a
   *   daemon); if it resolves true, the failed request is sent again.
   */
  constructor(
    readonly socketPath: string,
    private readonly recover?: () => Promise<boolean>,
  ) {}

  /** Send a request; the response body is left for the caller to consume. */
  async raw(method: string, path: string, opts: RequestOptions = {}): Promise<RawResponse> {
    // A streamed body cannot be sent twice: make sure someone answers first.
    if (opts.stream && this.recover) (await this.raw('GET', '/_ping')).body.resume();
    try {
      return await this.send(method, path, opts);
    } catch (e) {
      if (!(e instanceof ConnectError) || !this.recover || opts.stream) throw e;
      this.recovering ??= this.recover();
      if (!(await this.recovering)) throw e;
      return this.send(method, path, opts);
    }
  }

  /**
   * One connection per request, made here rather than by http's global agent: the agent's
   * TLS server-name check runs a large IPv6 regex, a few ms of every cold CLI start.
   */
  private connection(): { socketPath: string; createConnection: () => Socket } {
    return { socketPath: this.socketPath, createConnection: () => connect(this.socketPath) };
  }

  private send(method: string, path: string, opts: RequestOptions): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      let payload: Buffer | undefined;
      if (opts.rawBody) {
        payload = opts.rawBody;
        headers['Content-Type'] ??= 'application/octet-stream';
        headers['Content-Length'] = String(payload.length);
      } else if (opts.body !== undefined) {
        payload = Buffer.from(JSON.stringify(opts.body));
        headers['Content-Type'] = 'application/json';
        headers['Content-Length'] = String(payload.length);
      } else if (opts.stream) {
        headers['Content-Type'] ??= 'application/x-tar';
        headers['Transfer-Encoding'] = 'chunked';
      }
      const req = httpRequest({ ...this.connection(), method, path: path + queryString(opts.query), headers, signal: opts.signal });
      req.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT' || e.code === 'ECONNREFUSED' || e.code === 'EACCES') reject(new ConnectError(this.socketPath, e));
        else reject(e);
      });
      req.on('response', (res) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res }));
      if (payload) req.end(payload);
      else if (opts.stream) {
        opts.stream.on('error', (e) => req.destroy(e));
        opts.stream.pipe(req);
      } else req.end();
    });
  }

  /** Request and parse the JSON answer; a status ≥ 400 becomes an ApiError. */
  async json<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.raw(method, path, opts);
    const text = await readAll(res.body);
    if (res.status >= 400) throw new ApiError(res.status, errorText(text, res.status));
    return (text.length ? JSON.parse(text) : undefined) as T;
  }

  /** Request where only the status matters (204/304). */
  async call(method: string, path: string, opts: RequestOptions = {}): Promise<number> {
    const res = await this.raw(method, path, opts);
    const text = await readAll(res.body);
    if (res.status >= 400) throw new ApiError(res.status, errorText(text, res.status));
    return res.status;
  }

  /** A streaming response; rejects on an error status. */
  async stream(method: string, path: string, opts: RequestOptions = {}): Promise<RawResponse> {
    const res = await this.raw(method, path, opts);
    if (res.status >= 400) throw new ApiError(res.status, errorText(await readAll(res.body), res.status));
    return res;
  }

  /**
   * Hijack the connection (`Upgrade: tcp`) for attach and exec: resolves with the
   * raw socket after the daemon's 101 (or its raw-stream 200 fallback).
   */
  hijack(path: string, opts: { query?: Query; body?: unknown } = {}): Promise<{ socket: Duplex; head: Buffer; contentType: string }> {
    return new Promise<{ socket: Duplex; head: Buffer; contentType: string }>((resolve, reject) => {
      const payload = opts.body !== undefined ? Buffer.from(JSON.stringify(opts.body)) : undefined;
      const headers: Record<string, string> = { Connection: 'Upgrade', Upgrade: 'tcp' };
      if (payload) {
        headers['Content-Type'] = 'application/json';
        headers['Content-Length'] = String(payload.length);
      }
      const req = httpRequest({ ...this.connection(), method: 'POST', path: path + queryString(opts.query), headers });
      req.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT' || e.code === 'ECONNREFUSED') reject(new ConnectError(this.socketPath, e));
        else reject(e);
      });
      req.on('upgrade', (res, socket, head) => resolve({ socket, head, contentType: String(res.headers['content-type'] ?? '') }));
      req.on('response', async (res) => {
        const text = await readAll(res);
        reject(new ApiError(res.statusCode ?? 500, errorText(text, res.statusCode ?? 500)));
      });
      req.end(payload);
    });
  }
}

export async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

function errorText(text: string, status: number): string {
  try {
    const j = JSON.parse(text) as { message?: string };
    if (j.message) return j.message;
  } catch {
    /* not JSON */
  }
  return text.trim() || `request failed with status ${status}`;
}

/** Split a stdcopy-framed stream into (stream id, payload) chunks. */
export class StdcopyDemuxer {
  private buf: Buffer = Buffer.alloc(0);
  constructor(private readonly out: (stream: number, data: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    while (this.buf.length >= 8) {
      const size = this.buf.readUInt32BE(4);
      if (this.buf.length < 8 + size) break;
      this.out(this.buf[0]!, this.buf.subarray(8, 8 + size));
      this.buf = this.buf.subarray(8 + size);
    }
  }
}

/** Parse a JSON-lines message stream (pull, import, build). */
export async function* jsonMessages(stream: Readable): AsyncGenerator<Record<string, unknown>> {
  let rest = '';
  for await (const c of stream) {
    rest += (c as Buffer).toString();
    const lines = rest.split(/\r?\n/);
    rest = lines.pop()!;
    for (const l of lines) if (l.trim()) yield JSON.parse(l) as Record<string, unknown>;
  }
  if (rest.trim()) yield JSON.parse(rest) as Record<string, unknown>;
}
