import { mkdirSync, readFileSync, renameSync, writeFileSync, chmodSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_DOMAIN, parseReference } from '../core/reference.js';

/**
 * Registry credentials in Docker's config.json format ({"auths": {"<server>": {"auth": base64(user:pass)}}})
 * under $BERTH_CONFIG (default ~/.berth). The directory is 0700 and the file 0600: root only.
 */
export function configDir(): string {
  return process.env.BERTH_CONFIG || join(homedir(), '.berth');
}

export function configPath(): string {
  return join(configDir(), 'config.json');
}

interface ConfigFile {
  auths?: Record<string, { auth?: string; identitytoken?: string }>;
  [k: string]: unknown;
}

function readConfig(): ConfigFile {
  try {
    return JSON.parse(readFileSync(configPath(), 'utf8')) as ConfigFile;
  } catch {
    return {};
  }
}

function writeConfig(c: ConfigFile): void {
  const dir = configDir();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const tmp = join(dir, `.config.json.${process.pid}`);
  writeFileSync(tmp, `${JSON.stringify(c, null, '\t')}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, configPath());
}

/** The config.json key of a registry: Docker Hub keeps its historical URL. */
export function serverKey(server: string | undefined): string {
  let s = (server ?? '').trim().replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
  if (!s || s === DEFAULT_DOMAIN || s === 'index.docker.io' || s === 'registry-1.docker.io') return 'https://index.docker.io/v1/';
  return s.toLowerCase();
}

export function saveCredentials(server: string, username: string, password: string): void {
  const c = readConfig();
  c.auths ??= {};
  c.auths[serverKey(server)] = { auth: Buffer.from(`${username}:${password}`).toString('base64') };
  writeConfig(c);
}

export function removeCredentials(server: string): boolean {
  const c = readConfig();
  const key = serverKey(server);
  if (!c.auths?.[key]) return false;
  delete c.auths[key];
  writeConfig(c);
  return true;
}

/** The X-Registry-Auth header for the registry an image reference names, if we have credentials for it. */
export function registryAuthHeader(image: string): Record<string, string> {
  let domain = DEFAULT_DOMAIN;
  try {
    domain = parseReference(image).domain;
  } catch {
    return {};
  }
  const key = serverKey(domain);
  const entry = readConfig().auths?.[key];
  if (!entry?.auth) return {};
  const decoded = Buffer.from(entry.auth, 'base64').toString();
  const i = decoded.indexOf(':');
  const json = JSON.stringify({ username: decoded.slice(0, i), password: decoded.slice(i + 1), serveraddress: key });
  return { 'X-Registry-Auth': Buffer.from(json).toString('base64url') };
}
