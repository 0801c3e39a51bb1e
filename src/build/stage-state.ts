import { chainIds, sha256, type Digest } from '../core/digest.js';
import type { Descriptor, ImageConfig, ImageRunConfig } from '../core/image-types.js';
import type { Lookup } from './dockerfile/shell-lex.js';

export const DEFAULT_SHELL = ['/bin/sh', '-c'];
export const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** A stage's image state between steps: config (with history), layer blobs, and its ID. */
export interface ImageState {
  config: ImageConfig;
  layers: Descriptor[];
  /** sha256 of the config JSON: what Docker's legacy builder prints as ` ---> <id>`. */
  stateId: Digest;
}

export function stateIdOf(config: ImageConfig): Digest {
  return sha256(JSON.stringify(config));
}

/** The mutable state of one stage while its instructions run. */
export class StageState implements ImageState {
  config: ImageConfig;
  layers: Descriptor[];
  stateId: Digest;
  /** ARGs declared in this stage: name → value (undefined: declared without a value). */
  readonly args = new Map<string, string | undefined>();
  /** Whether this stage set CMD (ENTRYPOINT clears an inherited CMD only). */
  cmdSet = false;

  constructor(base: ImageState) {
    this.config = structuredClone(base.config);
    this.layers = [...base.layers];
    this.stateId = base.stateId;
  }

  set(s: ImageState): void {
    this.config = structuredClone(s.config);
    this.layers = [...s.layers];
    this.stateId = s.stateId;
  }

  get run(): ImageRunConfig {
    this.config.config ??= {};
    return this.config.config;
  }

  get shell(): string[] {
    return this.config.config?.Shell?.length ? this.config.config.Shell : DEFAULT_SHELL;
  }

  get topLayer(): Digest | null {
    const ids = chainIds(this.config.rootfs.diff_ids);
    return ids.length ? ids[ids.length - 1]! : null;
  }

  get env(): string[] {
    return this.config.config?.Env ?? [];
  }

  /** Substitution: ENV values override ARG values of the same name. */
  lookup(): Lookup {
    const env = new Map<string, string>();
    for (const kv of this.env) {
      const eq = kv.indexOf('=');
      env.set(eq < 0 ? kv : kv.slice(0, eq), eq < 0 ? '' : kv.slice(eq + 1));
    }
    return (name) => env.get(name) ?? this.args.get(name);
  }

  /** Declared ARGs that have a value, as KEY=VALUE, sorted by name (what RUN sees and history records). */
  argPairs(): string[] {
    return [...this.args.entries()]
      .filter((e): e is [string, string] => e[1] !== undefined)
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([k, v]) => `${k}=${v}`);
  }

  /** The `#(nop)` history prefix: the shell the step would have run under. */
  nop(comment: string): string {
    return `${this.shell.join(' ')} #(nop) ${comment}`;
  }
}

/** Replace KEY in an env list in place, or append it. */
export function setEnv(env: string[], key: string, value: string): string[] {
  const out = [...env];
  const i = out.findIndex((e) => (e.includes('=') ? e.slice(0, e.indexOf('=')) : e) === key);
  if (i >= 0) out[i] = `${key}=${value}`;
  else out.push(`${key}=${value}`);
  return out;
}
