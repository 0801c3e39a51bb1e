/**
 * `berth cp`: docker's copy semantics over the archive API. The daemon resolves container
 * paths (safely, inside the container); this side decides where the copy lands, as docker's
 * CLI does, and uses GNU tar for the host's files (run as the invoking user, it never
 * restores ownership it was not asked to and refuses members that climb out of the target).
 */
import { spawn } from 'node:child_process';
import { lstatSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ApiError } from '../../../api/client/api-client.js';
import { StatusError, type CliEnv, type Command } from '../../command.js';

interface PathStat {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
}

const isDirMode = (mode: number) => mode >= 2 ** 31;
const isLinkMode = (mode: number) => Math.floor(mode / 2 ** 27) % 2 === 1;

/** `container:path` or a local path (absolute or starting with "." is always local). */
export function splitCpArg(arg: string): { container?: string; path: string } {
  if (arg.startsWith('/') || arg.startsWith('.') || arg === '-') return { path: arg };
  const i = arg.indexOf(':');
  if (i <= 0) return { path: arg };
  return { container: arg.slice(0, i), path: arg.slice(i + 1) };
}

function decodeStat(header: string | string[] | undefined): PathStat | undefined {
  if (typeof header !== 'string' || !header) return undefined;
  return JSON.parse(Buffer.from(header, 'base64').toString()) as PathStat;
}

/** Rename the archive's top entry `from` to `to` (GNU tar --transform, names and hardlink targets only). */
function transform(from: string, to: string): string[] {
  if (from === to || from === '.') return [];
  const esc = (s: string) => s.replace(/[\\.*[\]^$|]/g, (c) => `\\${c}`);
  const rep = (s: string) => s.replace(/[\\&|]/g, (c) => `\\${c}`);
  return [`--transform=s|^${esc(from)}\\(/\\|$\\)|${rep(to)}\\1|S`];
}

