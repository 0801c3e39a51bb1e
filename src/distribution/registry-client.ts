import type { Readable } from 'node:stream';
import { isDigest, sha256, type Digest } from '../core/digest.js';
import { EngineError, invalidArgument, notFound, unavailable } from '../core/errors.js';
import { MediaTypes } from '../core/image-types.js';
import { RegistryAuth, unauthorized, type AuthConfig } from './registry-auth.js';
import { readLimited, send, withRetries, type HttpResponse } from './http-transport.js';
import type { RegistryEndpoint, RegistryHosts } from './registry-hosts.js';

/** Manifests larger than this are refused (the distribution spec's suggested limit). */
export const MAX_MANIFEST_BYTES = 4 << 20;

export const MANIFEST_ACCEPT = [
  MediaTypes.ociIndex,
  MediaTypes.dockerManifestList,
  MediaTypes.ociManifest,
  MediaTypes.dockerManifest,
].join(', ');

export interface FetchedManifest {
  bytes: Buffer;
  mediaType: string;
  digest: Digest;
}

export interface OpenedBlob {
  stream: Readable;
  /** Where the stream starts: the requested offset if the registry honoured Range, else 0. */
  offset: number;
  /** Total size of the blob when the registry said. */
  total?: number;
}

interface RegistryErrorBody {
  errors?: { code?: string; message?: string; detail?: unknown }[];
}

/** A registry error's `errors[]` as Docker prints it: "manifest unknown: manifest unknown". */
async function registryErrorText(res: HttpResponse): Promise<string> {
  const buf = await readLimited(res.body, 64 << 10, 'error body').catch(() => Buffer.alloc(0));
  try {
    const j = JSON.parse(buf.toString()) as RegistryErrorBody;
    if (j.errors?.length) return j.errors.map((e) => `${(e.code ?? 'error').toLowerCase().replace(/_/g, ' ')}: ${e.message ?? ''}`).join('; ');
  } catch {
    /* not JSON */
  }
  return buf.toString().trim().slice(0, 200) || `status ${res.status}`;
}

function transient(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}

/**
 * The Docker Registry HTTP API v2 / OCI distribution spec for one repository
 * (https://github.com/opencontainers/distribution-spec/blob/main/spec.md).
 */
export class RegistryClient {
  readonly auth: RegistryAuth;

  constructor(
    private readonly hosts: RegistryHosts,
    readonly endpoint: RegistryEndpoint,
    /** Repository path, e.g. library/busybox. */
    readonly path: string,
    creds: AuthConfig | undefined,
    /** Scope actions this client needs: pull, or pull,push. */
    private readonly actions: 'pull' | 'pull,push' = 'pull',
    /** Extra repositories (for cross-repository mounts) to ask pull access for. */
    private readonly mountFrom: string[] = [],
  ) {
    this.auth = new RegistryAuth(hosts, endpoint, creds);
  }

  private get scope(): string {
    return [`repository:${this.path}:${this.actions}`, ...this.mountFrom.map((r) => `repository:${r}:pull`)].join(' ');
  }

  private url(rel: string): URL {
    return new URL(`/v2/${this.path}/${rel}`, this.endpoint.base);
  }

  /** A request with authorization; a 401 refreshes the token once; transient failures retry (idempotent methods). */
  private async request(
    method: string,
    url: URL,
    opts: { headers?: Record<string, string>; body?: Buffer | (() => Readable); signal?: AbortSignal; follow?: boolean; retry?: boolean } = {},
  ): Promise<HttpResponse> {
    const attempt = async (): Promise<HttpResponse> => {
      for (let authTry = 0; ; authTry++) {
        const authz = await this.auth.header(this.scope, opts.signal);
        const headers = { ...(opts.headers ?? {}), ...(authz ? { Authorization: authz } : {}) };
        const res = await send(this.hosts, { method, url, headers, body: opts.body, signal: opts.signal, followRedirects: opts.follow });
        if (res.status === 401 && authTry === 0) {
          res.body.resume();
          this.auth.invalidate(this.scope, res.headers['www-authenticate'] as string | undefined);
          continue;
        }
        if (transient(res.status) && opts.retry !== false) {
          res.body.resume();
          throw Object.assign(unavailable(`registry ${this.endpoint.domain} answered ${res.status} for ${method} ${url.pathname}`), { transient: true });
        }
        return res;
      }
    };
    return opts.retry === false ? attempt() : withRetries(attempt, { signal: opts.signal });
  }

