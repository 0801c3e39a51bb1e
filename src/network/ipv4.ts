/**
 * IPv4 addresses and subnets as numbers: parsing, validation, overlap and
 * the arithmetic IPAM and the subnet pool need. Pure functions.
 */
import { invalidArgument } from '../core/errors.js';

export interface Subnet {
  /** Network address (host bits zero) as an unsigned 32-bit number. */
  base: number;
  prefix: number;
}

const IPV4_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function isIPv4(s: string): boolean {
  const m = IPV4_RE.exec(s);
  return !!m && m.slice(1).every((o) => Number(o) <= 255 && (o === '0' || !o.startsWith('0')));
}

export function parseIPv4(s: string): number {
  if (!isIPv4(s)) throw invalidArgument(`invalid IP address: ${s}`);
  return s.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

export function formatIPv4(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** "10.1.0.0/16"; host bits set in the address are an error (Docker: "invalid subnet"). */
export function parseSubnet(s: string, { strict = true } = {}): Subnet {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(s.trim());
  if (!m || !isIPv4(m[1]!) || Number(m[2]) > 32) throw invalidArgument(`invalid CIDR address: ${s}`);
  const prefix = Number(m[2]);
  const addr = parseIPv4(m[1]!);
  const base = (addr & mask(prefix)) >>> 0;
  if (strict && base !== addr) throw invalidArgument(`invalid subnet ${s}: it should be ${formatSubnet({ base, prefix })}`);
  return { base, prefix };
}

export function formatSubnet(s: Subnet): string {
  return `${formatIPv4(s.base)}/${s.prefix}`;
}

export function size(s: Subnet): number {
  return 2 ** (32 - s.prefix);
}

export function contains(s: Subnet, ip: number): boolean {
  return ((ip & mask(s.prefix)) >>> 0) === s.base;
}

export function overlaps(a: Subnet, b: Subnet): boolean {
  const p = Math.min(a.prefix, b.prefix);
  return ((a.base & mask(p)) >>> 0) === ((b.base & mask(p)) >>> 0);
}

/** The n-th address of the subnet (1 = first host address). */
export function nth(s: Subnet, n: number): number {
  return (s.base + n) >>> 0;
}

export function broadcast(s: Subnet): number {
  return (s.base + size(s) - 1) >>> 0;
}

/** Docker's default address pools: 172.17-31.0.0/16, then 192.168.0.0/16 in /20s. */
export function defaultPools(): Subnet[] {
  const out: Subnet[] = [];
  for (let b = 17; b <= 31; b++) out.push({ base: parseIPv4(`172.${b}.0.0`), prefix: 16 });
  for (let c = 0; c < 256; c += 16) out.push({ base: parseIPv4(`192.168.${c}.0`), prefix: 20 });
  return out;
}
