/**
 * `.dockerignore` (https://docs.docker.com/build/concepts/context/#dockerignore-files):
 * Go filepath.Match patterns plus `**` for any number of directories, `!` exceptions, and the
 * rule that the last matching line wins. A pattern also excludes everything below a directory
 * it matches.
 */
import { posix } from 'node:path';

interface Pattern {
  re: RegExp;
  exclusion: boolean;
  /** Directory depth of the pattern, to know whether it could match below a path. */
  text: string;
}

function clean(p: string): string {
  let c = posix.normalize(p);
  while (c.startsWith('/')) c = c.slice(1);
  if (c.endsWith('/') && c.length > 1) c = c.slice(0, -1);
  return c === '' ? '.' : c;
}

function toRegExp(pattern: string): RegExp {
  let src = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        // `**/` matches zero or more directories; a trailing `**` matches everything below.
        if (pattern[i + 1] === '/') {
          i++;
          src += '(?:.*/)?';
        } else src += '.*';
      } else src += '[^/]*';
    } else if (c === '?') src += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) {
        src += '\\[';
        continue;
      }
      let cls = pattern.slice(i + 1, end);
      if (cls.startsWith('^') || cls.startsWith('!')) cls = `^${cls.slice(1)}`;
      src += `[${cls.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (c === '\\' && i + 1 < pattern.length) {
      src += pattern[++i]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else src += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${src}$`);
}

export class IgnoreMatcher {
  private readonly patterns: Pattern[];
  readonly hasExclusions: boolean;

  constructor(lines: string[]) {
    this.patterns = [];
    for (const raw of lines) {
      let line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      let exclusion = false;
      if (line.startsWith('!')) {
        exclusion = true;
        line = line.slice(1).trim();
      }
      const text = clean(line);
      if (text === '.' && !exclusion) continue;
      this.patterns.push({ re: toRegExp(text), exclusion, text });
    }
    this.hasExclusions = this.patterns.some((p) => p.exclusion);
  }

  static parse(content: string): IgnoreMatcher {
    return new IgnoreMatcher(content.split(/\r?\n/));
  }

  get empty(): boolean {
    return this.patterns.length === 0;
  }

  /** Whether `rel` (a slash-separated path relative to the context root) is excluded. */
  ignores(rel: string): boolean {
    const path = clean(rel);
    if (path === '.') return false;
    const parents: string[] = [];
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) parents.push(parts.slice(0, i).join('/'));
    let matched = false;
    for (const p of this.patterns) {
      if (p.exclusion !== matched) continue; // cannot change the outcome
      if (p.re.test(path) || parents.some((d) => p.re.test(d))) matched = !p.exclusion;
    }
    return matched;
  }

  /**
   * Whether a walk must descend into excluded directory `rel` because an exception could
   * re-include something below it.
   */
  mayReinclude(rel: string): boolean {
    if (!this.hasExclusions) return false;
    const dir = clean(rel);
    return this.patterns.some((p) => p.exclusion && (p.text.startsWith(`${dir}/`) || p.text.includes('*') || p.text.includes('?') || p.text.includes('[')));
  }
}
