/**
 * What each Dockerfile instruction means (https://docs.docker.com/reference/dockerfile/),
 * checked for form (arguments, flags) with the line it is on. Values stay unexpanded here:
 * substitution depends on the build state at the time the instruction runs.
 */
import { parseError, parseDockerfile, type DockerfileNode, type Heredoc } from './parse-dockerfile.js';

export type CommandLine =
  | { json: true; args: string[] }
  | { json: false; text: string; heredocs: Heredoc[] };

export interface ArgDecl {
  name: string;
  /** Unexpanded default, when one is given. */
  value?: string;
}

export interface CopyFlags {
  from?: string;
  chown?: string;
  chmod?: string;
  link: boolean;
  checksum?: string;
  exclude: string[];
}

export type Instruction = { node: DockerfileNode } & (
  | { kind: 'ARG'; args: ArgDecl[] }
  | { kind: 'ENV' | 'LABEL'; pairs: [string, string][] }
  | { kind: 'RUN'; cmd: CommandLine; mounts: string[]; network?: string; security?: string }
  | { kind: 'CMD' | 'ENTRYPOINT'; cmd: CommandLine }
  | { kind: 'COPY' | 'ADD'; sources: string[]; dest: string; flags: CopyFlags; heredocs: Heredoc[] }
  | { kind: 'WORKDIR' | 'USER' | 'STOPSIGNAL' | 'MAINTAINER'; value: string }
  | { kind: 'EXPOSE'; ports: string[] }
  | { kind: 'VOLUME'; values: string[] }
  | { kind: 'HEALTHCHECK'; none: true }
  | { kind: 'HEALTHCHECK'; none: false; cmd: CommandLine; interval?: string; timeout?: string; startPeriod?: string; startInterval?: string; retries?: string }
  | { kind: 'SHELL'; shell: string[] }
  | { kind: 'ONBUILD'; expression: string }
);

export interface Stage {
  index: number;
  /** Lower-cased `AS` name. */
  name?: string;
  /** Unexpanded base (meta ARGs apply). */
  base: string;
  platform?: string;
  node: DockerfileNode;
  commands: Instruction[];
}

export interface Dockerfile {
  escape: string;
  metaArgs: (Instruction & { kind: 'ARG' })[];
  stages: Stage[];
  warnings: string[];
}

const ALLOWED_FLAGS: Record<string, string[]> = {
  FROM: ['platform'],
  RUN: ['mount', 'network', 'security'],
  COPY: ['from', 'chown', 'chmod', 'link', 'parents', 'exclude'],
  ADD: ['chown', 'chmod', 'link', 'checksum', 'keep-git-dir', 'exclude'],
  HEALTHCHECK: ['interval', 'timeout', 'start-period', 'start-interval', 'retries'],
};

const KEYWORDS = new Set([
  'FROM', 'RUN', 'CMD', 'LABEL', 'MAINTAINER', 'EXPOSE', 'ENV', 'ADD', 'COPY', 'ENTRYPOINT',
  'VOLUME', 'USER', 'WORKDIR', 'ARG', 'ONBUILD', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL',
]);

/** Parse `--name=value` flags against the instruction's allowed set; repeated flags accumulate. */
function readFlags(node: DockerfileNode): Map<string, string[]> {
  const allowed = ALLOWED_FLAGS[node.keyword] ?? [];
  const out = new Map<string, string[]>();
  for (const f of node.flags) {
    const body = f.slice(2);
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    if (!allowed.includes(name)) throw parseError(node.startLine, `unknown flag: ${name}`);
    const list = out.get(name) ?? [];
    list.push(eq < 0 ? 'true' : body.slice(eq + 1));
    out.set(name, list);
  }
  return out;
}

function one(flags: Map<string, string[]>, name: string): string | undefined {
  const v = flags.get(name);
  return v ? v[v.length - 1] : undefined;
}

function boolFlag(node: DockerfileNode, flags: Map<string, string[]>, name: string): boolean {
  const v = one(flags, name);
  if (v === undefined) return false;
  if (v === 'true' || v === '') return true;
  if (v === 'false') return false;
  throw parseError(node.startLine, `expecting boolean value for flag ${name}, not: ${v}`);
}

/** A JSON array of strings, or undefined when the text is not one (then it is shell form). */
function jsonArray(text: string): string[] | undefined {
  const t = text.trim();
  if (!t.startsWith('[')) return undefined;
  try {
    const v = JSON.parse(t) as unknown;
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  } catch {
    /* shell form */
  }
  return undefined;
}

