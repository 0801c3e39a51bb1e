import { randomBytes } from 'node:crypto';

/** 64 hex characters, like Docker's container and exec IDs. */
export function newId(): string {
  return randomBytes(32).toString('hex');
}

export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}
