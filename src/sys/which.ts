import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Resolve a program name on PATH (conmon needs an absolute runtime path). */
export function which(name: string): string | undefined {
  if (name.includes('/')) return name;
  const dirs = (process.env.PATH || '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin').split(delimiter);
  for (const d of dirs) {
    const p = join(d, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}
