import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { COMMANDS } from './registry.js';

const DOC = resolve(import.meta.dirname, '../../../docs/compatibility.md');
const STATUS = /^(supported|partly supported|not supported)$/;

/** The rows of docs/compatibility.md, by section heading (the command names in backticks). */
function sections(): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const line of readFileSync(DOC, 'utf8').split('\n')) {
    const h = /^### (.+)$/.exec(line);
    if (h) {
      current = new Map();
      for (const m of h[1]!.matchAll(/`([^`]+)`/g)) out.set(m[1]!, current);
      continue;
    }
    const row = /^\| `(?:-\w, )?(--[\w-]+)` \| ([^|]+) \|/.exec(line);
    if (row && current) current.set(row[1]!, row[2]!.trim());
  }
  return out;
}

describe('docs/compatibility.md', () => {
  it('lists every command and every flag berth accepts, each with a status', async () => {
    const doc = sections();
    for (const [name, load] of Object.entries(COMMANDS)) {
      const flags = doc.get(name);
      assert.ok(flags, `command "${name}" is missing from docs/compatibility.md`);
      for (const f of (await load()).default.flags.filter((x) => !x.hidden)) {
        const status = flags.get(`--${f.name}`);
        assert.ok(status, `flag --${f.name} of "${name}" is missing from docs/compatibility.md`);
        assert.match(status, STATUS, `flag --${f.name} of "${name}" has status "${status}"`);
      }
    }
  });
});
