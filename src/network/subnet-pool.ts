/**
 * Choosing a subnet for a network created without --subnet: the first of Docker's default
 * pools that overlaps neither another network of this daemon nor anything the host routes
 * (other daemons' bridges, the host's own LANs). Several daemons (other data roots) may choose
 * at the same moment, so the choice and the creation of the bridge that claims it happen
 * under a host-wide lock.
 */
import { open, readFile, rm } from 'node:fs/promises';
import { errnoCode, unavailable } from '../core/errors.js';
import { defaultPools, overlaps, type Subnet } from './ipv4.js';

const LOCK = '/run/berth-subnet.lock';

export function pickSubnet(taken: Subnet[], pools: Subnet[] = defaultPools()): Subnet | undefined {
  return pools.find((p) => !taken.some((t) => overlaps(p, t)));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errnoCode(e) === 'EPERM';
  }
}

/** Run `fn` holding the host-wide subnet lock (a lock file with the holder's pid; a dead holder's lock is broken). */
export async function withSubnetLock<T>(fn: () => Promise<T>, path = LOCK): Promise<T> {
  const deadline = Date.now() + 15_000;
  let emptySince = 0;
  for (;;) {
    try {
      const fh = await open(path, 'wx', 0o600);
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      break;
    } catch (e) {
      if (errnoCode(e) !== 'EEXIST') throw e;
      const holder = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (!holder || !alive(holder)) {
        // Written by a process that died holding it (or is still writing its pid: retry shortly).
        if (!holder) emptySince ||= Date.now();
        if (holder || Date.now() - emptySince > 2000) await rm(path, { force: true });
        else await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      if (Date.now() > deadline) throw unavailable(`timed out waiting for the subnet allocation lock ${path} (held by pid ${holder})`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(path, { force: true });
  }
}