function commandLine(node: DockerfileNode, text = node.rest): CommandLine {
  const json = jsonArray(text);
  if (json) return { json: true, args: json };
  return { json: false, text, heredocs: node.heredocs };
}

/** Words split on whitespace, quotes kept (Docker's parseWords for ENV and LABEL). */
function rawWords(s: string, escape: string): string[] {
  const words: string[] = [];
  let cur = '';
  let quote = '';
  let inWord = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (!quote && /\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
      continue;
    }
    inWord = true;
    cur += c;
    if (c === escape && i + 1 < s.length) {
      cur += s[++i]!;
      continue;
    }
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
  }
  if (inWord) words.push(cur);
  return words;
}

/** ENV/LABEL: `k=v k2="v 2"` or the legacy `k value with spaces`. */
function nameValues(node: DockerfileNode, escape: string): [string, string][] {
  const what = node.keyword;
  const words = rawWords(node.rest, escape);
  if (words.length === 0) throw parseError(node.startLine, `${what} requires at least one argument`);
  if (!words[0]!.includes('=')) {
    const m = /^(\S+)\s+([\s\S]+)$/.exec(node.rest);
    if (!m) throw parseError(node.startLine, `${what} must have two arguments`);
    return [[m[1]!, m[2]!.trim()]];
  }
  return words.map((w) => {
    const eq = w.indexOf('=');
    if (eq < 0) throw parseError(node.startLine, `Syntax error - can't find = in "${w}". Must be of the form: name=value`);
    if (eq === 0) throw parseError(node.startLine, `${what} names can not be blank`);
    return [w.slice(0, eq), w.slice(eq + 1)] as [string, string];
  });
}

function requireArgs(node: DockerfileNode, min = 1): void {
  if (node.rest.trim() === '' && (min > 0 && node.heredocs.length === 0)) {
    throw parseError(node.startLine, `${node.keyword} requires at least ${min === 1 ? 'one argument' : `${min} arguments`}`);
  }
}

