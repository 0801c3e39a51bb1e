import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUSYBOX_TAR, httpGet, until, type RunResult } from '../harness.js';
import { freePort } from '../registry-harness.js';
import { CLIENTS_DIR, type ClientTarget } from './targets.js';

const PROJECT = 'berthc';

/**
 * A three-service compose file: db (named volume, healthcheck), web (built, published port,
 * reaches db by service name, starts once db is healthy) and worker (reaches web by name).
 */
export function composeFile(opts: { health: boolean }): string {
  const db = opts.health
    ? `    healthcheck:
      test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"]
      interval: 1s
      timeout: 3s
      retries: 30
`
    : '';
  const dependsOnDb = opts.health ? '      db:\n        condition: service_healthy\n' : '      - db\n';
  return `version: "2.4"
services:
  db:
    image: busybox:latest
    command: ["sh", "-c", "echo from-db > /data/index.html; exec httpd -f -p 8080 -h /data"]
    volumes:
      - dbdata:/data
${db}  web:
    build: ./web
    image: ${PROJECT}/web:latest
    depends_on:
${dependsOnDb}    ports:
      - "127.0.0.1:\${WEB_PORT}:8080"
  worker:
    image: busybox:latest
    depends_on:
      - web
    command: ["sh", "-c", "while true; do wget -q -O - http://web:8080/ && echo; sleep 1; done"]
volumes:
  dbdata:
`;
}

/** docker-compose 1.29: up -d, ps, logs, exec, restart, events by project label, down -v. */
export async function composeScenario(d: ClientTarget, opts = { health: true }): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-compose-'));
  const port = await freePort();
  const sh = async (cmd: string, args: string[], expect = 0): Promise<RunResult> => {
    const r = await d.exec(cmd, args, { timeoutMs: 180_000, cwd: dir, env: { WEB_PORT: String(port), COMPOSE_PROJECT_NAME: PROJECT } });
    assert.equal(r.code, expect, `${cmd} ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}\n${d.log().slice(-2500)}`);
    return r;
  };
  const compose = (args: string[], expect = 0) => sh('docker-compose', ['-f', join(dir, 'docker-compose.yml'), '--project-directory', dir, ...args], expect);
  const docker = (args: string[]) => sh('/usr/bin/docker', args);
  try {
    cpSync(join(CLIENTS_DIR, 'compose/web'), join(dir, 'web'), { recursive: true });
    writeFileSync(join(dir, 'docker-compose.yml'), composeFile(opts));
    await docker(['import', BUSYBOX_TAR, 'busybox:latest']);
    const t0 = Math.floor(Date.now() / 1000) - 1;

    await compose(['up', '-d']);
    assert.equal(await httpGet('127.0.0.1', port, 30_000), 'web says: from-db\n');

    const ps = await compose(['ps']);
    for (const s of ['db', 'web', 'worker']) assert.match(ps.stdout, new RegExp(`${PROJECT}_${s}_1 .* Up`), ps.stdout);
    if (opts.health) assert.match(ps.stdout, /berthc_db_1 .*\(healthy\)/);
    assert.match(ps.stdout, new RegExp(`127\\.0\\.0\\.1:${port}->8080/tcp`));

    await until(async () => /web says: from-db/.test((await compose(['logs', '--no-color', 'worker'])).stdout), 30_000, 'the worker to reach web by name');
    assert.match((await compose(['logs', '--no-color', 'web'])).stdout, /web is up/);

    assert.equal((await compose(['exec', '-T', 'db', 'cat', '/data/index.html'])).stdout, 'from-db\n');

    await compose(['restart', 'web']);
    assert.equal(await httpGet('127.0.0.1', port, 30_000), 'web says: from-db\n');

    // GET /events with compose's label filter, as compose itself asks for it
    const t1 = Math.ceil(Date.now() / 1000) + 1;
    const ev = await docker(['events', '--since', String(t0), '--until', String(t1), '--filter', `label=com.docker.compose.project=${PROJECT}`, '--filter', 'event=start',
      '--format', '{{index .Actor.Attributes "com.docker.compose.service"}}']);
    const started = ev.stdout.split('\n').filter(Boolean);
    assert.deepEqual([...new Set(started)].sort(), ['db', 'web', 'worker']);
    assert.equal(started.filter((s) => s === 'web').length, 2, 'web started twice (up, restart)');

    await compose(['down', '-v']);
    assert.equal((await docker(['ps', '-aq', '--filter', `label=com.docker.compose.project=${PROJECT}`])).stdout, '');
    assert.doesNotMatch((await docker(['volume', 'ls', '-q'])).stdout, /berthc_dbdata/);
    assert.doesNotMatch((await docker(['network', 'ls', '--format', '{{.Name}}'])).stdout, /berthc_default/);
  } finally {
    await d.exec('docker-compose', ['-f', join(dir, 'docker-compose.yml'), '--project-directory', dir, 'down', '-v'], { cwd: dir, env: { WEB_PORT: String(port), COMPOSE_PROJECT_NAME: PROJECT } });
    rmSync(dir, { recursive: true, force: true });
  }
}
