import { invalidArgument, notFound } from '../core/errors.js';
import type { Descriptor, Platform } from '../core/image-types.js';

const ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };

export function hostPlatform(): Platform {
  return { os: 'linux', architecture: ARCH[process.arch] ?? process.arch };
}

/** `--platform os/arch[/variant]` (containerd's platform specifier, os required). */
export function parsePlatform(s: string | undefined | null): Platform {
  if (!s) return hostPlatform();
  const parts = s.toLowerCase().split('/');
  if (parts.length < 1 || parts.length > 3 || parts.some((p) => !/^[a-z0-9._-]+$/.test(p))) throw invalidArgument(`invalid platform "${s}": expected os/arch[/variant]`);
  if (parts.length === 1) {
    if (parts[0] === 'linux') return hostPlatform();
    return { os: 'linux', architecture: normalizeArch(parts[0]!) };
  }
  const p: Platform = { os: parts[0]!, architecture: normalizeArch(parts[1]!) };
  if (parts[2]) p.variant = parts[2];
  return p;
}

function normalizeArch(a: string): string {
  return a === 'x86_64' || a === 'x86-64' ? 'amd64' : a === 'aarch64' ? 'arm64' : a;
}

export function formatPlatform(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
}

/** Pick the manifest for `want` from an index / manifest list (variant must match when asked for). */
export function selectManifest(manifests: Descriptor[], want: Platform): Descriptor {
  const candidates = manifests.filter((m) => m.platform && m.platform.os === want.os && m.platform.architecture === want.architecture);
  const exact = want.variant ? candidates.filter((m) => (m.platform!.variant ?? defaultVariant(want.architecture)) === want.variant) : candidates;
  // Without a requested variant, prefer the architecture's default variant (arm64 → v8).
  const pick = want.variant ? exact[0] : (candidates.find((m) => !m.platform!.variant || m.platform!.variant === defaultVariant(want.architecture)) ?? candidates[0]);
  if (!pick) throw notFound(`no matching manifest for ${formatPlatform(want)} in the manifest list entries`);
  return pick;
}

function defaultVariant(arch: string): string | undefined {
  return arch === 'arm64' ? 'v8' : arch === 'arm' ? 'v7' : undefined;
}
