import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { readFileSync } from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { DEFAULT_DOMAIN } from '../core/reference.js';

export interface RegistryHostsOptions {
  /** `--insecure-registry` entries: host[:port] or an IPv4 CIDR; these speak plain HTTP. */
  insecure?: string[];
  /** Per-registry CA certificates: `<certsDir>/<host[:port]>/ca.crt` (default /etc/berth/certs.d). */
  certsDir?: string;
}

export interface RegistryEndpoint {
  /** The name as it appears in references, e.g. docker.io or 127.0.0.1:5000. */
  domain: string;
  /** scheme://host[:port] the API is served from. */
  base: string;
  secure: boolean;
}

const SYSTEM_CA_FILES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt'];

/**
 * Where each registry lives and how to talk to it. Loopback registries and those named by
 * `--insecure-registry` use plain HTTP; every other registry uses TLS verified against the
 * system CAs plus `/etc/berth/certs.d/<host>/ca.crt`. A registry with a ca.crt there always
 * uses TLS, loopback or not (that is how a TLS registry on 127.0.0.1 is configured).
 */
export class RegistryHosts {
  private readonly insecure: string[];
  private readonly certsDir: string;
  private readonly agents = new Map<string, HttpAgent>();
  private systemCas?: string[];

  constructor(opts: RegistryHostsOptions = {}) {
    this.insecure = opts.insecure ?? [];
    this.certsDir = opts.certsDir ?? '/etc/berth/certs.d';
  }

  endpoint(domain: string): RegistryEndpoint {
    const host = domain === DEFAULT_DOMAIN ? 'registry-1.docker.io' : domain;
    const secure = this.customCa(domain) !== undefined || !this.isInsecure(domain);
    return { domain, base: `${secure ? 'https' : 'http'}://${host}`, secure };
  }

  /** True when `domain` speaks plain HTTP: loopback or listed with --insecure-registry. */
  isInsecure(domain: string): boolean {
    const host = hostOf(domain);
    if (host === 'localhost' || host.endsWith('.localhost') || host === '::1' || (isIPv4(host) && host.startsWith('127.'))) return true;
    for (const entry of this.insecure) {
      if (entry === domain || entry === host) return true;
      const cidr = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(entry);
      if (cidr && isIPv4(host) && inCidr(host, cidr[1]!, Number(cidr[2]))) return true;
    }
    return false;
  }

  private customCa(domain: string): string | undefined {
    try {
      return readFileSync(join(this.certsDir, domain, 'ca.crt'), 'utf8');
    } catch {
      return undefined;
    }
  }

  /** A keep-alive agent for one scheme://host[:port], with that host's trust roots. */
  agentFor(url: URL): HttpAgent {
    const key = `${url.protocol}//${url.host}`;
    let agent = this.agents.get(key);
    if (agent) return agent;
    if (url.protocol === 'https:') {
      const ca = [...this.system()];
      const extra = this.customCa(url.host);
      if (extra) ca.push(extra);
      agent = new HttpsAgent({ keepAlive: true, maxSockets: 16, ca });
    } else {
      agent = new HttpAgent({ keepAlive: true, maxSockets: 16 });
    }
    this.agents.set(key, agent);
    return agent;
  }

  private system(): string[] {
    if (!this.systemCas) {
      const fromFile = SYSTEM_CA_FILES.map((f) => {
        try {
          return readFileSync(f, 'utf8');
        } catch {
          return undefined;
        }
      }).filter((x): x is string => x !== undefined);
      this.systemCas = fromFile.length ? fromFile : [...rootCertificates];
    }
    return this.systemCas;
  }

  close(): void {
    for (const a of this.agents.values()) a.destroy();
    this.agents.clear();
  }
}

function hostOf(domain: string): string {
  if (domain.startsWith('[')) return domain.slice(1, domain.indexOf(']'));
  if (isIPv6(domain)) return domain;
  const i = domain.lastIndexOf(':');
  return i >= 0 ? domain.slice(0, i) : domain;
}

function inCidr(ip: string, net: string, bits: number): boolean {
  const n = (s: string) => s.split('.').reduce((acc, o) => (acc << 8) + Number(o), 0) >>> 0;
  if (bits <= 0) return true;
  const mask = bits >= 32 ? 0xffffffff : (~((1 << (32 - bits)) - 1)) >>> 0;
  return (n(ip) & mask) === (n(net) & mask);
}

/** The key Docker's config.json uses for a registry (Docker Hub keeps its historical URL). */
export function credentialKey(domain: string): string {
  return domain === DEFAULT_DOMAIN ? 'https://index.docker.io/v1/' : domain;
}