function runTar(args: string[], io: { stdin?: NodeJS.ReadableStream; stdout?: boolean }) {
  const child = spawn('tar', args, { stdio: [io.stdin ? 'pipe' : 'ignore', io.stdout ? 'pipe' : 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<void>((res, rej) => {
    child.on('error', rej);
    child.on('close', (code) => (code === 0 ? res() : rej(new StatusError(`Error: tar: ${err.trim() || `exit status ${code}`}`, 1))));
  });
  return { child, done };
}

function localStat(path: string, follow: boolean): Stats | undefined {
  try {
    return follow ? statSync(path) : lstatSync(path);
  } catch {
    return undefined;
  }
}

async function headStat(env: CliEnv, container: string, path: string): Promise<PathStat | undefined> {
  const res = await env.client.raw('HEAD', `/containers/${encodeURIComponent(container)}/archive`, { query: { path } });
  res.body.resume();
  if (res.status === 404) {
    // A HEAD answer has no body: a missing container is told apart from a missing path here.
    await env.client.json('GET', `/containers/${encodeURIComponent(container)}/json`);
    return undefined;
  }
  if (res.status >= 400) throw new ApiError(res.status, `stat ${path}: request failed with status ${res.status}`);
  return decodeStat(res.headers['x-docker-container-path-stat']);
}

async function fromContainer(env: CliEnv, container: string, srcPath: string, dst: string, follow: boolean): Promise<void> {
  let path = srcPath;
  let rename = '';
  if (follow) {
    const st = await headStat(env, container, srcPath);
    if (st && isLinkMode(st.mode)) {
      path = st.linkTarget.startsWith('/') ? st.linkTarget : `${dirname(srcPath)}/${st.linkTarget}`;
      rename = basename(srcPath);
    }
  }
  const res = await env.client.stream('GET', `/containers/${encodeURIComponent(container)}/archive`, { query: { path } });
  if (dst === '-') {
    await pipeline(res.body, env.stdout);
    return;
  }
  const st = decodeStat(res.headers['x-docker-container-path-stat']);
  const srcIsDir = st ? isDirMode(st.mode) : false;
  const top = basename(path) || '.';
  const wantName = rename || (path.endsWith('/.') ? '.' : top);
  const contentsOnly = path.endsWith('/.');
  const d = localStat(dst, true);
  let into: string;
  let as: string;
  if (d?.isDirectory()) {
    into = dst;
    as = wantName;
  } else if (d) {
    if (srcIsDir) throw new StatusError(`Error: cannot copy a directory to the file ${dst}`, 1);
    into = dirname(resolve(dst));
    as = basename(dst);
  } else {
    if (dst.endsWith('/') && !srcIsDir) throw new StatusError(`Error: no such directory: ${dst}`, 1);
    into = dirname(resolve(dst));
    if (!localStat(into, true)?.isDirectory()) throw new StatusError(`Error: no such directory: ${into}`, 1);
    as = basename(resolve(dst));
    if (contentsOnly) {
      // "dir/." into a new destination: the destination becomes the directory.
      const mk = runTar(['-x', '-f', '-', '-C', into, '--no-same-owner', `--transform=s|^\\.\\(/\\|$\\)|${as.replace(/[\\&|]/g, (c) => `\\${c}`)}\\1|S`], { stdin: res.body });
      await Promise.all([pipeline(res.body, mk.child.stdin!), mk.done]);
      return;
    }
  }
  const tar = runTar(['-x', '-f', '-', '-C', into, '--no-same-owner', ...transform(top, contentsOnly ? '.' : as)], { stdin: res.body });
  await Promise.all([pipeline(res.body, tar.child.stdin!), tar.done]);
}

async function toContainer(env: CliEnv, src: string, container: string, dstPath: string, opts: { follow: boolean; copyUIDGID: boolean }): Promise<void> {
  const query = (path: string) => ({ path, noOverwriteDirNonDir: true, copyUIDGID: opts.copyUIDGID ? true : undefined });
  const put = (path: string, stream: NodeJS.ReadableStream) =>
    env.client.call('PUT', `/containers/${encodeURIComponent(container)}/archive`, { query: query(path), stream: stream as never });
  let dst = dstPath;
  let dstStat = await headStat(env, container, dst);
  if (dstStat && isLinkMode(dstStat.mode)) {
    dst = dstStat.linkTarget.startsWith('/') ? dstStat.linkTarget : `${dirname(dstPath)}/${dstStat.linkTarget}`;
    dstStat = await headStat(env, container, dst);
  }
  if (src === '-') {
    if (!dstStat || !isDirMode(dstStat.mode)) throw new StatusError(`Error: destination "${container}:${dstPath}" must be a directory`, 1);
    await put(dst, env.stdin);
    return;
  }
  const s = localStat(src, opts.follow);
  if (!s) throw new StatusError(`Error: lstat ${resolve(src)}: no such file or directory`, 1);
  const contentsOnly = src.endsWith('/.') && s.isDirectory();
  const srcAbs = resolve(src);
  const srcBase = basename(srcAbs);
  let into: string;
  let as: string;
  if (dstStat && isDirMode(dstStat.mode)) {
    into = dst;
    as = srcBase;
  } else if (dstStat) {
    if (s.isDirectory()) throw new StatusError(`Error: cannot copy directory ${src} to the file ${container}:${dstPath}`, 1);
    into = dirname(dst.replace(/\/+$/, '')) || '/';
    as = basename(dst);
  } else {
    if (dst.endsWith('/') && !s.isDirectory()) throw new StatusError('Error: no such directory', 1);
    into = dirname(dst.replace(/\/+$/, '')) || '/';
    as = basename(dst.replace(/\/+$/, ''));
  }
  let args: string[];
  if (contentsOnly && dstStat && isDirMode(dstStat.mode)) args = ['-c', '-f', '-', '--numeric-owner', '-C', srcAbs, '.'];
  else if (contentsOnly) args = ['-c', '-f', '-', '--numeric-owner', '-C', srcAbs, `--transform=s|^\\.\\(/\\|$\\)|${as.replace(/[\\&|]/g, (c) => `\\${c}`)}\\1|S`, '.'];
  else args = ['-c', '-f', '-', '--numeric-owner', ...(opts.follow ? ['--dereference'] : []), '-C', dirname(srcAbs), ...transform(srcBase, as), srcBase];
  const tar = runTar(args, { stdout: true });
  await Promise.all([put(into, tar.child.stdout!), tar.done]);
}

const command: Command = {
  usage: '[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tberth cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH',
  description: 'Copy files/folders between a container and the local filesystem',
  flags: [
    { name: 'archive', short: 'a', type: 'bool', description: 'Archive mode (copy all uid/gid information)' },
    { name: 'follow-link', short: 'L', type: 'bool', description: 'Always follow symbol link in SRC_PATH' },
    { name: 'quiet', short: 'q', type: 'bool', description: 'Suppress progress output during copy' },
  ],
  minArgs: 2,
  maxArgs: 2,
  async run(env, p) {
    const src = splitCpArg(p.args[0]!);
    const dst = splitCpArg(p.args[1]!);
    if (src.container && dst.container) throw new StatusError('copying between containers is not supported', 1);
    if (!src.container && !dst.container) throw new StatusError('must specify at least one container source', 1);
    if (src.container) {
      if (!src.path) throw new StatusError('Error: source can not be empty', 1);
      await fromContainer(env, src.container, src.path, dst.path, Boolean(p.flags['follow-link']));
    } else {
      if (!dst.path) throw new StatusError('Error: destination can not be empty', 1);
      await toContainer(env, src.path, dst.container!, dst.path, { follow: Boolean(p.flags['follow-link']), copyUIDGID: Boolean(p.flags.archive) });
    }
    return 0;
  },
};

export default command;
