/**
 * Variable substitution and word splitting as the Dockerfile defines them
 * (https://docs.docker.com/reference/dockerfile/#environment-replacement): `$VAR`, `${VAR}`,
 * `${VAR:-default}`, `${VAR-default}`, `${VAR:+alt}`, `${VAR+alt}`, `${VAR:?message}`, single
 * and double quotes, and the escape character. Words are split after substitution.
 */
import { invalidArgument } from '../../core/errors.js';

export type Lookup = (name: string) => string | undefined;

interface Piece {
  ch: string;
  /** Characters that cannot split words (quoted or escaped). */
  quoted: boolean;
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

export class ShellLex {
  constructor(readonly escape: string = '\\') {}

  /** One word: quotes removed, variables substituted, whitespace kept. */
  processWord(text: string, lookup: Lookup): string {
    return this.lex(text, lookup).map((p) => p.ch).join('');
  }

  /** Several words, split on unquoted whitespace (also whitespace that substitution produced). */
  processWords(text: string, lookup: Lookup): string[] {
    const words: string[] = [];
    let cur = '';
    let inWord = false;
    for (const p of this.lex(text, lookup)) {
      if (!p.quoted && /\s/.test(p.ch)) {
        if (inWord) words.push(cur);
        cur = '';
        inWord = false;
        continue;
      }
      cur += p.ch;
      inWord = true;
    }
    if (inWord) words.push(cur);
    return words;
  }

  /** Characters after quote removal and substitution, each marked quoted or not. */
  private lex(text: string, lookup: Lookup): Piece[] {
    const out: Piece[] = [];
    let i = 0;
    const esc = this.escape;
    // An empty quoted string still makes a word: mark it with a zero-width quoted piece.
    const markWord = () => out.push({ ch: '', quoted: true });
    while (i < text.length) {
      const c = text[i]!;
      if (c === esc) {
        if (i + 1 >= text.length) {
          out.push({ ch: c, quoted: true });
          i++;
          continue;
        }
        out.push({ ch: text[i + 1]!, quoted: true });
        i += 2;
        continue;
      }
      if (c === "'") {
        const end = text.indexOf("'", i + 1);
        if (end < 0) throw invalidArgument(`unexpected end of statement while looking for matching single-quote`);
        markWord();
        for (const ch of text.slice(i + 1, end)) out.push({ ch, quoted: true });
        i = end + 1;
        continue;
      }
      if (c === '"') {
        markWord();
        i++;
        let closed = false;
        while (i < text.length) {
          const d = text[i]!;
          if (d === '"') {
            closed = true;
            i++;
            break;
          }
          if (d === esc && i + 1 < text.length && ['"', '$', esc].includes(text[i + 1]!)) {
            out.push({ ch: text[i + 1]!, quoted: true });
            i += 2;
            continue;
          }
          if (d === '$') {
            const r = this.dollar(text, i, lookup);
            for (const ch of r.value) out.push({ ch, quoted: true });
            i = r.next;
            continue;
          }
          out.push({ ch: d, quoted: true });
          i++;
        }
        if (!closed) throw invalidArgument(`unexpected end of statement while looking for matching double-quote`);
        continue;
      }
      if (c === '$') {
        const r = this.dollar(text, i, lookup);
        for (const ch of r.value) out.push({ ch, quoted: false });
        i = r.next;
        continue;
      }
      out.push({ ch: c, quoted: false });
      i++;
    }
    return out;
  }

  /** `text[i]` is `$`: substitute what follows; returns the value and the index after it. */
  private dollar(text: string, i: number, lookup: Lookup): { value: string; next: number } {
    const n = text[i + 1];
    if (n === undefined) return { value: '$', next: i + 1 };
    if (n === '{') return this.braced(text, i + 2, lookup);
    if (NAME_START.test(n)) {
      let j = i + 1;
      while (j < text.length && NAME_CHAR.test(text[j]!)) j++;
      return { value: lookup(text.slice(i + 1, j)) ?? '', next: j };
    }
    return { value: '$', next: i + 1 };
  }

  private braced(text: string, start: number, lookup: Lookup): { value: string; next: number } {
    let j = start;
    while (j < text.length && NAME_CHAR.test(text[j]!)) j++;
    const name = text.slice(start, j);
    if (name === '') throw invalidArgument(`missing variable name in substitution: ${text.slice(start - 2)}`);
    if (text[j] === '}') return { value: lookup(name) ?? '', next: j + 1 };
    if (j >= text.length) throw invalidArgument(`missing '}' in substitution: ${text.slice(start - 2)}`);
    let modifier = text[j];
    let k = j + 1;
    if (modifier === ':') {
      modifier = `:${text[j + 1] ?? ''}`;
      k = j + 2;
    }
    if (!['-', '+', '?', ':-', ':+', ':?'].includes(modifier ?? '')) {
      throw invalidArgument(`unsupported modifier (${modifier ?? ''}) in substitution: ${text.slice(start - 2)}`);
    }
    // The word runs to the matching close brace (nested ${...} allowed).
    let depth = 1;
    let e = k;
    for (; e < text.length; e++) {
      const ch = text[e]!;
      if (ch === this.escape) {
        e++;
        continue;
      }
      if (ch === '{' && text[e - 1] === '$') depth++;
      if (ch === '}' && --depth === 0) break;
    }
    if (depth !== 0) throw invalidArgument(`missing '}' in substitution: ${text.slice(start - 2)}`);
    const word = () => this.processWord(text.slice(k, e), lookup);
    const value = lookup(name);
    const set = value !== undefined;
    const nonEmpty = set && value !== '';
    let result: string;
    switch (modifier) {
      case '-': result = set ? value! : word(); break;
      case ':-': result = nonEmpty ? value! : word(); break;
      case '+': result = set ? word() : ''; break;
      case ':+': result = nonEmpty ? word() : ''; break;
      case '?':
        if (!set) throw invalidArgument(`${name}: ${word() || 'is not allowed to be unset'}`);
        result = value!;
        break;
      default:
        if (!nonEmpty) throw invalidArgument(`${name}: ${word() || 'is not allowed to be empty'}`);
        result = value!;
    }
    return { value: result, next: e + 1 };
  }
}

/** A lookup over KEY=VALUE lists where later entries win (image env, then build args). */
export function envLookup(...lists: (readonly string[])[]): Lookup {
  const m = new Map<string, string>();
  for (const list of lists) {
    for (const kv of list) {
      const eq = kv.indexOf('=');
      if (eq < 0) m.set(kv, '');
      else m.set(kv.slice(0, eq), kv.slice(eq + 1));
    }
  }
  return (n) => m.get(n);
}
