import { createHash, type Hash } from 'node:crypto';
import { invalidArgument } from './errors.js';

/** A content digest in the OCI form `algorithm:hex`; only sha256 is produced. */
export type Digest = `sha256:${string}`;

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

export function isDigest(s: string): s is Digest {
  return DIGEST_RE.test(s);
}

/** Validate a digest string (https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests). */
export function parseDigest(s: string): Digest {
  if (!isDigest(s)) throw invalidArgument(`invalid digest "${s}": expected sha256 followed by 64 lower-case hex characters`);
  return s;
}

export function sha256(data: string | Uint8Array): Digest {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export function digestHex(d: Digest): string {
  return d.slice('sha256:'.length);
}

export class Digester {
  private readonly hash: Hash = createHash('sha256');
  size = 0;
  update(chunk: Uint8Array): void {
    this.hash.update(chunk);
    this.size += chunk.length;
  }
  digest(): Digest {
    return `sha256:${this.hash.digest('hex')}`;
  }
}

/**
 * Chain ID of a layer stack (image-spec config.md#layer-chainid):
 * ChainID(L0) = DiffID(L0); ChainID(L0..n) = sha256(ChainID(L0..n-1) + " " + DiffID(Ln)).
 */
export function chainIds(diffIds: readonly Digest[]): Digest[] {
  const out: Digest[] = [];
  for (const d of diffIds) {
    out.push(out.length === 0 ? d : sha256(`${out[out.length - 1]} ${d}`));
  }
  return out;
}
