import { EngineError, unavailable } from '../core/errors.js';
import { readLimited, send, withRetries } from './http-transport.js';
import type { RegistryEndpoint, RegistryHosts } from './registry-hosts.js';

/** Credentials as Docker passes them (X-Registry-Auth, POST /auth, config.json). */
export interface AuthConfig {
  username?: string;
  password?: string;
  serveraddress?: string;
  identitytoken?: string;
  registrytoken?: string;
}

export interface Challenge {
  scheme: 'basic' | 'bearer';
  params: Record<string, string>;
}

/** Parse `WWW-Authenticate: Bearer realm="...",service="...",scope="..."` (RFC 7235). */
export function parseChallenge(header: string | undefined): Challenge | undefined {
  if (!header) return undefined;
  const m = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!m) return undefined;
  const scheme = m[1]!.toLowerCase();
  if (scheme !== 'basic' && scheme !== 'bearer') return undefined;
  const params: Record<string, string> = {};
  const re = /([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;
  let p: RegExpExecArray | null;
  while ((p = re.exec(m[2]!))) params[p[1]!.toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3]!;
  return { scheme, params };
}

export const unauthorized = (message: string) => new EngineError('Unauthorized', message);

/**
 * Authorization for one registry and one set of credentials: anonymous, basic, or the bearer
 * token flow of the distribution spec (https://distribution.github.io/distribution/spec/auth/token/).
 * The registry's challenge is learnt from `GET /v2/`; tokens are cached per scope.
 */
export class RegistryAuth {
  private challenge: Challenge | null | undefined;
  private readonly tokens = new Map<string, { value: string; expires: number }>();

  constructor(
    private readonly hosts: RegistryHosts,
    readonly endpoint: RegistryEndpoint,
    private readonly creds: AuthConfig | undefined,
  ) {}

  private get hasCreds(): boolean {
    return Boolean(this.creds?.username || this.creds?.identitytoken || this.creds?.registrytoken);
  }

  /** `GET /v2/`: the API version check, which also tells how the registry wants us to authenticate. */
  async ping(signal?: AbortSignal): Promise<Challenge | null> {
    if (this.challenge !== undefined) return this.challenge;
    const url = new URL('/v2/', this.endpoint.base);
    const res = await withRetries(() => send(this.hosts, { method: 'GET', url, signal }), { signal });
    res.body.resume();
    if (res.status === 401) {
      const c = parseChallenge(String(res.headers['www-authenticate'] ?? ''));
      if (!c) throw unavailable(`registry ${this.endpoint.domain} asked for authentication without a usable challenge`);
      this.challenge = c;
    } else if (res.status >= 200 && res.status < 300) {
      this.challenge = null;
    } else if (res.status === 404) {
      throw unavailable(`${this.endpoint.base} does not serve the registry API v2 (GET /v2/ answered 404)`);
    } else {
      throw unavailable(`registry ${this.endpoint.domain} answered GET /v2/ with status ${res.status}`);
    }
    return this.challenge;
  }

  /** The Authorization header for requests needing `scope` (e.g. repository:library/busybox:pull). */
  async header(scope: string | undefined, signal?: AbortSignal): Promise<string | undefined> {
    const c = await this.ping(signal);
    if (!c) return undefined;
    if (this.creds?.registrytoken) return `Bearer ${this.creds.registrytoken}`;
    if (c.scheme === 'basic') {
      if (!this.creds?.username) return undefined;
      return `Basic ${Buffer.from(`${this.creds.username}:${this.creds.password ?? ''}`).toString('base64')}`;
    }
    const key = scope ?? '';
    const cached = this.tokens.get(key);
    if (cached && cached.expires > Date.now()) return `Bearer ${cached.value}`;
    const token = await this.fetchToken(c, scope, signal);
    this.tokens.set(key, token);
    return `Bearer ${token.value}`;
  }

  /** After a 401: forget the token for `scope` (it expired or lacked access) and adopt a new challenge. */
  invalidate(scope: string | undefined, wwwAuthenticate: string | undefined): void {
    this.tokens.delete(scope ?? '');
    const c = parseChallenge(wwwAuthenticate);
    if (c) this.challenge = c;
  }

  private async fetchToken(c: Challenge, scope: string | undefined, signal?: AbortSignal): Promise<{ value: string; expires: number }> {
    const realm = c.params.realm;
    if (!realm) throw unavailable(`registry ${this.endpoint.domain} sent a bearer challenge without a realm`);
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw unavailable(`registry ${this.endpoint.domain} sent an invalid token realm ${JSON.stringify(realm)}`);
    }
    if (c.params.service) url.searchParams.set('service', c.params.service);
    for (const s of (scope ?? c.params.scope ?? '').split(' ').filter(Boolean)) url.searchParams.append('scope', s);
    const headers: Record<string, string> = {};
    // The token service is the one place besides the registry itself that is meant to see the
    // credentials: that is what the challenge's realm names.
    if (this.creds?.username) {
      headers.Authorization = `Basic ${Buffer.from(`${this.creds.username}:${this.creds.password ?? ''}`).toString('base64')}`;
      url.searchParams.set('account', this.creds.username);
    }
    const res = await withRetries(() => send(this.hosts, { method: 'GET', url, headers, signal }), { signal });
    const body = await readLimited(res.body, 1 << 20, 'token response');
    if (res.status === 401 || res.status === 403) {
      throw unauthorized(`unauthorized: ${this.hasCreds ? 'incorrect username or password' : 'authentication required'} (token service ${url.host} answered ${res.status})`);
    }
    if (res.status !== 200) throw unavailable(`token service ${url.host} answered status ${res.status}`);
    let j: { token?: string; access_token?: string; expires_in?: number };
    try {
      j = JSON.parse(body.toString()) as typeof j;
    } catch {
      throw unavailable(`token service ${url.host} sent a response that is not JSON`);
    }
    const value = j.token ?? j.access_token;
    if (!value) throw unavailable(`token service ${url.host} sent no token`);
    // Renew a little early; tokens default to 60 s (spec).
    const ttl = Math.max(10, (j.expires_in ?? 60) - 5);
    return { value, expires: Date.now() + ttl * 1000 };
  }
}
