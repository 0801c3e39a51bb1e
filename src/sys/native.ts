import { createRequire } from 'node:module';

/**
 * Typed bindings to native/berth_sys.c. Each call is a synchronous system call
 * that throws an Error with `code` set to the errno name, except syncfs (a promise).
 */
export interface NativeSys {
  chroot(path: string): void;
  mknod(path: string, mode: number, major: number, minor: number): void;
  lsetxattr(path: string, name: string, value: Buffer): void;
  lgetxattr(path: string, name: string): Buffer | null;
  llistxattr(path: string): string[];
  mount(source: string, target: string, fstype: string, flags: number, data: string): void;
  umount2(target: string, flags: number): void;
  unshare(flags: number): void;
  /** Flush the whole filesystem holding `path` (syncfs(2)), off the event loop; rejects like the others throw. */
  syncfs(path: string): Promise<void>;
  /** Connect a SOCK_SEQPACKET unix socket; onData gets each packet, null at EOF. */
  seqpacketConnect(path: string, onData: (packet: Buffer | null) => void, onDrain: () => void): unknown;
  /** Send one packet; false when it was queued because the socket is full. */
  seqpacketWrite(handle: unknown, packet: Buffer): boolean;
  seqpacketShutdown(handle: unknown): void;
  seqpacketClose(handle: unknown): void;
}

let loaded: NativeSys | undefined;

export function native(): NativeSys {
  if (!loaded) {
    const require = createRequire(import.meta.url);
    // dist/src/sys/native.js -> dist/native/berth_sys.node
    loaded = require('../../native/berth_sys.node') as NativeSys;
  }
  return loaded;
}

export const MountFlags = {
  RDONLY: 1,
  NOSUID: 2,
  NODEV: 4,
  NOEXEC: 8,
  REMOUNT: 32,
  BIND: 4096,
  REC: 16384,
  PRIVATE: 1 << 18,
  SLAVE: 1 << 19,
  SHARED: 1 << 20,
} as const;

export const UmountFlags = { FORCE: 1, DETACH: 2 } as const;

export const CloneFlags = { NEWNS: 0x00020000 } as const;
