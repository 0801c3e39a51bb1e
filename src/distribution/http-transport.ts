import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { canceled, errnoCode, errorMessage, unavailable } from '../core/errors.js';
import type { RegistryHosts } from './registry-hosts.js';

export interface HttpRequest {
  method: string;
  url: URL;
  headers?: Record<string, string>;
  /** A buffer, or a factory for a fresh stream (so a redirect or retry can resend it). */
  body?: Buffer | (() => Readable);
  signal?: AbortSignal;
  /** Follow 3xx for GET/HEAD (blob storage often redirects). */
  followRedirects?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
  /** The URL that finally answered (after redirects). */
  url: URL;
}

const MAX_REDIRECTS = 5;

/**
 * One HTTP exchange with a registry. Redirects are followed by hand so credentials never
 * travel to another host: the Authorization header is dropped as soon as a redirect leaves
 * the origin it was meant for.
 */
export async function send(hosts: RegistryHosts, req: HttpRequest): Promise<HttpResponse> {
  let url = req.url;
  const headers = { ...(req.headers ?? {}) };
  const origin = url.host;
  for (let hop = 0; ; hop++) {
    const res = await once(hosts, { ...req, url, headers });
    const loc = res.headers.location;
    if (!req.followRedirects || ![301, 302, 303, 307, 308].includes(res.status) || !loc) return res;
    res.body.resume();
    if (hop >= MAX_REDIRECTS) throw unavailable(`too many redirects fetching ${req.url.pathname}`);
    url = new URL(loc, url);
    if (url.host !== origin || (url.protocol !== req.url.protocol && url.protocol !== 'https:')) delete headers.Authorization;
  }
}

function once(hosts: RegistryHosts, req: HttpRequest & { headers: Record<string, string> }): Promise<HttpResponse> {
  if (req.signal?.aborted) return Promise.reject(canceled('request canceled'));
  return new Promise((resolve, reject) => {
    const fn = req.url.protocol === 'https:' ? httpsRequest : httpRequest;
    const headers: Record<string, string> = { 'User-Agent': 'berth/0.1', ...req.headers };
    if (Buffer.isBuffer(req.body)) headers['Content-Length'] = String(req.body.length);
    else if (!req.body && !['GET', 'HEAD'].includes(req.method)) headers['Content-Length'] ??= '0';
    const r = fn(req.url, { method: req.method, headers, agent: hosts.agentFor(req.url), signal: req.signal });
    r.on('error', (e) => reject(transportError(req.url, e, req.signal)));
    r.on('response', (res: IncomingMessage) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res, url: req.url }));
    if (Buffer.isBuffer(req.body)) r.end(req.body);
    else if (req.body) {
      const s = req.body();
      s.on('error', (e) => r.destroy(e));
      s.pipe(r);
    } else r.end();
  });
}

export function transportError(url: URL, e: unknown, signal?: AbortSignal): Error {
  if (signal?.aborted) return canceled('request canceled', e);
  const code = errnoCode(e) ?? '';
  let why = errorMessage(e);
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code)) why = `x509: certificate signed by unknown authority or invalid (${code}: ${why})`;
  else if (code === 'EPROTO' || /wrong version number|packet length too long/.test(why)) why = `http: server gave HTTP response to HTTPS client (${why})`;
  return unavailable(`cannot reach registry ${url.host}: ${why}`, e);
}

/** Errors worth another try: the network, or a registry that is busy or restarting. */
export function isTransient(e: unknown): boolean {
  const code = errnoCode((e as { cause?: unknown })?.cause) ?? errnoCode(e) ?? '';
  return ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ECONNABORTED', 'UND_ERR_SOCKET'].includes(code) || (e as { transient?: boolean })?.transient === true;
}

/** Run `fn` up to `attempts` times with exponential backoff while its errors are transient. */
export async function withRetries<T>(fn: (attempt: number) => Promise<T>, opts: { attempts?: number; baseMs?: number; signal?: AbortSignal } = {}): Promise<T> {
  const attempts = opts.attempts ?? 4;
  for (let i = 0; ; i++) {
    try {
      return await fn(i);
    } catch (e) {
      if (i + 1 >= attempts || !isTransient(e) || opts.signal?.aborted) throw e;
      await new Promise((r) => setTimeout(r, (opts.baseMs ?? 200) * 2 ** i));
    }
  }
}

export async function readLimited(body: Readable, limit: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of body) {
    size += (c as Buffer).length;
    if (size > limit) {
      body.destroy();
      throw Object.assign(new Error(`${what} is larger than ${limit} bytes`), { tooLarge: true });
    }
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}
