import { readFile } from 'node:fs/promises';
import { errnoCode, invalidArgument } from '../../core/errors.js';
import { secureJoin } from '../../sys/secure-join.js';

export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
  home: string;
}

async function readInRoot(root: string, path: string): Promise<string | undefined> {
  try {
    return await readFile(await secureJoin(root, path), 'utf8');
  } catch (e) {
    if (errnoCode(e) === 'ENOENT' || errnoCode(e) === 'ENOTDIR' || errnoCode(e) === 'EISDIR') return undefined;
    throw e;
  }
}

function rows(text: string | undefined): string[][] {
  return (text ?? '')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(':'));
}

/**
 * Resolve Docker's `--user` syntax (user, uid, user:group, uid:gid) against the
 * container's own /etc/passwd and /etc/group, read through the container root.
 */
export async function resolveUser(root: string, spec: string, groupAdd: string[] = []): Promise<ResolvedUser> {
  const [userPart = '', groupPart] = spec.split(':', 2);
  const passwd = rows(await readInRoot(root, '/etc/passwd'));
  const groups = rows(await readInRoot(root, '/etc/group'));
  const user = userPart || 'root';
  const isNum = /^\d+$/.test(user);
  const entry = passwd.find((r) => (isNum ? r[2] === user : r[0] === user));
  if (!entry && !isNum) throw invalidArgument(`unable to find user ${user}: no matching entries in passwd file`);
  const uid = isNum ? Number(user) : Number(entry![2]);
  let gid = entry ? Number(entry[3]) : 0;
  if (groupPart !== undefined && groupPart !== '') gid = findGroup(groups, groupPart);
  const name = entry?.[0];
  const additional = new Set<number>();
  if (groupPart === undefined && name) {
    for (const g of groups) if ((g[3] ?? '').split(',').includes(name)) additional.add(Number(g[2]));
  }
  for (const g of groupAdd) additional.add(findGroup(groups, g));
  additional.delete(gid);
  return { uid, gid, additionalGids: [...additional], home: entry?.[5] || '/' };
}

function findGroup(groups: string[][], g: string): number {
  if (/^\d+$/.test(g)) return Number(g);
  const row = groups.find((r) => r[0] === g);
  if (!row) throw invalidArgument(`unable to find group ${g}: no matching entries in group file`);
  return Number(row[2]);
}
