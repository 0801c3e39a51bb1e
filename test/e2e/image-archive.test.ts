import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { listTar } from '../../src/layers/layer-fixtures.js';
import { BUSYBOX_TAR, TestDaemon } from './harness.js';

describe('save, load, export, import, history', () => {
  let d: TestDaemon;
  before(async () => {
    d = await TestDaemon.start();
  });
  after(async () => {
    await d.cleanup();
  });

  it('round-trips images through save/load in docker-archive and OCI layout formats', async () => {
    const id = (await d.berth(['image', 'inspect', '-f', '{{.Id}}', 'busybox'])).stdout.trim();
    await d.berth(['tag', 'busybox', 'keep/me:v1']);
    for (const format of ['docker', 'oci']) {
      const out = join(d.dir, `${format}.tar`);
      const s = await d.berth(['save', '--format', format, '-o', out, 'keep/me:v1']);
      assert.equal(s.code, 0, s.stderr);
      const names = (await listTar(readFileSync(out))).map((e) => e.header.name);
      assert.ok(names.includes('manifest.json'));
      if (format === 'oci') assert.ok(names.includes('index.json') && names.includes('oci-layout'), names.join());
      else assert.ok(names.some((n) => n.endsWith('/layer.tar')), names.join());
      assert.equal((await d.berth(['rmi', 'keep/me:v1'])).code, 0);
      const l = await d.berth(['load', '-i', out]);
      assert.equal(l.code, 0, l.stderr);
      assert.equal(l.stdout, 'Loaded image: keep/me:v1\n');
      assert.equal((await d.berth(['image', 'inspect', '-f', '{{.Id}}', 'keep/me:v1'])).stdout.trim(), id);
    }
    // Through stdin and stdout too.
    const viaStdout = await d.berth(['save', 'busybox']);
    assert.equal(viaStdout.code, 0);
    const fromStdin = await d.berth(['load'], { input: readFileSync(join(d.dir, 'docker.tar')) });
    assert.equal(fromStdin.stdout, 'Loaded image: keep/me:v1\n');
    assert.equal((await d.berth(['run', '--rm', 'keep/me:v1', 'echo', 'loaded'])).stdout, 'loaded\n');
  });

  it('refuses a broken archive and a save of a missing image, leaving nothing behind', async () => {
    const before = readdirSync(join(d.dataRoot, 'image/images')).sort();
    const junk = join(d.dir, 'junk.tar');
    writeFileSync(junk, 'not a tar at all'.repeat(100));
    const r1 = await d.berth(['load', '-i', junk]);
    assert.equal(r1.code, 1);
    assert.match(r1.stderr, /invalid image archive|neither manifest\.json/);
    const truncated = join(d.dir, 'truncated.tar');
    writeFileSync(truncated, readFileSync(join(d.dir, 'docker.tar')).subarray(0, 100_000));
    const r2 = await d.berth(['load', '-i', truncated]);
    assert.equal(r2.code, 1);
    const r3 = await d.berth(['save', '-o', join(d.dir, 'none.tar'), 'no-such-image']);
    assert.equal(r3.code, 1);
    assert.match(r3.stderr, /No such image: no-such-image:latest/);
    assert.equal(existsSync(join(d.dir, 'none.tar')), false);
    assert.deepEqual(readdirSync(join(d.dataRoot, 'image/images')).sort(), before);
    assert.deepEqual(readdirSync(join(d.dataRoot, 'tmp')), []);
  });

  it('exports a container filesystem that imports back as an image', async () => {
    await d.berth(['run', '--name', 'src', 'busybox', 'sh', '-c', 'echo exported > /marker']);
    const out = join(d.dir, 'export.tar');
    const e = await d.berth(['export', '-o', out, 'src']);
    assert.equal(e.code, 0, e.stderr);
    const names = (await listTar(readFileSync(out))).map((x) => x.header.name.replace(/^\.?\//, ''));
    assert.ok(names.includes('marker') && names.includes('bin/busybox'), names.slice(0, 20).join());
    const imp = await d.berth(['import', out, 'exported:1']);
    assert.equal(imp.code, 0, imp.stderr);
    assert.equal((await d.berth(['run', '--rm', 'exported:1', 'cat', '/marker'])).stdout, 'exported\n');
    const missing = await d.berth(['export', '-o', join(d.dir, 'x.tar'), 'nope']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /No such container: nope/);
    assert.equal(existsSync(join(d.dir, 'x.tar')), false);
  });

  it('serves the docker CLI: save, load, export, image prune', async () => {
    const out = join(d.dir, 'docker-cli.tar');
    const save = await d.docker(['save', '-o', out, 'busybox']);
    assert.equal(save.code, 0, save.stderr);
    await d.berth(['tag', 'busybox', 'keep/busybox:1']);
    assert.equal((await d.berth(['rmi', 'busybox'])).code, 0);
    const load = await d.docker(['load', '-i', out]);
    assert.equal(load.code, 0, load.stderr);
    assert.match(load.stdout, /Loaded image: busybox:latest/);
    const exp = await d.docker(['export', '-o', join(d.dir, 'docker-export.tar'), 'src']);
    assert.equal(exp.code, 0, exp.stderr);
    assert.ok((await listTar(readFileSync(join(d.dir, 'docker-export.tar')))).some((e) => e.header.name.replace(/^\.?\//, '') === 'marker'));
    const prune = await d.docker(['image', 'prune', '-f']);
    assert.equal(prune.code, 0, prune.stderr);
    assert.match(prune.stdout, /Total reclaimed space:/);
  });

  it('shows image history in docker\'s table', async () => {
    const h = await d.berth(['history', 'busybox']);
    assert.equal(h.code, 0, h.stderr);
    const lines = h.stdout.trim().split('\n');
    assert.match(lines[0]!, /^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT$/);
    assert.match(lines[1]!, /^[a-f0-9]{12}\s+.+ago\s+2\.\d+MB\s+Imported from -$/);
    const docker = await d.docker(['history', '--format', '{{.Size}}', 'busybox']);
    assert.equal(docker.code, 0, docker.stderr);
    assert.match(docker.stdout, /^2\.\d+MB\n$/);
  });
});

describe('tag rollback', () => {
  let d: TestDaemon;
  before(async () => {
    d = await TestDaemon.start({ busybox: false, args: ['--rollback-depth', '1'] });
  });
  after(async () => {
    await d.cleanup();
  });

  const version = async (n: number) => {
    const r = await d.berth(['import', '-c', `CMD ["echo", "v${n}"]`, BUSYBOX_TAR, 'app:latest']);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim();
  };
  const runApp = async () => (await d.berth(['run', '--rm', 'app'])).stdout;

  it('lists where a tag pointed, rolls back and forth, and keeps recent versions out of prune', async () => {
    const v1 = await version(1);
    const v2 = await version(2);
    const v3 = await version(3);
    assert.equal(await runApp(), 'v3\n');
    const h = await d.berth(['image', 'history', '--tags', 'app']);
    assert.equal(h.code, 0, h.stderr);
    const rows = h.stdout.trim().split('\n');
    assert.match(rows[0]!, /^VERSION\s+IMAGE ID\s+TAGGED\s+DIGEST$/);
    assert.deepEqual(rows.slice(1).map((r) => r.split(/\s+/).slice(0, 2).join(' ')), [`current ${v3.slice(7, 19)}`, `-1 ${v2.slice(7, 19)}`, `-2 ${v1.slice(7, 19)}`]);

    const back = await d.berth(['image', 'rollback', 'app']);
    assert.equal(back.code, 0, back.stderr);
    assert.equal(back.stdout, `Rolled back app:latest from ${v3.slice(7, 19)} to ${v2.slice(7, 19)}\n`);
    assert.equal(await runApp(), 'v2\n');
    // The rollback is itself recorded: rolling back again returns to v3.
    assert.equal((await d.berth(['image', 'rollback', 'app:latest'])).code, 0);
    assert.equal(await runApp(), 'v3\n');
    const toV1 = await d.berth(['image', 'rollback', 'app', '--to', v1.slice(7, 19)]);
    assert.equal(toV1.code, 0, toV1.stderr);
    assert.equal(await runApp(), 'v1\n');
    const tooFar = await d.berth(['image', 'rollback', 'app', '--to', '-5']);
    assert.equal(tooFar.code, 1);
    assert.match(tooFar.stderr, /has only 2 earlier versions/);
    const unknown = await d.berth(['image', 'rollback', 'app', '--to', 'sha256:' + 'f'.repeat(64)]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /is not in the tag history/);
    const noTag = await d.berth(['image', 'rollback', 'nothing:here']);
    assert.equal(noTag.code, 1);
    assert.match(noTag.stderr, /No such image: nothing:here/);

    // Now: app → v1, history [v3, v2]. With --rollback-depth 1 only v3 is protected.
    const prune = await d.berth(['image', 'prune', '-f']);
    assert.equal(prune.code, 0, prune.stderr);
    assert.match(prune.stdout, new RegExp(`deleted: ${v2}`));
    assert.doesNotMatch(prune.stdout, new RegExp(v3));
    const ids = (await d.berth(['images', '-aq', '--no-trunc'])).stdout.trim().split('\n').sort();
    assert.deepEqual(ids, [v1, v3].sort());
    const h2 = await d.berth(['image', 'history', '--tags', 'app']);
    assert.match(h2.stdout, /\(deleted\)/);
    const gone = await d.berth(['image', 'rollback', 'app', '--to', '-2']);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /has been deleted/);
    assert.equal((await d.berth(['image', 'rollback', 'app'])).code, 0);
    assert.equal(await runApp(), 'v3\n');

    // prune -a removes every image no container uses; a container keeps its image.
    await d.berth(['create', '--name', 'holder', 'app']);
    const all = await d.berth(['image', 'prune', '-a', '-f']);
    assert.equal(all.code, 0, all.stderr);
    assert.deepEqual((await d.berth(['images', '-aq', '--no-trunc'])).stdout.trim().split('\n').filter(Boolean).sort(), [v1, v3].sort());
    await d.berth(['rm', 'holder']);
    const all2 = await d.berth(['image', 'prune', '-a', '-f']);
    assert.match(all2.stdout, /Total reclaimed space: [\d.]+[kM]?B/);
    // v3 (current, now unused) goes; v1 is still the tag's last rollback target.
    assert.match(all2.stdout, new RegExp(`deleted: ${v3}`));
    assert.deepEqual((await d.berth(['images', '-aq', '--no-trunc'])).stdout.trim().split('\n').filter(Boolean), [v1]);
  });
});
