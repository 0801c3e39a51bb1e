import { invalidArgument } from '../../core/errors.js';
import type { ImageRunConfig } from '../../core/image-types.js';

/**
 * `--change` for import and commit: a Dockerfile instruction applied to an image
 * config (https://docs.docker.com/engine/reference/commandline/import/). Docker
 * accepts CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, USER, VOLUME, WORKDIR
 * (and STOPSIGNAL, HEALTHCHECK on commit).
 */
export function applyChanges(config: ImageRunConfig, changes: string[]): ImageRunConfig {
  const out: ImageRunConfig = { ...config };
  for (const raw of changes) {
    const change = raw.trim();
    if (!change) continue;
    const m = /^(\w+)\s*(.*)$/s.exec(change);
    const keyword = m?.[1]?.toUpperCase() ?? '';
    const rest = m?.[2]?.trim() ?? '';
    switch (keyword) {
      case 'CMD':
        out.Cmd = execForm(rest);
        break;
      case 'ENTRYPOINT':
        out.Entrypoint = execForm(rest);
        break;
      case 'ENV':
        for (const [k, v] of keyValues(rest, 'ENV')) out.Env = setEnv(out.Env ?? [], k, v);
        break;
      case 'LABEL':
        out.Labels = { ...(out.Labels ?? {}) };
        for (const [k, v] of keyValues(rest, 'LABEL')) out.Labels[k] = v;
        break;
      case 'EXPOSE':
        out.ExposedPorts = { ...(out.ExposedPorts ?? {}) };
        for (const p of rest.split(/\s+/).filter(Boolean)) out.ExposedPorts[p.includes('/') ? p.toLowerCase() : `${p}/tcp`] = {};
        break;
      case 'USER':
        out.User = rest;
        break;
      case 'WORKDIR':
        out.WorkingDir = rest.startsWith('/') ? rest : `${out.WorkingDir ?? '/'}/${rest}`.replace(/\/+/g, '/');
        break;
      case 'VOLUME': {
        out.Volumes = { ...(out.Volumes ?? {}) };
        const vols = rest.startsWith('[') ? parseJsonArray(rest, 'VOLUME') : rest.split(/\s+/).filter(Boolean);
        for (const v of vols) out.Volumes[v] = {};
        break;
      }
      case 'STOPSIGNAL':
        out.StopSignal = rest;
        break;
      case 'ONBUILD':
        out.OnBuild = [...(out.OnBuild ?? []), rest];
        break;
      default:
        throw invalidArgument(`${keyword || change} is not a valid change command`);
    }
  }
  return out;
}

function parseJsonArray(s: string, what: string): string[] {
  let v: unknown;
  try {
    v = JSON.parse(s);
  } catch {
    throw invalidArgument(`${what}: invalid JSON array ${s}`);
  }
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw invalidArgument(`${what}: expected a JSON array of strings`);
  return v as string[];
}

/** JSON (exec) form stays as is; shell form runs through /bin/sh -c, as in a Dockerfile. */
export function execForm(s: string): string[] {
  if (s.startsWith('[')) {
    try {
      const v = JSON.parse(s) as unknown;
      if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
    } catch {
      /* not JSON: shell form */
    }
  }
  return ['/bin/sh', '-c', s];
}

export function setEnv(env: string[], key: string, value: string): string[] {
  const out = env.filter((e) => e.split('=', 1)[0] !== key);
  out.push(`${key}=${value}`);
  return out;
}

/** `K=V K2="v 2"` pairs, or the legacy single `K V` form. */
function keyValues(s: string, what: string): [string, string][] {
  const out: [string, string][] = [];
  if (!s) throw invalidArgument(`${what} requires at least one argument`);
  const firstWord = /^[^\s=]+/.exec(s)?.[0] ?? '';
  if (!s.slice(firstWord.length).startsWith('=')) {
    const m = /^(\S+)\s+(.*)$/s.exec(s);
    if (!m) throw invalidArgument(`${what} must have two arguments`);
    return [[m[1]!, unquote(m[2]!.trim())]];
  }
  const re = /([^\s=]+)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) out.push([m[1]!, unquote(m[2]!)]);
  return out;
}

function unquote(v: string): string {
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) return v.slice(1, -1).replace(/\\(.)/g, '$1');
  if (v.length >= 2 && v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1);
  return v.replace(/\\(.)/g, '$1');
}
