import { invalidArgument } from './errors.js';
import { isDigest, type Digest } from './digest.js';

/**
 * Image references as Docker parses them (distribution/reference grammar):
 * [domain[:port]/]path[:tag][@digest], normalised to docker.io/library/... .
 */
export interface Reference {
  domain: string;
  path: string;
  tag?: string;
  digest?: Digest;
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DOMAIN = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?$|^\[[0-9a-fA-F:]+\](?::[0-9]+)?$/;

export const DEFAULT_DOMAIN = 'docker.io';

export function parseReference(input: string): Reference {
  const s = input.trim();
  if (!s || s.length > 255 + 140) throw invalidArgument('invalid reference format');
  let rest = s;
  let digest: Digest | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    const d = rest.slice(at + 1);
    if (!isDigest(d)) throw invalidArgument(`invalid reference format: invalid digest "${d}"`);
    digest = d;
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw invalidArgument('invalid reference format');
  }
  let domain = DEFAULT_DOMAIN;
  let path = rest;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase()) {
      if (!DOMAIN.test(first)) throw invalidArgument('invalid reference format');
      domain = first;
      path = rest.slice(slash + 1);
    }
  }
  if (!path) throw invalidArgument('invalid reference format');
  const parts = path.split('/');
  for (const p of parts) {
    if (!COMPONENT.test(p)) {
      if (COMPONENT.test(p.toLowerCase())) throw invalidArgument('invalid reference format: repository name must be lowercase');
      throw invalidArgument('invalid reference format');
    }
  }
  if (domain === DEFAULT_DOMAIN && parts.length === 1) path = `library/${path}`;
  if (domain === 'index.docker.io') domain = DEFAULT_DOMAIN;
  return { domain, path, tag, digest };
}

/** Parse and apply Docker's default tag when neither tag nor digest was given. */
export function parseNamedTagged(input: string): Reference {
  const ref = parseReference(input);
  if (!ref.tag && !ref.digest) ref.tag = 'latest';
  return ref;
}

export function repositoryName(ref: Reference): string {
  return `${ref.domain}/${ref.path}`;
}

/** Full canonical string, e.g. docker.io/library/busybox:latest. */
export function formatReference(ref: Reference): string {
  let s = repositoryName(ref);
  if (ref.tag) s += `:${ref.tag}`;
  if (ref.digest) s += `@${ref.digest}`;
  return s;
}

/** The short form Docker shows: busybox, user/app, localhost:5000/app. */
export function familiarName(repo: string): string {
  let r = repo;
  if (r.startsWith(`${DEFAULT_DOMAIN}/`)) {
    r = r.slice(DEFAULT_DOMAIN.length + 1);
    if (r.startsWith('library/') && r.split('/').length === 2) r = r.slice('library/'.length);
  }
  return r;
}

export function familiarString(ref: Reference): string {
  let s = familiarName(repositoryName(ref));
  if (ref.tag) s += `:${ref.tag}`;
  if (ref.digest) s += `@${ref.digest}`;
  return s;
}

/** Split a canonical "repo:tag" key back into repository and tag. */
export function splitTagged(key: string): { repo: string; tag: string } {
  const i = key.lastIndexOf(':');
  return { repo: key.slice(0, i), tag: key.slice(i + 1) };
}
