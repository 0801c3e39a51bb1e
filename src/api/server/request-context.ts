import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex, Readable } from 'node:stream';
import { invalidArgument } from '../../core/errors.js';
import type { Engine } from '../../engine/engine.js';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** Present when the client asked to upgrade the connection (attach, exec start). */
  upgrade?: { socket: Duplex };
  params: Record<string, string>;
  query: URLSearchParams;
  /** Effective API version of this request. */
  version: string;
  engine: Engine;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
}

const MAX_JSON = 8 << 20;

export function sendJson(ctx: RequestContext, status: number, body: unknown): void {
  const data = Buffer.from(JSON.stringify(body));
  ctx.res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': data.length });
  ctx.res.end(data);
}

export function sendEmpty(ctx: RequestContext, status: number): void {
  ctx.res.writeHead(status);
  ctx.res.end();
}

/** The request body as a stream; for an upgraded connection, exactly Content-Length bytes of the socket. */
export function bodyStream(ctx: RequestContext): Readable {
  return ctx.req;
}

export async function readBody(ctx: RequestContext, limit = MAX_JSON): Promise<Buffer> {
  if (ctx.upgrade) return readUpgradeBody(ctx, limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw invalidArgument(`request body is larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** On an upgraded connection Node hands us the raw socket: take the body bytes off it ourselves. */
function readUpgradeBody(ctx: RequestContext, limit: number): Promise<Buffer> {
  const want = Number(ctx.req.headers['content-length'] ?? 0);
  if (!want) return Promise.resolve(Buffer.alloc(0));
  if (want > limit) throw invalidArgument(`request body is larger than ${limit} bytes`);
  const socket = ctx.upgrade!.socket;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const onData = (d: Buffer) => {
      chunks.push(d);
      got += d.length;
      if (got >= want) {
        socket.off('data', onData);
        socket.off('error', reject);
        socket.pause();
        const all = Buffer.concat(chunks);
        if (all.length > want) socket.unshift(all.subarray(want));
        resolve(all.subarray(0, want));
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

export async function readJson<T>(ctx: RequestContext): Promise<T | undefined> {
  const buf = await readBody(ctx);
  if (buf.length === 0) return undefined;
  try {
    return JSON.parse(buf.toString()) as T;
  } catch (e) {
    throw invalidArgument(`invalid JSON in request body: ${(e as Error).message}`);
  }
}

export function qbool(ctx: RequestContext, name: string, dflt = false): boolean {
  const v = ctx.query.get(name);
  if (v === null) return dflt;
  return v === '1' || v.toLowerCase() === 'true' || v.toLowerCase() === 'yes' || v === '';
}

export function qint(ctx: RequestContext, name: string): number | undefined {
  const v = ctx.query.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw invalidArgument(`invalid value for ${name}: ${v}`);
  return n;
}

/**
 * The `filters` parameter, in both historical forms: {"label":["a=b"]} and
 * {"label":{"a=b":true}}.
 */
export function qfilters(ctx: RequestContext): Record<string, string[]> {
  const raw = ctx.query.get('filters');
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalidArgument(`invalid filter: ${raw}`);
  }
  const out: Record<string, string[]> = {};
  if (typeof parsed !== 'object' || parsed === null) throw invalidArgument(`invalid filter: ${raw}`);
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (Array.isArray(v)) out[k] = v.map(String);
    else if (v && typeof v === 'object') out[k] = Object.entries(v as Record<string, unknown>).filter(([, on]) => on).map(([x]) => x);
    else throw invalidArgument(`invalid filter: ${raw}`);
  }
  return out;
}
