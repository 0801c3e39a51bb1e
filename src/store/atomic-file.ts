import { open, rename, mkdir, readFile, unlink } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { randomBytes } from 'node:crypto';
import { errnoCode } from '../core/errors.js';

/**
 * Crash-safe replace of a small file: temp file in the same directory, fsync,
 * rename over the target, fsync the directory. A reader sees the old or the new
 * content, never a torn write.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, opts: { mode?: number; sync?: boolean } = {}): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.tmp-${basename(path)}-${randomBytes(6).toString('hex')}`);
  const fh = await open(tmp, 'w', opts.mode ?? 0o600);
  try {
    await fh.writeFile(data);
    if (opts.sync !== false) await fh.sync();
  } catch (e) {
    await fh.close();
    await unlink(tmp).catch(() => {});
    throw e;
  }
  await fh.close();
  await rename(tmp, path);
  if (opts.sync !== false) await fsyncDir(dir);
}

export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export async function writeJsonAtomic(path: string, value: unknown, opts: { sync?: boolean } = {}): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(value), opts);
}

/** Read a JSON file; undefined when it does not exist. */
export async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return undefined;
    throw e;
  }
}

/** True for the temp files writeFileAtomic leaves behind after a crash. */
export function isAtomicTemp(name: string): boolean {
  return name.startsWith('.tmp-');
}
