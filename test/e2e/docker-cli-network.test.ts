import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BUSYBOX_TAR, TestDaemon, type RunResult, httpGet } from './harness.js';
import { hostLeftovers } from './host-network.js';

const CLIS = ['/usr/local/bin/docker', '/usr/bin/docker'].filter((p) => existsSync(p));


const HTTPD = (text: string) => ['sh', '-c', `mkdir -p /www && echo ${text} > /www/index.html && exec httpd -f -p 80 -h /www`];

for (const cli of CLIS) describe(`docker CLI (${cli}): networks, ports, volumes, cp`, () => {
  let d: TestDaemon;
  const docker = (args: string[], o: { input?: string } = {}): Promise<RunResult> => d.docker(args, { ...o, binary: cli });
  before(async () => {
    d = await TestDaemon.start({ busybox: false });
    assert.equal((await docker(['import', BUSYBOX_TAR, 'busybox'])).code, 0);
  });
  after(async () => {
    await d.cleanup();
    assert.deepEqual(await hostLeftovers(d.dataRoot), []);
  });

  it('two containers on a user network fetch a page from each other by name', async () => {
    const net = await docker(['network', 'create', 'webnet']);
    assert.equal(net.code, 0, net.stderr);
    for (const n of ['one', 'two']) {
      const r = await docker(['run', '-d', '--name', n, '--network', 'webnet', 'busybox', ...HTTPD(`hello-${n}`)]);
      assert.equal(r.code, 0, r.stderr);
    }
    const a = await docker(['run', '--rm', '--network', 'container:one', 'busybox', 'wget', '-qO-', 'http://two/']);
    assert.equal(a.stdout, 'hello-two\n', a.stderr);
    const b = await docker(['run', '--rm', '--network', 'container:two', 'busybox', 'wget', '-qO-', 'http://one/']);
    assert.equal(b.stdout, 'hello-one\n', b.stderr);
    const alias = await docker(['run', '--rm', '--network', 'webnet', '--network-alias', 'me', 'busybox', 'wget', '-qO-', 'http://one/']);
    assert.equal(alias.stdout, 'hello-one\n', alias.stderr);
    const insp = await docker(['network', 'inspect', '-f', '{{len .Containers}} {{.Driver}}', 'webnet']);
    assert.equal(insp.stdout, '2 bridge\n');
    const ls = await docker(['network', 'ls', '--format', '{{.Name}}']);
    assert.deepEqual(ls.stdout.trim().split('\n').sort(), ['bridge', 'host', 'none', 'webnet']);
    const ip = await docker(['inspect', '-f', '{{.NetworkSettings.Networks.webnet.IPAddress}}', 'one']);
    assert.match(ip.stdout, /^\d+\.\d+\.\d+\.\d+\n$/);
    const inUse = await docker(['network', 'rm', 'webnet']);
    assert.equal(inUse.code, 1);
    assert.match(inUse.stderr, /has active endpoints/);
    const unknown = await docker(['run', '--rm', '--network', 'nonet', 'busybox', 'true']);
    assert.equal(unknown.code, 125);
    // dockerd answers 404, which the docker CLI takes for a missing image and tries a pull first.
    assert.match(unknown.stderr, /network nonet not found|Unable to find image/);
  });

  it('a published port answers from the host on 127.0.0.1', async () => {
    const r = await docker(['run', '-d', '--name', 'pub', '-p', '127.0.0.1::80', '-p', '80', 'busybox', ...HTTPD('published')]);
    assert.equal(r.code, 0, r.stderr);
    const port = await docker(['port', 'pub', '80/tcp']);
    const ports = [...port.stdout.matchAll(/:(\d+)$/gm)].map((m) => Number(m[1]));
    assert.equal(ports.length, 2, port.stdout);
    for (const p of ports) assert.equal(await httpGet('127.0.0.1', p, 5000), 'published\n');
    const ps = await docker(['ps', '--filter', 'name=pub', '--format', '{{.Ports}}']);
    assert.match(ps.stdout, /127\.0\.0\.1:\d+->80\/tcp/);
    const taken = await docker(['run', '-d', '--name', 'taken', '-p', `${ports[0]}:80`, 'busybox', 'true']);
    assert.equal(taken.code, 125);
    assert.match(taken.stderr, /port is already allocated|address already in use/);
  });

  it("a volume's data survives rm of the container that wrote it", async () => {
    assert.equal((await docker(['volume', 'create', 'data'])).stdout, 'data\n');
    const w = await docker(['run', '--name', 'writer', '-v', 'data:/data', 'busybox', 'sh', '-c', 'echo survived > /data/f']);
    assert.equal(w.code, 0, w.stderr);
    assert.equal((await docker(['rm', 'writer'])).code, 0);
    const r = await docker(['run', '--rm', '--mount', 'source=data,target=/data,readonly', 'busybox', 'cat', '/data/f']);
    assert.equal(r.stdout, 'survived\n', r.stderr);
    const ls = await docker(['volume', 'ls', '--format', '{{.Driver}} {{.Name}}']);
    assert.equal(ls.stdout, 'local data\n');
    const inUse = await docker(['create', '--name', 'holder', '-v', 'data:/d', 'busybox', 'true']);
    assert.equal(inUse.code, 0);
    const rm = await docker(['volume', 'rm', 'data']);
    assert.equal(rm.code, 1);
    assert.match(rm.stderr, /volume is in use/);
    assert.equal((await docker(['rm', '-v', 'holder'])).code, 0);
    assert.equal((await docker(['volume', 'rm', 'data'])).code, 0);
  });

  it('cp copies both ways, with running and stopped containers', async () => {
    const dir = join(d.dir, `cp-${cli.replace(/\W/g, '')}`);
    mkdirSync(join(dir, 'tree'), { recursive: true });
    writeFileSync(join(dir, 'tree/a.txt'), 'aaa\n');
    assert.equal((await docker(['cp', join(dir, 'tree'), 'one:/tmp/tree'])).code, 0);
    const back = await docker(['cp', 'one:/tmp/tree/a.txt', join(dir, 'a-back.txt')]);
    assert.equal(back.code, 0, back.stderr);
    assert.equal(readFileSync(join(dir, 'a-back.txt'), 'utf8'), 'aaa\n');
    const stopped = await docker(['create', '--name', 'cold', 'busybox', 'true']);
    assert.equal(stopped.code, 0);
    assert.equal((await docker(['cp', join(dir, 'tree/a.txt'), 'cold:/etc/'])).code, 0);
    const out = await docker(['cp', 'cold:/etc/a.txt', '-']);
    assert.match(out.stdout, /aaa/);
    const missing = await docker(['cp', 'cold:/nope', join(dir, 'x')]);
    assert.equal(missing.code, 1);
    // docker 20.10 words the 404 itself.
    assert.match(missing.stderr, /Could not find the file \/nope in container cold|No such container:path: cold:\/nope/);
    const link = await docker(['run', '-d', '--name', 'trap', 'busybox', 'sh', '-c', 'ln -s / /escape; sleep 600']);
    assert.equal(link.code, 0);
    await new Promise((r) => setTimeout(r, 200));
    const marker = `docker-cp-escape-${process.pid}`;
    writeFileSync(join(dir, marker), 'x\n');
    assert.equal((await docker(['cp', join(dir, marker), 'trap:/escape/'])).code, 0);
    assert.ok(!existsSync(`/${marker}`), 'the copy through the planted symlink stayed inside the container');
  });
});

it('has a docker CLI for the network tests', () => {
  assert.ok(CLIS.length > 0);
});
