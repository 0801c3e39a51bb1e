import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BUSYBOX_TAR, TestDaemon } from './harness.js';

const volumeCount = async (d: TestDaemon) => (await d.berth(['volume', 'ls', '-q'])).stdout.split('\n').filter(Boolean).length;

describe('volumes and mounts', () => {
  let d: TestDaemon;
  before(async () => {
    d = await TestDaemon.start();
    // An image with content at a VOLUME mount point.
    const imp = await d.berth(['import', '--change', 'VOLUME /etc', BUSYBOX_TAR, 'bbvol']);
    assert.equal(imp.code, 0, imp.stderr);
  });
  after(async () => {
    await d.cleanup();
  });

  it("keeps a volume's data after rm of the container that wrote it", async () => {
    assert.equal((await d.berth(['volume', 'create', 'keep'])).stdout, 'keep\n');
    const w = await d.berth(['run', '--name', 'writer', '-v', 'keep:/data', 'busybox', 'sh', '-c', 'echo kept > /data/file']);
    assert.equal(w.code, 0, w.stderr);
    assert.equal((await d.berth(['rm', '-v', 'writer'])).code, 0);
    const r = await d.berth(['run', '--rm', '-v', 'keep:/data:ro', 'busybox', 'cat', '/data/file']);
    assert.equal(r.stdout, 'kept\n', r.stderr);
    const ro = await d.berth(['run', '--rm', '-v', 'keep:/data:ro', 'busybox', 'touch', '/data/x']);
    assert.notEqual(ro.code, 0);
    assert.match(ro.stderr, /Read-only file system/);
    const insp = await d.berth(['volume', 'inspect', '-f', '{{.Name}} {{.Driver}} {{.Scope}} {{.Mountpoint}}', 'keep']);
    assert.equal(insp.stdout, `keep local local ${join(d.dataRoot, 'volumes/keep/_data')}\n`);
    assert.equal(readFileSync(join(d.dataRoot, 'volumes/keep/_data/file'), 'utf8'), 'kept\n');
  });

  it('seeds a new volume from the image, unless nocopy; a non-empty volume is left alone', async () => {
    const r = await d.berth(['run', '--rm', '-v', 'seeded:/etc', 'busybox', 'cat', '/etc/passwd']);
    assert.match(r.stdout, /^root:x:0:0/, r.stderr);
    assert.ok(existsSync(join(d.dataRoot, 'volumes/seeded/_data/group')));
    const nocopy = await d.berth(['run', '--rm', '--mount', 'type=volume,src=bare,dst=/etc,volume-nocopy', 'busybox', 'ls', '/etc']);
    assert.doesNotMatch(nocopy.stdout, /passwd/);
    await d.berth(['run', '--rm', '-v', 'seeded:/etc', 'busybox', 'sh', '-c', 'echo mine > /etc/passwd']);
    const again = await d.berth(['run', '--rm', '-v', 'seeded:/etc', 'busybox', 'cat', '/etc/passwd']);
    assert.equal(again.stdout, 'mine\n');
  });

  it('creates anonymous volumes for image VOLUMEs and -v /path; rm -v and --rm remove them, rm keeps them', async () => {
    const base = await volumeCount(d);
    const c = await d.berth(['run', '--name', 'anon1', 'bbvol', 'ls', '/etc/passwd']);
    assert.equal(c.stdout, '/etc/passwd\n', c.stderr);
    const mounts = JSON.parse((await d.berth(['inspect', '-f', '{{json .Mounts}}', 'anon1'])).stdout) as { Type: string; Name: string; Destination: string; RW: boolean }[];
    assert.equal(mounts.length, 1);
    assert.equal(mounts[0]!.Type, 'volume');
    assert.match(mounts[0]!.Name, /^[a-f0-9]{64}$/);
    assert.equal(mounts[0]!.Destination, '/etc');
    assert.equal(await volumeCount(d), base + 1);
    await d.berth(['rm', '-v', 'anon1']);
    assert.equal(await volumeCount(d), base);
    await d.berth(['run', '--rm', '-v', '/scratch', 'busybox', 'true']);
    assert.equal(await volumeCount(d), base);
    await d.berth(['run', '--name', 'anon2', '-v', '/scratch', 'busybox', 'true']);
    await d.berth(['rm', 'anon2']);
    assert.equal(await volumeCount(d), base + 1);
    const dangling = await d.berth(['volume', 'ls', '-q', '--filter', 'dangling=true', '--filter', 'label=com.docker.volume.anonymous']);
    assert.equal(dangling.stdout.split('\n').filter(Boolean).length, 1);
    const pruned = await d.berth(['volume', 'prune', '-f']);
    assert.match(pruned.stdout, /^Deleted Volumes:\n[a-f0-9]{64}\n\nTotal reclaimed space: /);
    assert.equal(await volumeCount(d), base);
    assert.ok((await d.berth(['volume', 'ls', '-q'])).stdout.includes('keep\n'), 'named volumes survive a plain prune');
  });

  it('refuses to remove a volume in use, and names the container', async () => {
    const c = await d.berth(['create', '--name', 'user1', '-v', 'busy:/b', 'busybox', 'true']);
    assert.equal(c.code, 0, c.stderr);
    const id = c.stdout.trim();
    const rm = await d.berth(['volume', 'rm', 'busy']);
    assert.equal(rm.code, 1);
    assert.equal(rm.stderr, `Error response from daemon: remove busy: volume is in use - [${id}]\n`);
    assert.ok((await d.berth(['volume', 'ls', '-q'])).stdout.includes('busy\n'), 'nothing was removed');
    const missing = await d.berth(['volume', 'rm', 'no-such-volume']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no such volume/);
    assert.equal((await d.berth(['volume', 'rm', '-f', 'no-such-volume'])).code, 0);
    const badName = await d.berth(['volume', 'create', 'bad/name']);
    assert.equal(badName.code, 1);
    assert.match(badName.stderr, /includes invalid characters for a local volume name/);
    const badOpt = await d.berth(['volume', 'create', '-o', 'bogus=1', 'optvol']);
    assert.equal(badOpt.code, 1);
    assert.match(badOpt.stderr, /invalid option key: "bogus"/);
    await d.berth(['rm', 'user1']);
    assert.equal((await d.berth(['volume', 'rm', 'busy'])).stdout, 'busy\n');
  });

  it('binds host paths: -v creates a missing one, --mount refuses it; tmpfs, read-only, --volumes-from', async () => {
    const host = join(d.dir, 'host');
    mkdirSync(host);
    writeFileSync(join(host, 'in'), 'from-host\n');
    const r = await d.berth(['run', '--rm', '-v', `${host}:/h`, 'busybox', 'sh', '-c', 'cat /h/in; echo from-container > /h/out']);
    assert.equal(r.stdout, 'from-host\n', r.stderr);
    assert.equal(readFileSync(join(host, 'out'), 'utf8'), 'from-container\n');
    const created = join(d.dir, 'made/by/dash-v');
    assert.equal((await d.berth(['run', '--rm', '-v', `${created}:/m`, 'busybox', 'true'])).code, 0);
    assert.ok(existsSync(created));
    const missing = join(d.dir, 'not-there');
    const m = await d.berth(['run', '--rm', '--mount', `type=bind,source=${missing},target=/m`, 'busybox', 'true']);
    assert.equal(m.code, 125);
    assert.match(m.stderr, new RegExp(`bind source path does not exist: ${missing}`));
    assert.ok(!existsSync(missing));
    const t = await d.berth(['run', '--rm', '--mount', 'type=tmpfs,target=/t,tmpfs-size=2m', '--mount', `type=bind,src=${host},dst=/ro,readonly`, 'busybox', 'sh', '-c', 'df -k /t | tail -1; touch /ro/x']);
    assert.match(t.stdout, /tmpfs\s+2048\s/);
    assert.match(t.stderr, /Read-only file system/);
    const dup = await d.berth(['run', '--rm', '-v', 'a1:/d', '-v', `${host}:/d`, 'busybox', 'true']);
    assert.equal(dup.code, 125);
    assert.match(dup.stderr, /Duplicate mount point: \/d/);
    const src = await d.berth(['run', '--name', 'vsrc', '-v', 'shared:/shared', 'busybox', 'sh', '-c', 'echo via-from > /shared/f']);
    assert.equal(src.code, 0);
    const from = await d.berth(['run', '--rm', '--volumes-from', 'vsrc:ro', 'busybox', 'sh', '-c', 'cat /shared/f; touch /shared/g']);
    assert.equal(from.stdout, 'via-from\n');
    assert.match(from.stderr, /Read-only file system/);
    const noSrc = await d.berth(['run', '--rm', '--volumes-from', 'nosuch', 'busybox', 'true']);
    assert.equal(noSrc.code, 125);
    assert.match(noSrc.stderr, /No such container: nosuch/);
    await d.berth(['rm', 'vsrc']);
  });

  it('mounts local-driver volumes with options (tmpfs) only while in use', async () => {
    const c = await d.berth(['volume', 'create', '-o', 'type=tmpfs', '-o', 'device=tmpfs', '-o', 'o=size=1m', 'tmpvol']);
    assert.equal(c.code, 0, c.stderr);
    const r = await d.berth(['run', '--rm', '-v', 'tmpvol:/t', 'busybox', 'sh', '-c', 'df -k /t | tail -1; echo x > /t/f']);
    assert.match(r.stdout, /tmpfs\s+1024\s/, r.stderr);
    const mountinfo = readFileSync('/proc/self/mountinfo', 'utf8');
    assert.ok(!mountinfo.includes(join(d.dataRoot, 'volumes/tmpvol')), 'unmounted once no container uses it');
    const gone = await d.berth(['run', '--rm', '-v', 'tmpvol:/t', 'busybox', 'ls', '/t']);
    assert.equal(gone.stdout, '', 'a tmpfs volume starts empty each time it is mounted');
    assert.equal((await d.berth(['volume', 'rm', 'tmpvol'])).code, 0);
  });
});
