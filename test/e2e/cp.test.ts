import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TestDaemon } from './harness.js';

describe('cp and the archive API', () => {
  let d: TestDaemon;
  let work: string;
  before(async () => {
    d = await TestDaemon.start();
    work = join(d.dir, 'work');
    mkdirSync(join(work, 'tree/sub'), { recursive: true });
    writeFileSync(join(work, 'file.txt'), 'file-content\n');
    writeFileSync(join(work, 'tree/sub/leaf'), 'leaf\n');
    const r = await d.berth(['run', '-d', '--name', 'box', '-v', 'cpvol:/vol', 'busybox', 'sleep', '600']);
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await d.cleanup();
  });

  it('copies files and directories both ways with a running container, volumes included', async () => {
    assert.equal((await d.berth(['cp', join(work, 'file.txt'), 'box:/tmp/'])).code, 0);
    assert.equal((await d.berth(['cp', join(work, 'tree'), 'box:/tmp/tree2'])).code, 0);
    assert.equal((await d.berth(['cp', join(work, 'file.txt'), 'box:/vol/in-volume'])).code, 0);
    const ls = await d.berth(['run', '--rm', '-v', 'cpvol:/vol', 'busybox', 'cat', '/vol/in-volume']);
    assert.equal(ls.stdout, 'file-content\n', 'the copy landed in the volume, not under it');
    const out = join(work, 'out');
    mkdirSync(out);
    assert.equal((await d.berth(['cp', 'box:/tmp/tree2', out])).code, 0);
    assert.equal(readFileSync(join(out, 'tree2/sub/leaf'), 'utf8'), 'leaf\n');
    assert.equal((await d.berth(['cp', 'box:/tmp/tree2/.', join(out, 'contents')])).code, 0);
    assert.deepEqual(readdirSync(join(out, 'contents')), ['sub']);
    assert.equal((await d.berth(['cp', 'box:/tmp/file.txt', join(out, 'renamed.txt')])).code, 0);
    assert.equal(readFileSync(join(out, 'renamed.txt'), 'utf8'), 'file-content\n');
    const tar = await d.berth(['cp', 'box:/etc/passwd', '-']);
    assert.equal(tar.stdout.slice(0, 6), 'passwd');
    // The archive API's stat header, as docker clients read it.
    const res = await fetchStat(d, 'box', '/tmp/tree2');
    assert.equal(res.name, 'tree2');
    assert.ok(res.mode >= 2 ** 31, 'a directory carries Go\'s ModeDir bit');
  });

  it('copies with a stopped container, volumes included; -a sets the owner to the container user', async () => {
    const c = await d.berth(['create', '--name', 'stopped', '--user', '33:33', '-v', 'cpvol:/vol', 'busybox', 'true']);
    assert.equal(c.code, 0, c.stderr);
    assert.equal((await d.berth(['cp', join(work, 'file.txt'), 'stopped:/root/'])).code, 0);
    assert.equal((await d.berth(['cp', '-a', join(work, 'file.txt'), 'stopped:/tmp/owned'])).code, 0);
    const out = join(work, 'fromstopped');
    mkdirSync(out);
    assert.equal((await d.berth(['cp', 'stopped:/root/file.txt', out])).code, 0);
    assert.equal(readFileSync(join(out, 'file.txt'), 'utf8'), 'file-content\n');
    assert.equal((await d.berth(['cp', 'stopped:/vol/in-volume', join(out, 'v')])).code, 0);
    assert.equal(readFileSync(join(out, 'v'), 'utf8'), 'file-content\n');
    const tar = await d.berth(['cp', 'stopped:/tmp/owned', '-']);
    assert.equal(tar.stdout.slice(108, 115), '0000041', 'uid 33 in the tar header');
    const id = c.stdout.trim();
    assert.ok(!readFileSync('/proc/self/mountinfo', 'utf8').includes(join(d.dataRoot, 'containers', id)), 'the stopped root is unmounted again');
  });

  it('follows a symlink in the source with -L', async () => {
    await d.berth(['run', '--rm', '--volumes-from', 'box', 'busybox', 'true']);
    const mk = await d.berth(['create', '--name', 'links', 'busybox', 'true']);
    assert.equal(mk.code, 0);
    assert.equal((await d.berth(['cp', join(work, 'file.txt'), 'links:/target.txt'])).code, 0);
    // A symlink made by the archive itself: cp - accepts a tar on stdin.
    const linkTar = await import('node:child_process').then((cp) =>
      cp.spawnSync('sh', ['-c', `cd ${work} && ln -sf /target.txt link && tar -cf - link`], { encoding: 'buffer' }).stdout,
    );
    assert.equal((await d.berth(['cp', '-', 'links:/'], { input: linkTar })).code, 0);
    const out = join(work, 'followed');
    assert.equal((await d.berth(['cp', '-L', 'links:/link', out])).code, 0);
    assert.ok(statSync(out).isFile());
    assert.equal(readFileSync(out, 'utf8'), 'file-content\n');
  });

  it('never follows a container symlink to the host: writes land inside, reads find only the container', async () => {
    const evil = await d.berth(['run', '-d', '--name', 'evil', 'busybox', 'sh', '-c', 'ln -s / /tmp/root; ln -s ../../../../../../etc /tmp/up; ln -s /etc/shadow /tmp/shadow; mkdir -p /tmp/dir; sleep 600']);
    assert.equal(evil.code, 0, evil.stderr);
    await new Promise((r) => setTimeout(r, 200));
    const marker = `berth-cp-escape-${process.pid}`;
    writeFileSync(join(work, marker), 'escaped?\n');
    for (const dest of ['evil:/tmp/root/', 'evil:/tmp/up/', 'evil:/tmp/root/tmp/']) {
      const r = await d.berth(['cp', join(work, marker), dest]);
      assert.equal(r.code, 0, `${dest}: ${r.stderr}`);
    }
    assert.ok(!existsSync(`/${marker}`) && !existsSync(`/etc/${marker}`) && !existsSync(`/tmp/${marker}`), 'nothing was written on the host');
    const inside = await d.berth(['cp', `evil:/etc/${marker}`, '-']);
    assert.equal(inside.code, 0, 'the write through the relative link landed in the container\'s /etc');
    for (const src of ['evil:/tmp/root/etc/shadow', 'evil:/tmp/up/shadow', 'evil:/tmp/shadow/']) {
      const r = await d.berth(['cp', src, join(work, 'stolen')]);
      assert.equal(r.code, 1, src);
      assert.match(r.stderr, /Could not find the file .* in container evil/);
    }
    const follow = await d.berth(['cp', '-L', 'evil:/tmp/shadow', join(work, 'stolen')]);
    assert.equal(follow.code, 1);
    assert.ok(!existsSync(join(work, 'stolen')));
  });

  it('stays inside the container while it swaps a directory for a symlink to / (CVE-2018-15664)', async () => {
    const r = await d.berth(['run', '-d', '--name', 'racer', 'busybox', 'sh', '-c',
      'mkdir -p /w/real; ln -s / /w/link; while :; do mv /w/real /w/tmp 2>/dev/null; mv /w/link /w/real; mv /w/tmp /w/link; mv /w/link /w/tmp2 2>/dev/null; mv /w/real /w/link; mv /w/tmp2 /w/real; done']);
    assert.equal(r.code, 0, r.stderr);
    const marker = `berth-race-${process.pid}`;
    writeFileSync(join(work, marker), 'race\n');
    for (let i = 0; i < 6; i++) await d.berth(['cp', join(work, marker), 'racer:/w/real/']);
    assert.ok(!existsSync(`/${marker}`), 'the race never wrote to the host root');
    for (let i = 0; i < 3; i++) {
      const s = await d.berth(['cp', 'racer:/w/real/etc/shadow', join(work, `race-read-${i}`)]);
      assert.ok(s.code !== 0 || !readFileSync(join(work, `race-read-${i}`), 'utf8').includes('root:'), 'never the host shadow file');
    }
    await d.berth(['rm', '-f', 'racer']);
  });

  it('reports missing paths and containers with docker errors', async () => {
    const a = await d.berth(['cp', 'box:/no/such/file', join(work, 'x')]);
    assert.equal(a.code, 1);
    assert.equal(a.stderr, 'Error response from daemon: Could not find the file /no/such/file in container box\n');
    const b = await d.berth(['cp', join(work, 'file.txt'), 'nosuch:/tmp/']);
    assert.equal(b.code, 1);
    assert.match(b.stderr, /No such container: nosuch/);
    const c = await d.berth(['cp', join(work, 'file.txt'), 'box:/no/such/dir/']);
    assert.equal(c.code, 1);
    const e = await d.berth(['cp', join(work, 'file.txt'), join(work, 'x')]);
    assert.equal(e.code, 1);
    assert.match(e.stderr, /must specify at least one container source/);
  });
});

async function fetchStat(d: TestDaemon, container: string, path: string): Promise<{ name: string; mode: number; size: number; mtime: string; linkTarget: string }> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: d.socket, method: 'HEAD', path: `/v1.41/containers/${container}/archive?path=${encodeURIComponent(path)}` }, (res) => {
      res.resume();
      const h = res.headers['x-docker-container-path-stat'];
      if (res.statusCode !== 200 || typeof h !== 'string') return reject(new Error(`status ${res.statusCode}`));
      resolve(JSON.parse(Buffer.from(h, 'base64').toString()));
    });
    req.on('error', reject);
    req.end();
  });
}
