import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { BERTH, TestDaemon, ping, run } from './harness.js';

function get(socket: string, method: string, path: string, body?: unknown): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = request({ socketPath: socket, method, path, headers: data ? { 'Content-Type': 'application/json', 'Content-Length': data.length } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

describe('the Engine API socket', () => {
  let d: TestDaemon;
  before(async () => {
    d = await TestDaemon.start({ busybox: false });
  });
  after(async () => {
    await d.cleanup();
  });

  it('is a root-only socket (0660 or stricter)', () => {
    const st = statSync(d.socket);
    assert.ok(st.isSocket());
    assert.equal(st.mode & 0o007, 0, `mode ${(st.mode & 0o777).toString(8)}`);
    assert.equal(st.uid, 0);
  });

  it('answers GET and HEAD /_ping with Docker\'s headers, with and without a version prefix', async () => {
    for (const path of ['/_ping', '/v1.24/_ping', '/v1.41/_ping', '/v1.50/_ping']) {
      const r = await get(d.socket, 'GET', path);
      assert.equal(r.status, 200, path);
      assert.equal(r.text, 'OK');
      assert.equal(r.headers['api-version'], '1.50');
      assert.equal(r.headers['ostype'], 'linux');
      assert.equal(r.headers['builder-version'], '1');
    }
    const head = await get(d.socket, 'HEAD', '/_ping');
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
  });

  it('serves /version with the fields clients read', async () => {
    const v = JSON.parse((await get(d.socket, 'GET', '/v1.41/version')).text) as Record<string, unknown>;
    for (const k of ['Version', 'ApiVersion', 'MinAPIVersion', 'Os', 'Arch', 'KernelVersion', 'Components']) assert.ok(k in v, k);
    assert.equal(v.ApiVersion, '1.50');
    assert.equal(v.MinAPIVersion, '1.24');
  });

  it('refuses versions outside its range and unknown routes with Docker\'s JSON errors', async () => {
    const tooNew = await get(d.socket, 'GET', '/v1.99/version');
    assert.equal(tooNew.status, 400);
    assert.deepEqual(JSON.parse(tooNew.text), { message: 'client version 1.99 is too new. Maximum supported API version is 1.50' });
    const tooOld = await get(d.socket, 'GET', '/v1.12/version');
    assert.equal(tooOld.status, 400);
    assert.match(JSON.parse(tooOld.text).message, /client version 1\.12 is too old/);
    const missing = await get(d.socket, 'GET', '/nothing/here');
    assert.equal(missing.status, 404);
    assert.deepEqual(JSON.parse(missing.text), { message: 'page not found' });
    const notYet = await get(d.socket, 'GET', '/v1.41/plugins');
    assert.equal(notYet.status, 501);
    assert.deepEqual(JSON.parse(notYet.text), { message: 'GET /plugins is not implemented by berth yet' });
    const swarm = await get(d.socket, 'GET', '/v1.41/swarm');
    assert.equal(swarm.status, 503);
    assert.match(JSON.parse(swarm.text).message, /not a swarm manager/);
  });

  it('maps engine errors to Docker\'s status codes', async () => {
    assert.equal((await get(d.socket, 'GET', '/containers/nope/json')).status, 404);
    assert.equal((await get(d.socket, 'POST', '/containers/create', { Image: 'nope' })).status, 404);
    const bad = await get(d.socket, 'POST', '/containers/create', undefined);
    assert.equal(bad.status, 400);
    assert.match(JSON.parse(bad.text).message, /config cannot be empty/);
  });

  it('is reached through BERTH_HOST as well as -H', async () => {
    const r = await run(process.execPath, [BERTH, 'version', '--format', '{{.Server.ApiVersion}}'], { env: { ...process.env, BERTH_HOST: d.host } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '1.50\n');
    const none = await run(process.execPath, [BERTH, '-H', 'unix:///nonexistent/berth.sock', 'ps']);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /Cannot connect to the berth daemon at unix:\/\/\/nonexistent\/berth\.sock/);
  });
});

describe('the CLI without a daemon on the default socket', () => {
  it('starts one in the background and says so on stderr', async () => {
    const socket = '/run/berth/berth.sock';
    const env = { ...process.env };
    delete env.BERTH_HOST;
    if (await ping(socket)) {
      // Someone already serves the default socket: the CLI must just use it, silently.
      const r = await run(process.execPath, [BERTH, 'version'], { env });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      return;
    }
    const r = await run(process.execPath, [BERTH, 'version', '--format', '{{.Server.ApiVersion}}'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '1.50\n');
    assert.match(r.stderr, /no daemon answered on unix:\/\/\/run\/berth\/berth\.sock; started one in the background \(pid (\d+)/);
    const pid = Number(/pid (\d+)/.exec(r.stderr)![1]);
    assert.ok(await ping(socket));
    process.kill(pid, 'SIGTERM');
  });
});
