import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { BUSYBOX_TAR, TestDaemon, run } from './harness.js';

/** Everything in the store that could hold image data. */
function storeState(d: TestDaemon): string[] {
  const list = (p: string) => {
    try {
      return readdirSync(join(d.dataRoot, p)).map((n) => `${p}/${n}`);
    } catch {
      return [];
    }
  };
  return [...list('content/blobs/sha256'), ...list('content/ingest'), ...list('overlay/layers'), ...list('overlay/tmp'), ...list('image/images')].sort();
}

describe('images: import, list, tag, inspect, rmi', () => {
  let d: TestDaemon;
  before(async () => {
    d = await TestDaemon.start({ busybox: false });
  });
  after(async () => {
    await d.cleanup();
  });

  it('imports a rootfs tarball from a file and from stdin, with the image ID Docker computes', async () => {
    const r = await d.berth(['import', BUSYBOX_TAR, 'busybox']);
    assert.equal(r.code, 0, r.stderr);
    const id = r.stdout.trim();
    assert.match(id, /^sha256:[a-f0-9]{64}$/);
    // The image ID is the sha256 of the config blob.
    const cfg = readFileSync(join(d.dataRoot, 'content/blobs/sha256', id.slice(7)));
    const { createHash } = await import('node:crypto');
    assert.equal(`sha256:${createHash('sha256').update(cfg).digest('hex')}`, id);
    const fromStdin = await d.berth(['import', '-c', 'CMD ["sh"]', '-m', 'from stdin', '-', 'bb2:v1'], { input: gzipSync(readFileSync(BUSYBOX_TAR)) });
    assert.equal(fromStdin.code, 0, fromStdin.stderr);
    const cmd = await d.berth(['image', 'inspect', '-f', '{{json .Config.Cmd}} {{.Comment}}', 'bb2:v1']);
    assert.equal(cmd.stdout.trim(), '["sh"] from stdin');
    // Same content, so the layer is shared: both images have the same diff ID.
    const l1 = await d.berth(['image', 'inspect', '-f', '{{json .RootFS.Layers}}', 'busybox']);
    const l2 = await d.berth(['image', 'inspect', '-f', '{{json .RootFS.Layers}}', 'bb2:v1']);
    assert.equal(l1.stdout, l2.stdout);
    assert.equal(readdirSync(join(d.dataRoot, 'overlay/layers')).length, 1);
    const run1 = await d.berth(['run', '--rm', 'bb2:v1', 'echo', 'ok']);
    assert.equal(run1.stdout, 'ok\n');
  });

  it('lists images in docker\'s table and formats', async () => {
    const t = (await d.berth(['images'])).stdout.split('\n');
    assert.match(t[0]!, /^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$/);
    assert.ok(t.some((l) => /^busybox\s+latest\s+[a-f0-9]{12}\s+.+ ago\s+2\.\d+MB$/.test(l)), t.join('\n'));
    assert.equal((await d.berth(['images', '--format', '{{.Repository}}:{{.Tag}}', 'bb2'])).stdout, 'bb2:v1\n');
    assert.equal((await d.berth(['images', '-q'])).stdout.trim().split('\n').length, 2);
  });

  it('tags and untags, deleting an image only when its last name goes', async () => {
    assert.equal((await d.berth(['tag', 'busybox', 'mirror/busybox:1'])).code, 0);
    assert.match((await d.berth(['images', '--format', '{{.Repository}}:{{.Tag}}'])).stdout, /mirror\/busybox:1/);
    const untag = await d.berth(['rmi', 'mirror/busybox:1']);
    assert.equal(untag.stdout, 'Untagged: mirror/busybox:1\n');
    assert.equal((await d.berth(['image', 'inspect', 'busybox'])).code, 0);
    const missing = await d.berth(['tag', 'nope', 'x']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /No such image: nope:latest/);
    const badName = await d.berth(['tag', 'busybox', 'UPPER']);
    assert.equal(badName.code, 1);
    assert.match(badName.stderr, /repository name must be lowercase/);
  });

  it('refuses to delete an image a container uses; deletes layers no one else uses', async () => {
    await d.berth(['create', '--name', 'user', 'bb2:v1', 'true']);
    const refused = await d.berth(['rmi', 'bb2:v1']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /container [a-f0-9]{12} is using its referenced image/);
    await d.berth(['rm', 'user']);
    const del = await d.berth(['rmi', 'bb2:v1']);
    assert.equal(del.code, 0, del.stderr);
    assert.match(del.stdout, /^Untagged: bb2:v1\nDeleted: sha256:[a-f0-9]{64}\n$/);
    // busybox still uses the shared layer.
    assert.equal(readdirSync(join(d.dataRoot, 'overlay/layers')).length, 1);
    assert.equal((await d.berth(['run', '--rm', 'busybox', 'true'])).code, 0);
    const gone = await d.berth(['rmi', 'no-such-image']);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /No such image: no-such-image:latest/);
  });

  it('rejects a corrupt or non-tar import and leaves nothing behind', async () => {
    const before = storeState(d);
    const notTar = join(d.dir, 'not-a.tar');
    writeFileSync(notTar, 'this is not a tar archive at all\n'.repeat(100));
    const r1 = await d.berth(['import', notTar, 'broken']);
    assert.notEqual(r1.code, 0);
    assert.match(r1.stderr, /tar/i);
    const truncated = join(d.dir, 'truncated.tar.gz');
    writeFileSync(truncated, gzipSync(readFileSync(BUSYBOX_TAR)).subarray(0, 200_000));
    const r2 = await d.berth(['import', truncated, 'broken']);
    assert.notEqual(r2.code, 0);
    const r3 = await d.berth(['import', join(d.dir, 'does-not-exist.tar')]);
    assert.equal(r3.code, 1);
    assert.match(r3.stderr, /no such file or directory/);
    const r4 = await d.berth(['import', '-', 'empty'], { input: '' });
    assert.notEqual(r4.code, 0);
    assert.deepEqual(storeState(d), before);
    assert.doesNotMatch((await d.berth(['images', '--format', '{{.Repository}}'])).stdout, /broken|empty/);
  });

  it('inspects images in Docker\'s shape', async () => {
    const r = await d.berth(['image', 'inspect', 'busybox']);
    const [img] = JSON.parse(r.stdout) as Record<string, unknown>[];
    for (const k of ['Id', 'RepoTags', 'RepoDigests', 'Created', 'Config', 'Architecture', 'Os', 'Size', 'RootFS', 'GraphDriver', 'Metadata']) assert.ok(k in img!, k);
    assert.deepEqual(img!.RepoTags, ['busybox:latest']);
  });
});

describe('crash safety of import', () => {
  it('a daemon killed mid-import restarts into a clean store', async () => {
    const d = await TestDaemon.start({ busybox: false });
    try {
      // A slow producer keeps the import in flight while the daemon is killed.
      const big = readFileSync(BUSYBOX_TAR);
      const importing = run('sh', ['-c', `(head -c 1000000 ${BUSYBOX_TAR}; sleep 3; tail -c +1000001 ${BUSYBOX_TAR}) | node ${join(import.meta.dirname, '../../../bin/berth')} -H ${d.host} import - halfway`]);
      await new Promise((r) => setTimeout(r, 1200));
      await d.kill();
      await importing;
      assert.ok(big.length > 1_000_000);
      await d.startProcess();
      assert.deepEqual(storeState(d), []);
      assert.equal((await d.berth(['images', '-q'])).stdout, '');
      const again = await d.berth(['import', BUSYBOX_TAR, 'halfway']);
      assert.equal(again.code, 0, again.stderr);
      assert.equal((await d.berth(['run', '--rm', 'halfway', 'echo', 'complete'])).stdout, 'complete\n');
    } finally {
      await d.cleanup();
    }
  });
});