export function parseInstruction(node: DockerfileNode, escape: string): Instruction {
  const k = node.keyword;
  if (!KEYWORDS.has(k)) throw parseError(node.startLine, `unknown instruction: ${k}`);
  const flags = readFlags(node);
  switch (k) {
    case 'ARG': {
      requireArgs(node);
      const args = rawWords(node.rest, escape).map((w) => {
        const eq = w.indexOf('=');
        const name = eq < 0 ? w : w.slice(0, eq);
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw parseError(node.startLine, `invalid ARG name: ${JSON.stringify(name)}`);
        return eq < 0 ? { name } : { name, value: w.slice(eq + 1) };
      });
      return { node, kind: 'ARG', args };
    }
    case 'ENV':
    case 'LABEL':
      return { node, kind: k, pairs: nameValues(node, escape) };
    case 'RUN':
      requireArgs(node);
      return { node, kind: 'RUN', cmd: commandLine(node), mounts: flags.get('mount') ?? [], network: one(flags, 'network'), security: one(flags, 'security') };
    case 'CMD':
    case 'ENTRYPOINT':
      return { node, kind: k, cmd: commandLine(node) };
    case 'COPY':
    case 'ADD': {
      const json = jsonArray(node.rest);
      const words = json ?? rawWords(node.rest, escape);
      const heredocNames = new Set(node.heredocs.map((h) => h.name));
      const sources = words.slice(0, -1);
      if (words.length < 2 && !(words.length === 1 && node.heredocs.length > 0)) {
        throw parseError(node.startLine, `${k} requires at least two arguments, but only one was provided. Destination could not be determined.`);
      }
      // `COPY <<EOF /dest`: heredoc markers stand in for sources.
      const heredocSources = sources.filter((s) => /^<<-?["']?[A-Za-z_]/.test(s) && heredocNames.has(s.replace(/^<<-?["']?|["']$/g, '')));
      return {
        node,
        kind: k,
        sources,
        dest: words[words.length - 1]!,
        heredocs: heredocSources.length ? node.heredocs : [],
        flags: {
          from: one(flags, 'from'),
          chown: one(flags, 'chown'),
          chmod: one(flags, 'chmod'),
          link: boolFlag(node, flags, 'link'),
          checksum: one(flags, 'checksum'),
          exclude: flags.get('exclude') ?? [],
        },
      };
    }
    case 'WORKDIR':
    case 'USER':
    case 'STOPSIGNAL':
    case 'MAINTAINER':
      requireArgs(node);
      if (k !== 'MAINTAINER' && rawWords(node.rest, escape).length !== 1) throw parseError(node.startLine, `${k} requires exactly one argument`);
      return { node, kind: k, value: node.rest };
    case 'EXPOSE':
      requireArgs(node);
      return { node, kind: 'EXPOSE', ports: rawWords(node.rest, escape) };
    case 'VOLUME': {
      requireArgs(node);
      const json = jsonArray(node.rest);
      return { node, kind: 'VOLUME', values: json ?? rawWords(node.rest, escape) };
    }
    case 'HEALTHCHECK': {
      requireArgs(node);
      const m = /^(\S+)\s*([\s\S]*)$/.exec(node.rest)!;
      const type = m[1]!.toUpperCase();
      if (type === 'NONE') {
        if (m[2]!.trim() !== '') throw parseError(node.startLine, 'HEALTHCHECK NONE takes no arguments');
        if (node.flags.length) throw parseError(node.startLine, 'HEALTHCHECK NONE takes no options');
        return { node, kind: 'HEALTHCHECK', none: true };
      }
      if (type !== 'CMD') throw parseError(node.startLine, `Unknown type "${type}" in HEALTHCHECK (try CMD)`);
      if (m[2]!.trim() === '') throw parseError(node.startLine, 'Missing command after HEALTHCHECK CMD');
      return {
        node,
        kind: 'HEALTHCHECK',
        none: false,
        cmd: commandLine(node, m[2]!),
        interval: one(flags, 'interval'),
        timeout: one(flags, 'timeout'),
        startPeriod: one(flags, 'start-period'),
        startInterval: one(flags, 'start-interval'),
        retries: one(flags, 'retries'),
      };
    }
    case 'SHELL': {
      const json = jsonArray(node.rest);
      if (!json) throw parseError(node.startLine, 'SHELL requires the arguments to be in JSON form');
      if (json.length === 0) throw parseError(node.startLine, 'SHELL requires at least one argument');
      return { node, kind: 'SHELL', shell: json };
    }
    case 'ONBUILD': {
      requireArgs(node);
      const inner = node.rest.trim().split(/\s+/, 1)[0]!.toUpperCase();
      if (inner === 'ONBUILD') throw parseError(node.startLine, 'Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed');
      if (inner === 'FROM' || inner === 'MAINTAINER') throw parseError(node.startLine, `${inner} isn't allowed as an ONBUILD trigger`);
      if (!KEYWORDS.has(inner)) throw parseError(node.startLine, `unknown instruction: ${inner}`);
      return { node, kind: 'ONBUILD', expression: node.rest.trim() };
    }
  }
  throw parseError(node.startLine, `unknown instruction: ${k}`);
}

/** Parse a whole Dockerfile into meta ARGs and stages. */
export function parseStages(text: string): Dockerfile {
  const parsed = parseDockerfile(text);
  const metaArgs: (Instruction & { kind: 'ARG' })[] = [];
  const stages: Stage[] = [];
  for (const node of parsed.nodes) {
    if (node.keyword === 'FROM') {
      const flags = readFlags(node);
      const words = node.rest.split(/\s+/).filter(Boolean);
      if (words.length !== 1 && !(words.length === 3 && words[1]!.toUpperCase() === 'AS')) {
        throw parseError(node.startLine, 'FROM requires either one or three arguments');
      }
      const name = words[2]?.toLowerCase();
      if (name !== undefined) {
        if (!/^[a-z][a-z0-9-_.]*$/.test(name)) throw parseError(node.startLine, `invalid name for build stage: "${words[2]}", name can't start with a number or contain symbols`);
        if (stages.some((s) => s.name === name)) throw parseError(node.startLine, `duplicate name ${words[2]}`);
      }
      stages.push({ index: stages.length, name, base: words[0]!, platform: one(flags, 'platform'), node, commands: [] });
      continue;
    }
    const ins = parseInstruction(node, parsed.escape);
    if (stages.length === 0) {
      if (ins.kind !== 'ARG') throw parseError(node.startLine, `no build stage in current context`);
      metaArgs.push(ins);
      continue;
    }
    stages[stages.length - 1]!.commands.push(ins);
  }
  if (stages.length === 0) throw parseError(parsed.nodes.length ? parsed.nodes[parsed.nodes.length - 1]!.startLine : 1, 'file with no instructions');
  return { escape: parsed.escape, metaArgs, stages, warnings: parsed.warnings };
}
