import { invalidArgument } from '../core/errors.js';
import { DEFAULT_DOMAIN } from '../core/reference.js';
import { RegistryAuth, unauthorized, type AuthConfig } from './registry-auth.js';
import { send } from './http-transport.js';
import type { RegistryHosts } from './registry-hosts.js';

/** `serveraddress` as clients send it (https://index.docker.io/v1/, http://host:5000, host:5000) → reference domain. */
export function registryDomain(serveraddress: string | undefined): string {
  let s = (serveraddress ?? '').trim();
  if (!s) return DEFAULT_DOMAIN;
  s = s.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
  if (!s || /\s/.test(s)) throw invalidArgument(`invalid registry address ${JSON.stringify(serveraddress)}`);
  if (s === 'index.docker.io' || s === 'registry-1.docker.io' || s === 'registry.hub.docker.com') return DEFAULT_DOMAIN;
  return s.toLowerCase();
}

/**
 * `POST /auth`: check credentials against a registry. Basic registries must accept them on
 * `GET /v2/`; token registries must hand out a token for them.
 */
export async function checkLogin(hosts: RegistryHosts, creds: AuthConfig, signal?: AbortSignal): Promise<void> {
  const domain = registryDomain(creds.serveraddress);
  const endpoint = hosts.endpoint(domain);
  const auth = new RegistryAuth(hosts, endpoint, creds);
  const challenge = await auth.ping(signal);
  if (!challenge) return;
  const url = new URL('/v2/', endpoint.base);
  const header = await auth.header(undefined, signal);
  const res = await send(hosts, { method: 'GET', url, headers: header ? { Authorization: header } : {}, signal });
  res.body.resume();
  if (res.status === 401 || res.status === 403) {
    throw unauthorized(`login attempt to ${url.href} failed with status: ${res.status} ${res.status === 401 ? 'Unauthorized' : 'Forbidden'}`);
  }
}
