/**
 * Persistent network namespaces: a bind mount of the namespace on a file, as `ip netns add`
 * does, so CNI plugins can enter it before the container exists and it outlives the daemon.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { errnoCode } from '../core/errors.js';
import { native, UmountFlags } from '../sys/native.js';
import { which } from '../sys/which.js';
import { mustRun } from './host-command.js';

/** Create a namespace bound at `path` with its loopback interface up. */
export async function createNetns(path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await removeNetns(path);
  await writeFile(path, '', { mode: 0o600 });
  const ip = which('ip') ?? '/usr/sbin/ip';
  // unshare(1) creates the namespace, binds it on the file and runs `ip` inside it.
  await mustRun(which('unshare') ?? '/usr/bin/unshare', [`--net=${path}`, ip, 'link', 'set', 'lo', 'up']);
}

/** Unbind and delete; the kernel frees the namespace (and its veth ends) once nothing holds it. */
export async function removeNetns(path: string): Promise<void> {
  for (let i = 0; i < 4; i++) {
    try {
      native().umount2(path, UmountFlags.DETACH);
    } catch (e) {
      const code = errnoCode(e);
      if (code === 'EINVAL' || code === 'ENOENT') break;
      throw e;
    }
  }
  await rm(path, { force: true });
}
