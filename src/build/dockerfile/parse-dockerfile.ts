/**
 * The Dockerfile's line syntax (https://docs.docker.com/reference/dockerfile/#format):
 * parser directives at the top (`# escape=`, `# syntax=`), comments, line continuations with
 * the escape character, and heredocs (`RUN <<EOF`, `COPY <<EOF /file`). The result is one node
 * per instruction with its source lines; what each instruction means is instructions.ts's job.
 */
import { invalidArgument } from '../../core/errors.js';

export interface Heredoc {
  /** The delimiter word, e.g. EOF. */
  name: string;
  /** The body, each line ending in a newline. */
  content: string;
  /** False when the delimiter was quoted (`<<"EOF"`): no variable expansion. */
  expand: boolean;
}

export interface DockerfileNode {
  /** Upper-case instruction keyword, e.g. RUN. */
  keyword: string;
  /** Leading `--name=value` flags, as written (quotes removed). */
  flags: string[];
  /** The arguments after the keyword and flags, continuation lines joined. */
  rest: string;
  /** The instruction as Docker echoes it in "Step N/M : ..." (continuations joined). */
  original: string;
  startLine: number;
  endLine: number;
  heredocs: Heredoc[];
}

export interface ParsedDockerfile {
  escape: string;
  directives: Record<string, string>;
  nodes: DockerfileNode[];
  warnings: string[];
}

/** The error every Dockerfile syntax problem becomes, with the line it is on. */
export function parseError(line: number, message: string): Error {
  return invalidArgument(`dockerfile parse error line ${line}: ${message}`);
}

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const KNOWN_DIRECTIVES = new Set(['escape', 'syntax', 'check']);
const HEREDOC_KEYWORDS = new Set(['RUN', 'COPY', 'ADD']);
const HEREDOC = /<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g;

function isCommentOrBlank(line: string): boolean {
  const t = line.trimStart();
  return t === '' || t.startsWith('#');
}

/** Split the leading `--flag[=value]` words off the arguments. */
export function splitFlags(text: string): { flags: string[]; rest: string } {
  const flags: string[] = [];
  let s = text.trimStart();
  while (s.startsWith('--')) {
    let i = 0;
    let word = '';
    let quote = '';
    for (; i < s.length; i++) {
      const c = s[i]!;
      if (quote) {
        if (c === quote) quote = '';
        else word += c;
      } else if (c === '"' || c === "'") quote = c;
      else if (/\s/.test(c)) break;
      else word += c;
    }
    if (word === '--') break;
    flags.push(word);
    s = s.slice(i).trimStart();
  }
  return { flags, rest: s };
}

export function parseDockerfile(text: string): ParsedDockerfile {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const directives: Record<string, string> = {};
  const warnings: string[] = [];
  let i = 0;
  // Directives come first; the first comment, blank line or instruction ends them.
  for (; i < lines.length; i++) {
    const m = DIRECTIVE.exec(lines[i]!);
    if (!m) break;
    const key = m[1]!.toLowerCase();
    if (!KNOWN_DIRECTIVES.has(key)) break;
    if (key in directives) throw parseError(i + 1, `only one ${key} parser directive can be used`);
    directives[key] = m[2]!;
  }
  const escape = directives.escape ?? '\\';
  if (escape !== '\\' && escape !== '`') throw parseError(1, `invalid escape token '${escape}' does not match ` + '` or \\');
  const continuation = new RegExp(`${escape === '\\' ? '\\\\' : '`'}[ \\t]*$`);

  const nodes: DockerfileNode[] = [];
  while (i < lines.length) {
    if (isCommentOrBlank(lines[i]!)) {
      i++;
      continue;
    }
    const startLine = i + 1;
    let joined = '';
    let line = lines[i]!;
    let emptyContinuation = false;
    // Join continuation lines; comment lines inside a continuation are dropped.
    for (;;) {
      if (!continuation.test(line)) {
        joined += line;
        i++;
        break;
      }
      joined += line.replace(continuation, '');
      i++;
      while (i < lines.length && isCommentOrBlank(lines[i]!)) {
        if (lines[i]!.trim() === '') emptyContinuation = true;
        i++;
      }
      if (i >= lines.length) break;
      line = lines[i]!;
    }
    if (emptyContinuation) warnings.push(`[WARNING]: Empty continuation line found in: ${joined.trim()}`);
    const endOfInstruction = i;
    const trimmed = joined.trim();
    const m = /^(\S+)\s*([\s\S]*)$/.exec(trimmed);
    const word = m?.[1] ?? '';
    const keyword = word.toUpperCase();
    if (!/^[A-Za-z]+$/.test(word)) throw parseError(startLine, `unknown instruction: ${word}`);
    const { flags, rest } = splitFlags(m?.[2] ?? '');
    const heredocs: Heredoc[] = [];
    if (HEREDOC_KEYWORDS.has(keyword) && !rest.trimStart().startsWith('[')) {
      for (const hm of rest.matchAll(HEREDOC)) {
        const strip = hm[1] === '-';
        const name = hm[3]!;
        let content = '';
        let closed = false;
        while (i < lines.length) {
          let l = lines[i++]!;
          if (strip) l = l.replace(/^\t+/, '');
          if (l === name) {
            closed = true;
            break;
          }
          content += `${l}\n`;
        }
        if (!closed) throw parseError(startLine, `unterminated heredoc ${name}`);
        heredocs.push({ name, content, expand: hm[2] === '' });
      }
    }
    nodes.push({
      keyword,
      flags,
      rest: rest.trim(),
      original: trimmed,
      startLine,
      endLine: heredocs.length ? i : endOfInstruction,
      heredocs,
    });
  }
  return { escape, directives, nodes, warnings };
}