  private async fail(res: HttpResponse, what: string): Promise<never> {
    const text = await registryErrorText(res);
    if (res.status === 401 || res.status === 403) throw unauthorized(`${what}: ${text}`);
    if (res.status === 404) throw notFound(`${what}: ${text}`);
    // 5xx/429 after the request's own retries: the caller may start over (a new upload session).
    throw Object.assign(new EngineError(res.status >= 500 || res.status === 429 ? 'Unavailable' : 'InvalidArgument', `${what}: ${text}`), { transient: transient(res.status) });
  }

  /** Fetch a manifest or index by tag or digest; refuses more than 4 MiB; verifies a digest reference. */
  async getManifest(ref: string, signal?: AbortSignal): Promise<FetchedManifest> {
    const res = await this.request('GET', this.url(`manifests/${ref}`), { headers: { Accept: MANIFEST_ACCEPT }, signal, follow: true });
    if (res.status === 404) {
      const text = await registryErrorText(res);
      throw notFound(`manifest for ${this.endpoint.domain}/${this.path}${ref.startsWith('sha256:') ? '@' : ':'}${ref} not found: ${text}`);
    }
    if (res.status === 401 || res.status === 403) {
      res.body.resume();
      throw unauthorized(`pull access denied for ${this.endpoint.domain}/${this.path}, repository does not exist or may require 'login': denied: requested access to the resource is denied`);
    }
    if (res.status !== 200) await this.fail(res, `fetching manifest ${ref}`);
    const declared = Number(res.headers['content-length'] ?? -1);
    if (declared > MAX_MANIFEST_BYTES) {
      res.body.destroy();
      throw invalidArgument(`manifest ${ref} is ${declared} bytes, more than the ${MAX_MANIFEST_BYTES}-byte limit`);
    }
    const bytes = await readLimited(res.body, MAX_MANIFEST_BYTES, `manifest ${ref}`).catch((e: unknown) => {
      if ((e as { tooLarge?: boolean }).tooLarge) throw invalidArgument(`manifest ${ref} is larger than the ${MAX_MANIFEST_BYTES}-byte limit`);
      throw e;
    });
    const digest = sha256(bytes);
    if (ref.startsWith('sha256:') && digest !== ref) throw invalidArgument(`manifest verification failed for digest ${ref}: the registry sent content with digest ${digest}`);
    // By tag there is nothing to check against but the registry's own claim, when it makes one.
    const claimed = String(res.headers['docker-content-digest'] ?? '');
    if (isDigest(claimed) && claimed !== digest) throw invalidArgument(`manifest verification failed for ${ref}: the registry says ${claimed} but sent content with digest ${digest}`);
    let mediaType = String(res.headers['content-type'] ?? '').split(';')[0]!.trim();
    try {
      const j = JSON.parse(bytes.toString()) as { mediaType?: string; manifests?: unknown; schemaVersion?: number };
      if (j.mediaType) mediaType = j.mediaType;
      else if (!mediaType || mediaType === 'application/json') mediaType = j.manifests ? MediaTypes.ociIndex : MediaTypes.ociManifest;
    } catch {
      throw invalidArgument(`manifest ${ref} from ${this.endpoint.domain} is not valid JSON`);
    }
    return { bytes, mediaType, digest };
  }

