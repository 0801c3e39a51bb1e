import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { makeTar } from '../../src/layers/layer-fixtures.js';
import { BUSYBOX_TAR, TestDaemon, until } from './harness.js';
import { FakeRegistry, apiMessages, buildImage, buildIndex, layer, serveBlob, sha } from './registry-fixtures.js';

/** Everything in the store that could make an image visible or hold its data. */
function storeState(d: TestDaemon): string[] {
  const list = (p: string) => {
    try {
      return readdirSync(join(d.dataRoot, p)).map((n) => `${p}/${n}`);
    } catch {
      return [];
    }
  };
  return [...list('content/blobs/sha256'), ...list('content/ingest'), ...list('overlay/layers'), ...list('image/images')].sort();
}

describe('pull: hostile registries and crafted layers', () => {
  let d: TestDaemon;
  let reg: FakeRegistry;
  const busybox = layer(readFileSync(BUSYBOX_TAR));
  before(async () => {
    // A small layer-size floor so a modest gzip bomb trips the guard quickly.
    d = await TestDaemon.start({ busybox: false, args: ['--max-layer-size', '8m'] });
    reg = await new FakeRegistry().start();
  });
  after(async () => {
    await d.cleanup();
    await reg.stop();
  });

  const images = async () => (await d.berth(['images', '-aq', '--no-trunc'])).stdout;
  const pull = (ref: string, extra: string[] = []) => d.berth(['pull', ...extra, `${reg.host}/${ref}`], { timeoutMs: 60_000 });

  it('refuses a layer with ".." and a hardlink out of the layer; nothing becomes visible', async () => {
    const before = storeState(d);
    reg.addImage('evil', 'dotdot', buildImage([layer(await makeTar([{ name: '../../escaped-by-dotdot', content: 'x' }]))]));
    const r1 = await pull('evil:dotdot');
    assert.equal(r1.code, 1);
    assert.match(r1.stderr, /refusing archive entry .*"\.\."/);
    reg.addImage('evil', 'hardlink', buildImage([layer(await makeTar([{ name: 'hl', type: 'link', linkname: '/etc/passwd' }]))]));
    const r2 = await pull('evil:hardlink');
    assert.equal(r2.code, 1);
    assert.match(r2.stderr, /hardlink "hl" points to .*not in the layer/);
    assert.deepEqual(storeState(d).filter((p) => !p.startsWith('content/blobs')), before.filter((p) => !p.startsWith('content/blobs')));
    assert.equal(await images(), '');
  });

  it('keeps symlinked paths and whiteouts through symlinked parents inside the image', async () => {
    const outside = join(d.dir, 'outside');
    mkdirSync(outside, { recursive: true });
    writeFileSync(join(outside, 'victim'), 'keep me');
    const l1 = layer(await makeTar([
      { name: 'link', type: 'symlink', linkname: outside },
      { name: 'root', type: 'symlink', linkname: '/' },
    ]));
    const l2 = layer(await makeTar([
      { name: 'link/.wh.victim' },
      { name: 'link/planted', content: 'planted' },
      { name: `root${outside}/planted-through-root`, content: 'x' },
    ]));
    reg.addImage('evil', 'symlinks', buildImage([l1, l2]));
    const r = await pull('evil:symlinks');
    // Whatever the verdict on this layer, the host directory is untouched.
    assert.equal(readFileSync(join(outside, 'victim'), 'utf8'), 'keep me');
    assert.deepEqual(readdirSync(outside), ['victim']);
    if (r.code === 0) assert.match(r.stdout, /Pull complete/);
    else assert.match(r.stderr, /refusing|symlink|not a directory/i);
  });

  it('refuses a gzip bomb', async () => {
    // 64 MiB of zeros compress to ~64 KiB: 1000x, beyond both the 8 MiB floor and 256x the compressed size.
    const tarHeader = await makeTar([{ name: 'zeros', content: Buffer.alloc(64 << 20) }]);
    const bomb = layer(tarHeader);
    assert.ok(bomb.bytes.length < 1 << 20);
    reg.addImage('evil', 'bomb', buildImage([bomb]));
    const imagesBefore = await images();
    const r = await pull('evil:bomb');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /exceeds the maximum uncompressed size/);
    assert.equal(await images(), imagesBefore);
  });

  it('refuses a manifest over 4 MiB, an invalid digest string, and wrong bytes for a digest', async () => {
    const img = buildImage([busybox]);
    const imagesBefore = await images();
    const huge = Buffer.from(JSON.stringify({ ...JSON.parse(img.manifest.toString()), annotations: { pad: 'x'.repeat(5 << 20) } }));
    reg.manifests.set('evil:huge', { bytes: huge, mediaType: img.mediaType });
    const r1 = await pull('evil:huge');
    assert.equal(r1.code, 1);
    assert.match(r1.stderr, /larger than the 4194304-byte limit|more than the 4194304-byte limit/);

    const bad = JSON.parse(img.manifest.toString()) as { layers: { digest: string }[] };
    bad.layers[0]!.digest = 'sha256:../../../etc/passwd';
    reg.manifests.set('evil:baddigest', { bytes: Buffer.from(JSON.stringify(bad)), mediaType: img.mediaType });
    const r2 = await pull('evil:baddigest');
    assert.equal(r2.code, 1);
    assert.match(r2.stderr, /invalid digest "sha256:\.\.\/\.\.\/\.\.\/etc\/passwd"/);
    const r3 = await d.berth(['pull', `${reg.host}/evil@sha256:1234`]);
    assert.equal(r3.code, 1);
    assert.match(r3.stderr, /invalid reference format/);

    const before = storeState(d);
    const liar = buildImage([layer(await makeTar([{ name: 'a', content: 'the real content' }]))]);
    reg.addImage('evil', 'liar', liar);
    reg.blobs.set(liar.layers[0]!.digest, gzipSync(await makeTar([{ name: 'a', content: 'something else' }])));
    const r4 = await pull('evil:liar');
    assert.equal(r4.code, 1);
    assert.match(r4.stderr, /digest mismatch for sha256:[a-f0-9]{64}/);
    // The config blob was verified and stays until GC; nothing else (no layer, no record, no partial).
    const now = storeState(d).filter((p) => !before.includes(p));
    assert.deepEqual(now.filter((p) => !p.startsWith('content/blobs')), []);
    assert.equal(await images(), imagesBefore);

    // On the wire: an error after the stream started is an errorDetail line; one before it is an HTTP error.
    const wire = await apiMessages(d.socket, `/images/create?fromImage=${encodeURIComponent(`${reg.host}/evil`)}&tag=liar`);
    assert.equal(wire.status, 200);
    assert.deepEqual([wire.lines[0]!.status, wire.lines[0]!.id], ['Pulling from evil', 'liar']);
    assert.match(String((wire.lines.at(-1)!.errorDetail as { message: string }).message), /digest mismatch/);
    const early = await apiMessages(d.socket, `/images/create?fromImage=${encodeURIComponent(`${reg.host}/evil`)}&tag=nosuchtag`);
    assert.equal(early.status, 404);
    assert.match(String(early.lines[0]!.message), /manifest unknown/);

    // By digest: the manifest itself must hash to the digest asked for.
    reg.manifests.set(`evil:${sha('other')}`, { bytes: img.manifest, mediaType: img.mediaType });
    const r5 = await d.berth(['pull', `${reg.host}/evil@${sha('other')}`]);
    assert.equal(r5.code, 1);
    assert.match(r5.stderr, /manifest verification failed/);

    // By tag: a Docker-Content-Digest header that does not match the bytes.
    reg.hook = (req, res) => {
      if (!req.url?.endsWith('/manifests/badheader')) return false;
      res.writeHead(200, { 'Content-Type': img.mediaType, 'Docker-Content-Digest': sha('x') }).end(img.manifest);
      return true;
    };
    const r7 = await pull('evil:badheader');
    reg.hook = undefined;
    assert.equal(r7.code, 1);
    assert.match(r7.stderr, /manifest verification failed for badheader/);

    // diff_ids in the config must match the layers.
    const wrongDiff = buildImage([busybox], { diffIds: [sha('not the layer')] });
    reg.addImage('evil', 'diffid', wrongDiff);
    const r6 = await pull('evil:diffid');
    assert.equal(r6.code, 1);
    assert.match(r6.stderr, /does not match its diff ID/);
    assert.equal(await images(), imagesBefore);
  });

  it('pulls gzip, zstd and uncompressed layers, selecting the platform from an index', async () => {
    const tar = readFileSync(BUSYBOX_TAR);
    const amd = buildImage([layer(tar, 'zstd')], { cmd: ['echo', 'zstd'] });
    const plain = buildImage([layer(tar, 'none', false)], { oci: false, architecture: 'arm64', variant: 'v8' });
    const index = buildIndex([{ image: amd, architecture: 'amd64' }, { image: plain, architecture: 'arm64', variant: 'v8' }]);
    reg.addImage('multi', '_amd', amd);
    reg.addImage('multi', '_arm', plain);
    reg.manifests.set('multi:1', { bytes: index.bytes, mediaType: index.mediaType });
    const r1 = await pull('multi:1');
    assert.equal(r1.code, 0, r1.stderr);
    assert.match(r1.stdout, new RegExp(`Digest: ${index.digest}`));
    assert.equal((await d.berth(['run', '--rm', `${reg.host}/multi:1`])).stdout, 'zstd\n');
    const digests = await d.berth(['image', 'inspect', '-f', '{{.Architecture}} {{json .RepoDigests}}', `${reg.host}/multi:1`]);
    assert.equal(digests.stdout, `amd64 ["${reg.host}/multi@${index.digest}"]\n`);
    const r2 = await pull('multi:1', ['--platform', 'linux/arm64']);
    assert.equal(r2.code, 0, r2.stderr);
    assert.equal((await d.berth(['image', 'inspect', '-f', '{{.Architecture}}', `${reg.host}/multi:1`])).stdout, 'arm64\n');
    // The retag moved the tag and remembered the amd64 image.
    const h = await d.berth(['image', 'history', '--tags', `${reg.host}/multi:1`]);
    assert.equal(h.stdout.trim().split('\n').length, 3, h.stdout);
    const r3 = await pull('multi:1', ['--platform', 'linux/s390x']);
    assert.equal(r3.code, 1);
    assert.match(r3.stderr, /no matching manifest for linux\/s390x/);
  });

  it('resumes a download cut off mid-blob with a Range request', async () => {
    const l = layer(await makeTar([{ name: 'big', content: randomBytes(600_000) }]));
    const img = buildImage([l]);
    reg.addImage('resume', '1', img);
    let cut = false;
    reg.requests.length = 0;
    reg.hook = (req, res) => {
      if (!cut && req.url?.endsWith(l.digest)) {
        cut = true;
        res.writeHead(200, { 'Content-Length': l.bytes.length });
        res.write(l.bytes.subarray(0, 200_000));
        setTimeout(() => res.socket?.destroy(), 100);
        return true;
      }
      return false;
    };
    const r = await pull('resume:1');
    reg.hook = undefined;
    assert.equal(r.code, 0, r.stderr);
    const gets = reg.requests.filter((q) => q.url.endsWith(l.digest));
    assert.equal(gets.length, 2, JSON.stringify(reg.requests) + r.stdout + d.log.slice(-3000));
    assert.equal(gets[1]!.range, 'bytes=200000-');
  });

  it('downloads a layer shared by two concurrent pulls once', async () => {
    const l = layer(await makeTar([{ name: 'shared', content: Buffer.alloc(300_000, 7) }]));
    reg.addImage('shared', 'a', buildImage([l], { cmd: ['a'] }));
    reg.addImage('shared', 'b', buildImage([l], { cmd: ['b'] }));
    reg.requests.length = 0;
    reg.hook = (req, res) => {
      if (!req.url?.endsWith(l.digest)) return false;
      // Slow enough that both pulls are waiting for this blob at the same time.
      setTimeout(() => serveBlob(req, res, l.bytes), 1500);
      return true;
    };
    const [a, b] = await Promise.all([pull('shared:a'), pull('shared:b')]);
    reg.hook = undefined;
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(reg.requests.filter((q) => q.url.endsWith(l.digest)).length, 1);
  });

  it('never sends credentials across a redirect to another host', async () => {
    const other = await new FakeRegistry().start();
    const busybox = layer(await makeTar([{ name: 'private-file', content: randomBytes(1000) }]));
    try {
      const img = buildImage([busybox]);
      const authed = await new FakeRegistry().start();
      try {
        authed.addImage('private', '1', img);
        other.blobs.set(busybox.digest, busybox.bytes);
        authed.hook = (req, res) => {
          if (req.headers.authorization !== `Basic ${Buffer.from('alice:secret').toString('base64')}`) {
            res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="test"' }).end();
            return true;
          }
          if (req.url?.endsWith(busybox.digest)) {
            res.writeHead(307, { Location: `http://${other.host}/v2/private/blobs/${busybox.digest}` }).end();
            return true;
          }
          return false;
        };
        const denied = await d.berth(['login', '-u', 'alice', '-p', 'wrong', authed.host]);
        assert.equal(denied.code, 1);
        assert.match(denied.stderr, /401 Unauthorized/);
        const login = await d.berth(['login', '-u', 'alice', '--password-stdin', authed.host], { input: 'secret\n' });
        assert.equal(login.code, 0, login.stderr);
        const r = await d.berth(['pull', `${authed.host}/private:1`]);
        assert.equal(r.code, 0, r.stderr);
        assert.ok(authed.requests.some((q) => q.authorization?.startsWith('Basic ')));
        const redirected = other.requests.filter((q) => q.url.includes(busybox.digest));
        assert.equal(redirected.length, 1);
        assert.equal(redirected[0]!.authorization, undefined);
      } finally {
        await authed.stop();
      }
    } finally {
      await other.stop();
    }
  });
});

