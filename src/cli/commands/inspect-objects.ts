import { ApiError } from '../../api/client/api-client.js';
import type { CliEnv } from '../command.js';
import { compileTemplate } from '../format/go-template.js';
import { UsageError } from '../flags.js';

export type Kind = 'container' | 'image' | 'network' | 'volume';

const PATHS: Record<Kind, (ref: string) => string> = {
  container: (r) => `/containers/${encodeURIComponent(r)}/json`,
  image: (r) => `/images/${encodeURIComponent(r)}/json`,
  network: (r) => `/networks/${encodeURIComponent(r)}`,
  volume: (r) => `/volumes/${encodeURIComponent(r)}`,
};

/** Go's json.MarshalIndent output: 4-space indent and HTML characters escaped. */
export function goIndentedJson(v: unknown): string {
  return JSON.stringify(v, null, 4).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
}

/**
 * `docker inspect`: each reference is looked up as the given kinds in order;
 * found objects print as one JSON array (or through --format), misses go to
 * stderr and make the exit status 1.
 */
export async function inspectObjects(env: CliEnv, refs: string[], kinds: Kind[], format: string | undefined): Promise<number> {
  let template;
  try {
    template = format ? compileTemplate(format) : undefined;
  } catch (e) {
    throw new UsageError(`template parsing error: ${(e as Error).message}`);
  }
  const found: unknown[] = [];
  let failed = false;
  for (const ref of refs) {
    let obj: unknown;
    for (const k of kinds) {
      try {
        obj = await env.client.json('GET', PATHS[k](ref));
        break;
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 404)) throw e;
      }
    }
    if (obj === undefined) {
      failed = true;
      const what = kinds.length === 1 ? kinds[0] : 'object';
      env.stderr.write(`Error: No such ${what}: ${ref}\n`);
      continue;
    }
    found.push(obj);
  }
  if (template) {
    for (const o of found) {
      try {
        env.stdout.write(`${template.execute(o)}\n`);
      } catch (e) {
        env.stderr.write(`template: ${(e as Error).message}\n`);
        return 1;
      }
    }
  } else {
    env.stdout.write(`${goIndentedJson(found)}\n`);
  }
  return failed ? 1 : 0;
}

export const INSPECT_FLAGS = [
  { name: 'format', short: 'f', type: 'string' as const, description: "Format output using a custom template: 'json', 'TEMPLATE'" },
  { name: 'size', short: 's', type: 'bool' as const, description: 'Display total file sizes' },
];
