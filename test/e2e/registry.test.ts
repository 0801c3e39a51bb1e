import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { makeTar } from '../../src/layers/layer-fixtures.js';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BERTH, TestDaemon, dockerBinary, run } from './harness.js';
import { LocalRegistry } from './registry-harness.js';
import { FaultyProxy, apiMessages } from './registry-fixtures.js';
import { TokenServer, makeCert } from './token-server.js';

const certsDir = mkdtempSync(join(tmpdir(), 'berth-certs-'));
let d: TestDaemon;
before(async () => {
  d = await TestDaemon.start({ args: ['--registry-certs-dir', certsDir] });
});
after(async () => {
  await d.cleanup();
  rmSync(certsDir, { recursive: true, force: true });
});

const digestOf = (pushOut: string) => /digest: (sha256:[a-f0-9]{64})/.exec(pushOut)?.[1];

describe('docker-registry (distribution 2.8) without authentication', () => {
  let reg: LocalRegistry;
  before(async () => {
    reg = await LocalRegistry.start();
  });
  after(async () => {
    await reg.stop();
  });

  it('pushes (HEAD skip, cross-repository mount) and pulls back by tag and by digest', async () => {
    const name = `${reg.host}/team/bb:1`;
    assert.equal((await d.berth(['tag', 'busybox', name])).code, 0);
    const p1 = await d.berth(['push', name]);
    assert.equal(p1.code, 0, p1.stderr);
    assert.match(p1.stdout, new RegExp(`^The push refers to repository \\[${reg.host}/team/bb\\]\n`));
    assert.match(p1.stdout, /[a-f0-9]{12}: Pushed\n/);
    const digest = digestOf(p1.stdout);
    assert.ok(digest, p1.stdout);
    const p2 = await d.berth(['push', name]);
    assert.match(p2.stdout, /[a-f0-9]{12}: Layer already exists\n/);
    assert.equal(digestOf(p2.stdout), digest);
    // The API's push stream ends with aux {Tag, Digest, Size}.
    const wire = await apiMessages(d.socket, `/images/${encodeURIComponent(`${reg.host}/team/bb`)}/push?tag=1`);
    assert.equal(wire.status, 200);
    assert.deepEqual(wire.lines.at(-1), { progressDetail: {}, aux: { Tag: '1', Digest: digest, Size: Number(/size: (\d+)/.exec(p1.stdout)![1]) } });
    await d.berth(['tag', 'busybox', `${reg.host}/other/copy:1`]);
    const p3 = await d.berth(['push', `${reg.host}/other/copy:1`]);
    assert.equal(p3.code, 0, p3.stderr);
    assert.match(p3.stdout, /[a-f0-9]{12}: Mounted from team\/bb\n/);

    assert.equal((await d.berth(['rmi', name, `${reg.host}/other/copy:1`])).code, 0);
    const pull = await d.berth(['pull', name]);
    assert.equal(pull.code, 0, pull.stderr);
    assert.match(pull.stdout, /^1: Pulling from team\/bb\n/);
    assert.match(pull.stdout, new RegExp(`Digest: ${digest}\nStatus: (Downloaded newer image|Image is up to date) for ${reg.host}/team/bb:1\n${reg.host}/team/bb:1\n$`));
    const again = await d.berth(['pull', name]);
    assert.match(again.stdout, /Status: Image is up to date/);
    const byDigest = await d.berth(['pull', `${reg.host}/team/bb@${digest}`]);
    assert.equal(byDigest.code, 0, byDigest.stderr);
    const insp = await d.berth(['image', 'inspect', '-f', '{{json .RepoDigests}}', name]);
    assert.ok((JSON.parse(insp.stdout) as string[]).includes(`${reg.host}/team/bb@${digest}`), insp.stdout);
    assert.equal((await d.berth(['run', '--rm', `${reg.host}/team/bb@${digest}`, 'echo', 'by digest'])).stdout, 'by digest\n');
    const missing = await d.berth(['pull', `${reg.host}/team/bb:nope`]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /manifest for .*team\/bb:nope not found: manifest unknown/);
    const run125 = await d.berth(['run', '--rm', `${reg.host}/team/none:1`, 'true']);
    assert.equal(run125.code, 125);
    assert.match(run125.stderr, /Unable to find image .* locally/);
  });

  it('uploads in chunks and retries transient registry failures with backoff', async () => {
    const proxy = await new FaultyProxy(reg.host).start();
    try {
      const name = `${proxy.host}/retry/bb:1`;
      await d.berth(['tag', 'busybox', name]);
      proxy.fail = { match: (m, u) => m === 'PATCH' && u.includes('/blobs/uploads/'), status: 503 };
      const push = await d.berth(['push', name]);
      assert.equal(push.code, 0, push.stderr);
      const patches = proxy.requests.filter((r) => r.method === 'PATCH');
      assert.equal(patches[0]!.status, 503);
      assert.ok(patches.slice(1).some((r) => r.status === 202 && /^0-\d+$/.test(r.contentRange ?? '')), JSON.stringify(patches));
      // A layer over one chunk (16 MiB) goes up in consecutive PATCH ranges.
      const big = `${proxy.host}/retry/big:1`;
      assert.equal((await d.berth(['import', '-', big], { input: await makeTar([{ name: 'r', content: randomBytes(20 << 20) }]) })).code, 0);
      proxy.requests.length = 0;
      const pushBig = await d.berth(['push', big]);
      assert.equal(pushBig.code, 0, pushBig.stderr);
      const ranges = proxy.requests.filter((r) => r.method === 'PATCH').map((r) => r.contentRange);
      assert.equal(ranges[0], `0-${(16 << 20) - 1}`);
      assert.match(ranges[1] ?? '', new RegExp(`^${16 << 20}-\\d+$`));
      // A registry that keeps failing gives up with the registry's error.
      await d.berth(['tag', 'busybox', `${proxy.host}/retry/down:1`]);
      proxy.requests.length = 0;
      proxy.fail = { match: (m, u) => m === 'HEAD' && u.includes('/blobs/'), status: 503, times: 1000 };
      const down = await d.berth(['push', `${proxy.host}/retry/down:1`]);
      const failures = proxy.requests.filter((r) => r.method === 'HEAD' && r.status === 503).length;
      proxy.fail = undefined;
      assert.equal(down.code, 1);
      assert.match(down.stderr, /answered 503/);
      assert.ok(failures >= 3, `retried ${failures} times`);
    } finally {
      await proxy.stop();
    }
  });

  it('draws per-layer progress bars on a terminal', async () => {
    const name = `${reg.host}/tty/bb:1`;
    const tar = await makeTar([{ name: 'big', content: randomBytes(3 << 20) }]);
    assert.equal((await d.berth(['import', '-', name], { input: tar })).code, 0);
    assert.equal((await d.berth(['push', name])).code, 0);
    assert.equal((await d.berth(['rmi', name])).code, 0);
    const tty = await run('script', ['-qec', `${process.execPath} ${BERTH} -H ${d.host} pull ${name}`, '/dev/null']);
    assert.equal(tty.code, 0, tty.stdout);
    assert.match(tty.stdout, /\x1b\[1A\r\x1b\[2K[a-f0-9]{12}: (Downloading|Extracting) \[=*>? *\] +[\d.]+k?M?B\/[\d.]+MB/);
    assert.match(tty.stdout, /[a-f0-9]{12}: Pull complete/);
  });

  it('pushes images that skopeo reads and copies', async () => {
    const name = `${reg.host}/skopeo/bb:1`;
    await d.berth(['tag', 'busybox', name]);
    const p = await d.berth(['push', name]);
    assert.equal(p.code, 0, p.stderr);
    const insp = await run('skopeo', ['inspect', '--tls-verify=false', `docker://${name}`]);
    assert.equal(insp.code, 0, insp.stderr);
    const j = JSON.parse(insp.stdout) as { Digest: string; Architecture: string; Layers: string[] };
    assert.equal(j.Digest, digestOf(p.stdout));
    assert.equal(j.Architecture, 'amd64');
    const out = mkdtempSync(join(tmpdir(), 'berth-skopeo-'));
    try {
      const copy = await run('skopeo', ['copy', '--src-tls-verify=false', `docker://${name}`, `oci:${out}:bb`]);
      assert.equal(copy.code, 0, copy.stderr);
      assert.ok(existsSync(join(out, 'index.json')));
      // And skopeo's push of that copy pulls back into berth.
      const back = await run('skopeo', ['copy', '--dest-tls-verify=false', `oci:${out}:bb`, `docker://${reg.host}/skopeo/pushed:1`]);
      assert.equal(back.code, 0, back.stderr);
      const pull = await d.berth(['pull', `${reg.host}/skopeo/pushed:1`]);
      assert.equal(pull.code, 0, pull.stderr);
      assert.equal((await d.berth(['run', '--rm', `${reg.host}/skopeo/pushed:1`, 'echo', 'from skopeo'])).stdout, 'from skopeo\n');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('serves the real docker CLI: pull and push through berth', async () => {
    const name = `${reg.host}/dockercli/bb:1`;
    await d.berth(['tag', 'busybox', name]);
    const push = await d.docker(['push', name]);
    assert.equal(push.code, 0, push.stderr);
    assert.match(push.stdout, /1: digest: sha256:[a-f0-9]{64} size: \d+/);
    await d.berth(['rmi', name]);
    const pull = await d.docker(['pull', name]);
    assert.equal(pull.code, 0, pull.stderr);
    assert.match(pull.stdout, /Pull complete|Already exists/);
    assert.match(pull.stdout, /Status: Downloaded newer image/);
    const r = await d.docker(['run', '--rm', name, 'echo', 'docker cli']);
    assert.equal(r.stdout, 'docker cli\n');
  });
});

describe('docker-registry with htpasswd (basic auth)', () => {
  let reg: LocalRegistry;
  before(async () => {
    reg = await LocalRegistry.start({ htpasswd: { alice: 's3cret' } });
  });
  after(async () => {
    await reg.stop();
  });

  it('refuses without credentials, logs in, keeps config.json root-only, pushes and pulls, logs out', async () => {
    const name = `${reg.host}/private/bb:1`;
    await d.berth(['tag', 'busybox', name]);
    const anon = await d.berth(['push', name]);
    assert.equal(anon.code, 1);
    assert.match(anon.stderr, /unauthorized|authentication required/i);
    const cfg = join(d.dir, 'berth-config', 'config.json');
    const bad = await d.berth(['login', '-u', 'alice', '-p', 'wrong', reg.host]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /Error response from daemon: login attempt to http:\/\/127\.0\.0\.1:\d+\/v2\/ failed with status: 401 Unauthorized/);
    assert.equal(existsSync(cfg), false);
    const good = await d.berth(['login', '-u', 'alice', '--password-stdin', reg.host], { input: 's3cret\n' });
    assert.equal(good.code, 0, good.stderr);
    assert.equal(good.stdout, 'Login Succeeded\n');
    assert.equal(statSync(cfg).mode & 0o777, 0o600);
    assert.equal(statSync(join(d.dir, 'berth-config')).mode & 0o777, 0o700);
    const stored = JSON.parse(readFileSync(cfg, 'utf8')) as { auths: Record<string, { auth: string }> };
    assert.equal(Buffer.from(stored.auths[reg.host]!.auth, 'base64').toString(), 'alice:s3cret');
    const push = await d.berth(['push', name]);
    assert.equal(push.code, 0, push.stderr);
    await d.berth(['rmi', name]);
    const pull = await d.berth(['pull', name]);
    assert.equal(pull.code, 0, pull.stderr);
    const out = await d.berth(['logout', reg.host]);
    assert.equal(out.stdout, `Removing login credentials for ${reg.host}\n`);
    await d.berth(['rmi', name]);
    const denied = await d.berth(['pull', name]);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /pull access denied|unauthorized/);

    // The docker CLI logs in through berth's POST /auth and sends X-Registry-Auth.
    const dl = await d.docker(['login', '-u', 'alice', '--password-stdin', reg.host], { input: 's3cret\n' });
    assert.equal(dl.code, 0, dl.stderr);
    const dp = await d.docker(['pull', name]);
    assert.equal(dp.code, 0, dp.stderr);
  });
});

describe('docker-registry with token auth (bearer challenge)', () => {
  let reg: LocalRegistry;
  let tokens: TokenServer;
  const dir = mkdtempSync(join(tmpdir(), 'berth-token-'));
  before(async () => {
    const signing = await makeCert(dir, 'token-signer');
    tokens = await new TokenServer(signing.cert, signing.key, { bob: 'hunter2' }).start();
    reg = await LocalRegistry.start({ token: { realm: tokens.realm, service: tokens.service, issuer: tokens.issuer, rootCertBundle: signing.cert } });
  });
  after(async () => {
    await reg.stop();
    await tokens.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gets scoped tokens from the realm with the credentials, and none without', async () => {
    const name = `${reg.host}/bob/app:1`;
    await d.berth(['tag', 'busybox', name]);
    const anon = await d.berth(['push', name]);
    assert.equal(anon.code, 1);
    const bad = await d.berth(['login', '-u', 'bob', '-p', 'nope', reg.host]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /unauthorized: incorrect username or password/);
    const login = await d.berth(['login', '-u', 'bob', '-p', 'hunter2', reg.host]);
    assert.equal(login.code, 0, login.stderr);
    const push = await d.berth(['push', name]);
    assert.equal(push.code, 0, push.stderr);
    assert.ok(tokens.requests.some((r) => r.user === 'bob' && r.scope.includes('repository:bob/app:pull,push')), JSON.stringify(tokens.requests));
    await d.berth(['rmi', name]);
    const pull = await d.berth(['pull', name]);
    assert.equal(pull.code, 0, pull.stderr);
    await d.berth(['logout', reg.host]);
    await d.berth(['rmi', name]);
    const denied = await d.berth(['pull', name]);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /pull access denied/);
  });
});

describe('docker-registry over TLS with a CA from the certs directory', () => {
  let reg: LocalRegistry;
  const dir = mkdtempSync(join(tmpdir(), 'berth-tls-'));
  before(async () => {
    const c = await makeCert(dir, 'registry');
    reg = await LocalRegistry.start({ tls: c });
    mkdirSync(join(certsDir, reg.host), { recursive: true });
    copyFileSync(c.cert, join(certsDir, reg.host, 'ca.crt'));
  });
  after(async () => {
    await reg.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('verifies the registry against certs.d/<host>/ca.crt and refuses an unknown CA', async () => {
    const name = `${reg.host}/tls/bb:1`;
    await d.berth(['tag', 'busybox', name]);
    const push = await d.berth(['push', name]);
    assert.equal(push.code, 0, push.stderr);
    const inspect = await run('skopeo', ['inspect', '--cert-dir', join(certsDir, reg.host), `docker://${name}`]);
    assert.equal(inspect.code, 0, inspect.stderr);
    // Another CA for the same host: verification must fail.
    const other = await makeCert(dir, 'impostor');
    copyFileSync(other.cert, join(certsDir, reg.host, 'ca.crt'));
    const d2 = await TestDaemon.start({ busybox: false, args: ['--registry-certs-dir', certsDir] });
    try {
      const pull = await d2.berth(['pull', name]);
      assert.equal(pull.code, 1);
      assert.match(pull.stderr, /x509: certificate signed by unknown authority/);
    } finally {
      await d2.cleanup();
    }
  });
});

it('has a docker CLI', () => assert.ok(dockerBinary()));
