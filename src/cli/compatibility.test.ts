import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { buildRoutes } from '../api/server/routes/index.js';
import { DOCKER_ENDPOINTS } from '../api/server/routes/not-implemented-routes.js';
import { COMMANDS } from './registry.js';

const DOC = resolve(import.meta.dirname, '../../../docs/compatibility.md');
const STATUS = /^(supported|partly supported|not supported)$/;
const text = readFileSync(DOC, 'utf8');
const [commandPart, apiPart] = text.split('\n## Engine API endpoints\n') as [string, string];

interface Section {
  status?: string;
  flags: Map<string, string>;
}

/** The command sections of docs/compatibility.md, by every name in their heading (in backticks). */
function sections(): Map<string, Section> {
  const out = new Map<string, Section>();
  let current: Section | undefined;
  for (const line of commandPart.split('\n')) {
    const h = /^### (.+)$/.exec(line);
    if (h) {
      current = { flags: new Map() };
      for (const m of h[1]!.matchAll(/`([^`]+)`/g)) {
        assert.ok(!out.has(m[1]!), `command "${m[1]}" has two sections`);
        out.set(m[1]!, current);
      }
      continue;
    }
    const cmd = /^Command: \*\*([^*]+)\*\*/.exec(line);
    if (cmd && current) current.status = cmd[1];
    const row = /^\| `(?:-\w, )?(--[\w-]+)` \| ([^|]+) \|/.exec(line);
    if (row && current) current.flags.set(row[1]!, row[2]!.trim());
  }
  return out;
}

/** The endpoint rows: "METHOD /path" → status. */
function endpoints(): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of apiPart.split('\n')) {
    const row = /^\| `([A-Z]+ \/[^`]*)` \| ([^|]+) \|/.exec(line);
    if (row) out.set(row[1]!, row[2]!.trim());
  }
  return out;
}

const docPath = (p: string) => p.replace(/\{(\w+)\*\}/g, '{$1}');
const SWARM = /^\/(swarm|nodes|services|tasks|secrets|configs)(\/|$)/;

describe('docs/compatibility.md', () => {
  it('lists every command and every flag berth accepts, each with a status', async () => {
    const doc = sections();
    for (const [name, load] of Object.entries(COMMANDS)) {
      const s = doc.get(name);
      assert.ok(s, `command "${name}" is missing from docs/compatibility.md`);
      assert.ok(s.status && s.status !== 'not supported', `command "${name}" is served by berth but marked "${s.status}"`);
      for (const f of (await load()).default.flags.filter((x) => !x.hidden)) {
        const status = s.flags.get(`--${f.name}`);
        assert.ok(status, `flag --${f.name} of "${name}" is missing from docs/compatibility.md`);
        assert.match(status, STATUS, `flag --${f.name} of "${name}" has status "${status}"`);
      }
    }
  });

  it('gives every command a status, and marks the commands berth lacks not supported', () => {
    for (const [name, s] of sections()) {
      assert.match(s.status ?? '', STATUS, `command "${name}" has no "Command: **status**" line`);
      if (!(name in COMMANDS) && name !== 'daemon' && !name.startsWith('docker ')) assert.equal(s.status, 'not supported', `"${name}" is not a berth command`);
      for (const [flag, status] of s.flags) assert.match(status, STATUS, `flag ${flag} of "${name}" has status "${status}"`);
    }
  });

  it('lists every Docker endpoint and every route berth serves, each with a status', () => {
    const doc = endpoints();
    for (const [m, p] of DOCKER_ENDPOINTS) {
      const status = doc.get(`${m} ${docPath(p)}`);
      assert.ok(status, `endpoint ${m} ${docPath(p)} is missing from docs/compatibility.md`);
      assert.match(status, STATUS);
    }
    const served = buildRoutes().list();
    // The 501 catalogue is registered last; every route before it is real.
    const real = served.slice(0, served.length - DOCKER_ENDPOINTS.length);
    assert.deepEqual(served.slice(real.length), DOCKER_ENDPOINTS, 'the 501 catalogue is not the last thing registered');
    for (const [m, p] of real) {
      if (SWARM.test(p)) continue;
      const status = doc.get(`${m} ${docPath(p)}`);
      assert.ok(status, `route ${m} ${docPath(p)} is served by berth but missing from docs/compatibility.md`);
      assert.notEqual(status, 'not supported', `route ${m} ${docPath(p)} is served by berth but marked not supported`);
    }
    assert.ok(/`\/swarm`, .*\| not supported \|/.test(apiPart), 'the swarm endpoints row is missing');
  });
});