describe('pull: a daemon killed mid-pull', () => {
  it('leaves no half-visible image, and the next pull resumes and completes it', async () => {
    const d = await TestDaemon.start({ busybox: false });
    const reg = await new FakeRegistry().start();
    try {
      const l = layer(readFileSync(BUSYBOX_TAR));
      reg.addImage('slow', '1', buildImage([l], { cmd: ['echo', 'complete'] }));
      reg.hook = (req, res) => {
        if (!req.url?.endsWith(l.digest) || req.headers.range) return false;
        res.writeHead(200, { 'Content-Length': l.bytes.length });
        res.write(l.bytes.subarray(0, 500_000));
        return true; // and never finish
      };
      const pulling = d.berth(['pull', `${reg.host}/slow:1`], { timeoutMs: 30_000 });
      const partial = join(d.dataRoot, 'content/ingest', `${l.digest.slice(7)}.partial`);
      await until(() => existsSync(partial) && statSync(partial).size >= 500_000, 15_000, 'the partial download');
      await d.kill();
      const r = await pulling;
      assert.notEqual(r.code, 0);
      reg.hook = undefined;
      await d.startProcess();
      assert.equal((await d.berth(['images', '-q'])).stdout, '');
      assert.ok(existsSync(partial), 'the partial download survives the restart');
      const again = await d.berth(['pull', `${reg.host}/slow:1`]);
      assert.equal(again.code, 0, again.stderr);
      assert.ok(reg.requests.some((q) => q.url.endsWith(l.digest) && q.range === 'bytes=500000-'), 'resumed with Range');
      assert.equal((await d.berth(['run', '--rm', `${reg.host}/slow:1`])).stdout, 'complete\n');
      assert.equal(existsSync(partial), false);
    } finally {
      await reg.stop();
      await d.cleanup();
      rmSync(join(d.dir), { recursive: true, force: true });
    }
  });
});
