/**
 * Where COPY and ADD read from: the build context (a directory, with .dockerignore applied) or
 * another stage's or image's root filesystem (`--from`). Sources are resolved as Docker does,
 * relative to the tree root, following symlinks on the way — but a context source that would
 * leave the context (`../x`, or a symlink pointing outside) is refused.
 */
import type { BigIntStats } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join, posix } from 'node:path';
import { errnoCode, invalidArgument, notFound } from '../../core/errors.js';
import type { IgnoreMatcher } from '../../core/dockerignore.js';
import type { FileHashCache } from './file-hash-cache.js';

export interface SourceEntry {
  /** Path relative to the tree root ('' for the root). */
  rel: string;
  host: string;
  st: BigIntStats;
}

const MAX_LINKS = 255;
const GLOB = /[*?[]/;

export interface SourceTreeOptions {
  ignore?: IgnoreMatcher;
  /** Refuse paths and symlinks that lead outside the root (the build context); otherwise clamp. */
  strict: boolean;
  hashes: FileHashCache;
  /** What the tree is called in errors ("build context", "stage builder"). */
  label: string;
  /** Names the walk never returns (the Dockerfile the CLI added under a random name). */
  hidden?: Set<string>;
}

export class SourceTree {
  constructor(
    readonly root: string,
    private readonly o: SourceTreeOptions,
  ) {}

  private ignored(rel: string): boolean {
    if (rel === '') return false;
    if (this.o.hidden?.has(rel)) return true;
    return this.o.ignore?.ignores(rel) ?? false;
  }

  private outside(src: string, detail = ''): Error {
    return invalidArgument(`forbidden path outside the build context: ${src} (${detail})`);
  }

  private missing(src: string): Error {
    return this.o.strict
      ? notFound(`file not found in build context or excluded by .dockerignore: stat ${src}: file does not exist`)
      : notFound(`stat ${src}: file does not exist`);
  }

  /** Lexically clean a source path relative to the root; `..` above the root is refused or clamped. */
  private clean(src: string): string {
    const parts: string[] = [];
    for (const p of src.split('/')) {
      if (p === '' || p === '.') continue;
      if (p === '..') {
        if (parts.length === 0) {
          if (this.o.strict) throw this.outside(src);
          continue;
        }
        parts.pop();
        continue;
      }
      parts.push(p);
    }
    return parts.join('/');
  }

  /** Follow symlinks in `rel` inside the root. */
  private async resolve(src: string, rel: string): Promise<string> {
    let pending = rel.split('/').filter(Boolean);
    const done: string[] = [];
    let links = 0;
    while (pending.length > 0) {
      const part = pending.shift()!;
      if (part === '.') continue;
      if (part === '..') {
        if (done.length === 0 && this.o.strict) throw this.outside(src, rel);
        done.pop();
        continue;
      }
      const host = join(this.root, ...done, part);
      let st: BigIntStats;
      try {
        st = await lstat(host, { bigint: true });
      } catch (e) {
        if (errnoCode(e) === 'ENOENT' || errnoCode(e) === 'ENOTDIR') throw this.missing(src);
        throw e;
      }
      if (!st.isSymbolicLink()) {
        done.push(part);
        continue;
      }
      if (++links > MAX_LINKS) throw invalidArgument(`too many levels of symbolic links resolving ${src}`);
      const target = await readlink(host);
      if (target.startsWith('/')) {
        if (this.o.strict) throw this.outside(src, `${[...done, part].join('/')} -> ${target}`);
        done.length = 0;
      } else if (this.o.strict) {
        const depth = posix.normalize(posix.join(...done, target));
        if (depth === '..' || depth.startsWith('../')) throw this.outside(src, `${[...done, part].join('/')} -> ${target}`);
      }
      pending = [...target.split('/').filter(Boolean), ...pending];
    }
    return done.join('/');
  }

  /** The entries a COPY source names: one path, or every match of a wildcard pattern. */
  async expand(src: string): Promise<SourceEntry[]> {
    const rel = this.clean(src);
    if (!GLOB.test(rel)) {
      if (this.ignored(rel)) throw this.missing(src);
      const real = await this.resolve(src, rel);
      if (this.ignored(real)) throw this.missing(src);
      const host = join(this.root, real);
      return [{ rel: real, host, st: await lstat(host, { bigint: true }) }];
    }
    const matches = await this.glob(rel.split('/'), '');
    if (matches.length === 0) throw notFound(`no source files were specified`);
    return matches;
  }

  private async glob(parts: string[], base: string): Promise<SourceEntry[]> {
    const [head, ...rest] = parts;
    if (head === undefined) return [];
    let names: string[];
    try {
      names = (await readdir(join(this.root, base))).sort();
    } catch (e) {
      if (errnoCode(e) === 'ENOENT' || errnoCode(e) === 'ENOTDIR') return [];
      throw e;
    }
    const re = globSegment(head);
    const out: SourceEntry[] = [];
    for (const name of names) {
      if (!re.test(name)) continue;
      const rel = base ? `${base}/${name}` : name;
      if (this.ignored(rel)) continue;
      const host = join(this.root, rel);
      const st = await lstat(host, { bigint: true });
      if (rest.length === 0) out.push({ rel, host, st });
      else if (st.isDirectory()) out.push(...(await this.glob(rest, rel)));
    }
    return out;
  }

  /** Every entry below a directory entry (not the entry itself), sorted, with ignores applied. */
  async walk(entry: SourceEntry): Promise<SourceEntry[]> {
    const out: SourceEntry[] = [];
    await this.walkInto(entry.rel, out);
    return out;
  }

  private async walkInto(rel: string, out: SourceEntry[]): Promise<boolean> {
    const names = (await readdir(join(this.root, rel))).sort();
    let any = false;
    for (const name of names) {
      const child = rel ? `${rel}/${name}` : name;
      const host = join(this.root, child);
      const st = await lstat(host, { bigint: true });
      const skip = this.ignored(child);
      if (skip && !(st.isDirectory() && this.o.ignore?.mayReinclude(child))) continue;
      if (st.isDirectory()) {
        const at = out.length;
        out.push({ rel: child, host, st });
        const inner = await this.walkInto(child, out);
        if (skip && !inner) {
          out.splice(at, 1);
          continue;
        }
      } else {
        out.push({ rel: child, host, st });
      }
      any = true;
    }
    return any;
  }

  /** Content digest of a file (stat-cached). */
  fileDigest(e: SourceEntry): Promise<string> {
    return this.o.hashes.digest(e.host, e.st);
  }

  /**
   * A digest of everything a source brings: names, types, modes, sizes, link targets and file
   * contents — not times or owners, which COPY does not take over into the cache key.
   */
  async digestOf(top: SourceEntry[]): Promise<string> {
    const h = createHash('sha256');
    for (const t of top) {
      const entries = t.st.isDirectory() ? [t, ...(await this.walk(t))] : [t];
      for (const e of entries) {
        const name = posix.relative(t.rel, e.rel) || '.';
        const kind = e.st.isDirectory() ? 'd' : e.st.isSymbolicLink() ? 'l' : e.st.isFile() ? 'f' : 'o';
        let extra = '';
        if (kind === 'l') extra = await readlink(e.host);
        else if (kind === 'f') extra = await this.fileDigest(e);
        h.update(`${t.rel}\0${name}\0${kind}\0${e.st.mode & 0o7777n}\0${kind === 'f' ? e.st.size : 0n}\0${extra}\n`);
      }
    }
    return h.digest('hex');
  }
}

/** Go's filepath.Match for one path segment. */
export function globSegment(pattern: string): RegExp {
  let src = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') src += '[^/]*';
    else if (c === '?') src += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) throw invalidArgument(`syntax error in pattern: ${pattern}`);
      let cls = pattern.slice(i + 1, end);
      if (cls.startsWith('^') || cls.startsWith('!')) cls = `^${cls.slice(1)}`;
      src += `[${cls.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (c === '\\' && i + 1 < pattern.length) src += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else src += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${src}$`);
}