  /** GET a blob from `offset` (Range), following redirects (without credentials to other hosts). */
  async openBlob(digest: Digest, offset: number, signal?: AbortSignal): Promise<OpenedBlob> {
    const headers: Record<string, string> = offset > 0 ? { Range: `bytes=${offset}-` } : {};
    const res = await this.request('GET', this.url(`blobs/${digest}`), { headers, signal, follow: true });
    if (res.status === 200) {
      const len = Number(res.headers['content-length'] ?? NaN);
      return { stream: res.body, offset: 0, total: Number.isFinite(len) ? len : undefined };
    }
    if (res.status === 206) {
      const m = /bytes (\d+)-(\d+)\/(\d+|\*)/.exec(String(res.headers['content-range'] ?? ''));
      const start = m ? Number(m[1]) : offset;
      if (start !== offset) {
        res.body.destroy();
        throw unavailable(`registry answered a range request for ${digest} from ${start} instead of ${offset}`);
      }
      return { stream: res.body, offset, total: m && m[3] !== '*' ? Number(m[3]) : undefined };
    }
    if (res.status === 416 && offset > 0) {
      res.body.resume();
      return this.openBlob(digest, 0, signal);
    }
    return this.fail(res, `fetching blob ${digest}`);
  }

  /** HEAD a blob: its size when the registry has it. */
  async statBlob(digest: Digest, signal?: AbortSignal): Promise<number | undefined> {
    const res = await this.request('HEAD', this.url(`blobs/${digest}`), { signal, follow: true });
    res.body.resume();
    if (res.status === 200) return Number(res.headers['content-length'] ?? 0);
    if (res.status === 404) return undefined;
    if (res.status === 401) throw unauthorized('unauthorized: authentication required');
    if (res.status === 403) throw unauthorized('denied: requested access to the resource is denied');
    throw unavailable(`checking blob ${digest}: registry answered status ${res.status}`);
  }

  /**
   * Start an upload, asking to mount the blob from `from` (same registry) when given.
   * Returns 'mounted', or the upload URL to send the bytes to.
   */
  async startUpload(digest: Digest, from: string | undefined, signal?: AbortSignal): Promise<'mounted' | URL> {
    const url = this.url('blobs/uploads/');
    if (from) {
      url.searchParams.set('mount', digest);
      url.searchParams.set('from', from);
    }
    const res = await this.request('POST', url, { signal });
    if (res.status === 201 && from) return res.body.resume(), 'mounted';
    if (res.status === 202 && res.headers.location) return res.body.resume(), new URL(String(res.headers.location), this.endpoint.base);
    return this.fail(res, `starting the upload of ${digest}`);
  }

  /**
   * Send a blob in chunks (PATCH with Content-Range, then PUT ?digest=), reading each chunk
   * afresh from `open(start, end)` so nothing large is held in memory.
   */
  async uploadBlob(
    location: URL,
    digest: Digest,
    size: number,
    open: (start: number, endInclusive: number) => Readable,
    opts: { chunkSize?: number; signal?: AbortSignal; onProgress?: (sent: number) => void } = {},
  ): Promise<void> {
    const chunk = opts.chunkSize ?? 16 << 20;
    let loc = location;
    let sent = 0;
    while (sent < size) {
      const end = Math.min(size, sent + chunk) - 1;
      const start = sent;
      const res = await this.request('PATCH', loc, {
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `${start}-${end}`, 'Content-Length': String(end - start + 1) },
        body: () => open(start, end),
        signal: opts.signal,
        retry: false,
      });
      if (res.status !== 202) await this.fail(res, `uploading ${digest}`);
      res.body.resume();
      if (res.headers.location) loc = new URL(String(res.headers.location), loc);
      sent = end + 1;
      opts.onProgress?.(sent);
    }
    const put = new URL(loc);
    put.searchParams.set('digest', digest);
    const res = await this.request('PUT', put, { signal: opts.signal, retry: false });
    if (res.status !== 201) await this.fail(res, `completing the upload of ${digest}`);
    res.body.resume();
  }

  /** PUT a manifest under a tag (or digest); returns the digest the registry stored. */
  async putManifest(ref: string, mediaType: string, bytes: Buffer, signal?: AbortSignal): Promise<Digest> {
    const res = await this.request('PUT', this.url(`manifests/${ref}`), { headers: { 'Content-Type': mediaType }, body: bytes, signal });
    if (res.status !== 201 && res.status !== 200) await this.fail(res, `pushing manifest ${ref}`);
    res.body.resume();
    const d = String(res.headers['docker-content-digest'] ?? '');
    return isDigest(d) ? d : sha256(bytes);
  }
}
