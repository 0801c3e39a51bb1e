/**
 * Docker's detach key sequences (`--detach-keys`, `detachKeys`, `DetachKeys`):
 * a comma-separated list of keys, each a single character or `ctrl-<c>` with
 * <c> one of a-z, @, [, \, ], ^ and _ (https://docs.docker.com/reference/cli/docker/container/attach/#detach-keys).
 * The daemon and the CLI both watch a TTY's input for the sequence.
 */
export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';

/** The bytes of a key sequence; throws with Docker's wording on a bad one. */
export function parseDetachKeys(spec: string): Buffer {
  const out: number[] = [];
  for (const key of spec.split(',')) {
    const k = key.trim();
    if (k.length === 1) {
      out.push(k.charCodeAt(0));
      continue;
    }
    const m = /^ctrl-(.)$/i.exec(k);
    const c = m?.[1]?.toLowerCase();
    if (c === undefined) throw new Error(`Invalid detach keys (${spec}) provided: unknown character: '${k}'`);
    if (c >= 'a' && c <= 'z') out.push(c.charCodeAt(0) - 96);
    else if (c === '@') out.push(0);
    else if ('[\\]^_'.includes(c)) out.push(27 + '[\\]^_'.indexOf(c));
    else throw new Error(`Invalid detach keys (${spec}) provided: unknown character: '${k}'`);
  }
  if (out.length === 0) throw new Error(`Invalid detach keys (${spec}) provided`);
  return Buffer.from(out);
}

/**
 * Watches an input stream for a detach sequence. `feed` returns the bytes to pass on
 * (a partial match is held back until it completes or fails) and whether the user detached.
 */
export class DetachMatcher {
  private held = 0;
  constructor(private readonly keys: Buffer) {}

  feed(chunk: Buffer): { data: Buffer; detached: boolean } {
    const out: number[] = [];
    for (const b of chunk) {
      if (b === this.keys[this.held]) {
        this.held++;
        if (this.held === this.keys.length) return { data: Buffer.from(out), detached: true };
        continue;
      }
      // A failed partial match: the held keys were ordinary input after all.
      for (let i = 0; i < this.held; i++) out.push(this.keys[i]!);
      this.held = 0;
      if (b === this.keys[0]) this.held = 1;
      else out.push(b);
    }
    return { data: Buffer.from(out), detached: false };
  }
}
