import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { existsSync } from 'node:fs';
import { BUSYBOX_TAR, TestDaemon, type RunResult } from './harness.js';

/** docker CLI 28 (/usr/local/bin on this machine kind) and 20.10 (Debian's docker.io, /usr/bin). */
const CLIS = ['/usr/local/bin/docker', '/usr/bin/docker'].filter((p) => existsSync(p));

for (const cli of CLIS) describe(`docker CLI (${cli}) against berth`, () => {
  let d: TestDaemon & { docker: (args: string[], o?: { input?: string }) => Promise<RunResult> };
  before(async () => {
    const td = await TestDaemon.start({ busybox: false });
    const base = td.docker.bind(td);
    d = Object.assign(td, { docker: (args: string[], o: { input?: string } = {}) => base(args, { ...o, binary: cli }) });
  });
  after(async () => {
    await d.cleanup();
  });

  it('import, images, run --rm, run -d, logs, ps, stop, rm, inspect, version', async () => {
    const imp = await d.docker(['import', BUSYBOX_TAR, 'busybox']);
    assert.equal(imp.code, 0, imp.stderr);
    assert.match(imp.stdout, /^sha256:[a-f0-9]{64}\n$/);
    const images = await d.docker(['images', '--format', '{{.Repository}}:{{.Tag}}']);
    assert.equal(images.stdout, 'busybox:latest\n');
    const hello = await d.docker(['run', '--rm', 'busybox', 'echo', 'hello from docker']);
    assert.equal(hello.code, 0, hello.stderr);
    assert.equal(hello.stdout, 'hello from docker\n');
    const code = await d.docker(['run', '--rm', 'busybox', 'sh', '-c', 'echo oops >&2; exit 3']);
    assert.equal(code.code, 3);
    assert.equal(code.stderr, 'oops\n');
    const notFound = await d.docker(['run', '--rm', 'busybox', 'no-such-command']);
    assert.equal(notFound.code, 127);
    const det = await d.docker(['run', '-d', '--name', 'bg', 'busybox', 'sh', '-c', 'echo up; sleep 60']);
    assert.equal(det.code, 0, det.stderr);
    const ps = await d.docker(['ps', '--format', '{{.Names}} {{.Status}}']);
    assert.match(ps.stdout, /^bg Up /);
    const psTable = await d.docker(['ps']);
    assert.match(psTable.stdout, /CONTAINER ID\s+IMAGE\s+COMMAND/);
    const logs = await d.docker(['logs', 'bg']);
    assert.equal(logs.stdout, 'up\n');
    const insp = await d.docker(['inspect', '-f', '{{.Name}} {{.State.Status}} {{.Config.Image}}', 'bg']);
    assert.equal(insp.stdout, '/bg running busybox\n');
    const stop = await d.docker(['stop', '-t', '1', 'bg']);
    assert.equal(stop.code, 0, stop.stderr);
    const rm = await d.docker(['rm', 'bg']);
    assert.equal(rm.code, 0, rm.stderr);
    assert.equal((await d.docker(['ps', '-aq'])).stdout, '');
    const ver = await d.docker(['version', '--format', '{{.Server.APIVersion}}']);
    assert.equal(ver.code, 0, ver.stderr);
    assert.match(ver.stdout, /^1\.\d+\n$/);
    const missing = await d.docker(['rm', 'nothing-here']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /No such container: nothing-here/);
  });

  it('pipes stdin through docker run -i', async () => {
    await d.docker(['import', BUSYBOX_TAR, 'busybox']);
    const r = await d.docker(['run', '-i', '--rm', 'busybox', 'cat'], { input: 'hi\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hi\n');
  });
});

it('has at least one docker CLI to test with', () => {
  assert.ok(CLIS.length > 0, 'scripts/test.sh installs docker.io, which provides /usr/bin/docker');
});
