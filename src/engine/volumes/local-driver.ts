/**
 * The `local` volume driver's options (docker volume create -o type=… -o device=… -o o=…):
 * without options a volume is a plain directory; with them its `_data` directory is a mount
 * point, mounted while at least one container uses it — a tmpfs, a bind of a host directory,
 * or a device, exactly as mount(8) would with the same type, device and options.
 */
import { readFile } from 'node:fs/promises';
import { errnoCode, internal, invalidArgument } from '../../core/errors.js';
import { native, UmountFlags } from '../../sys/native.js';

const VALID_KEYS = new Set(['type', 'device', 'o', 'size']);

/** mount(2) flags by mount(8) option name; the value pairs are [set, clear]. */
const FLAGS: Record<string, [number, number]> = {
  ro: [1, 0],
  rw: [0, 1],
  nosuid: [2, 0],
  suid: [0, 2],
  nodev: [4, 0],
  dev: [0, 4],
  noexec: [8, 0],
  exec: [0, 8],
  sync: [16, 0],
  async: [0, 16],
  remount: [32, 0],
  mand: [64, 0],
  nomand: [0, 64],
  dirsync: [128, 0],
  noatime: [1024, 0],
  atime: [0, 1024],
  nodiratime: [2048, 0],
  diratime: [0, 2048],
  bind: [4096, 0],
  rbind: [4096 | 16384, 0],
  relatime: [1 << 21, 0],
  norelatime: [0, 1 << 21],
  strictatime: [1 << 24, 0],
  nostrictatime: [0, 1 << 24],
  defaults: [0, 0],
};

export function validateLocalOptions(opts: Record<string, string>): void {
  for (const k of Object.keys(opts)) if (!VALID_KEYS.has(k)) throw invalidArgument(`invalid option key: ${JSON.stringify(k)}`);
  const hasAny = Boolean(opts.type || opts.device || opts.o);
  if (hasAny && !opts.type) throw invalidArgument('missing required option: "type"');
  if (hasAny && !opts.device && opts.type !== 'tmpfs') throw invalidArgument('missing required option: "device"');
  if (opts.size && opts.type !== 'tmpfs') throw invalidArgument('size option is only supported with type=tmpfs');
}

export function needsMount(opts: Record<string, string> | null | undefined): boolean {
  return Boolean(opts?.type);
}

/** Split `o` into mount flags and the filesystem's own data string. */
export function mountArgs(opts: Record<string, string>): { source: string; fstype: string; flags: number; data: string } {
  let flags = 0;
  const data: string[] = [];
  for (const part of (opts.o ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const f = FLAGS[part];
    if (f) flags = (flags | f[0]) & ~f[1];
    else data.push(part);
  }
  if (opts.size) data.push(`size=${opts.size}`);
  const bind = (flags & 4096) !== 0;
  return { source: opts.device || opts.type!, fstype: bind ? '' : opts.type!, flags, data: data.join(',') };
}

export function mountVolume(target: string, opts: Record<string, string>): void {
  const a = mountArgs(opts);
  try {
    native().mount(a.source, target, a.fstype, a.flags, a.data);
  } catch (e) {
    throw internal(`error while mounting volume '${target}': failed to mount local volume: mount ${a.source}:${target}, flags: 0x${a.flags.toString(16)}, data: ${a.data}: ${(e as Error).message}`, e);
  }
}

export function unmountVolume(target: string): void {
  for (let i = 0; i < 8; i++) {
    try {
      native().umount2(target, UmountFlags.DETACH);
    } catch (e) {
      if (errnoCode(e) === 'EINVAL' || errnoCode(e) === 'ENOENT') return;
      throw e;
    }
  }
}

/** Mount points below `root` (to find volumes a crash left mounted). */
export async function mountPointsUnder(root: string): Promise<string[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  const prefix = root.endsWith('/') ? root : `${root}/`;
  return text
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .map((p) => p.replace(/\\(\d{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((p) => p.startsWith(prefix));
}
