/** tarTree → applyLayer must reproduce a tree exactly; the archive must be a standard tar. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, link, lchown, lutimes, mkdir, symlink, utimes, writeFile, chown } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { sha256 } from '../core/digest.js';
import { native } from '../sys/native.js';
import { applyLayer } from './apply-layer.js';
import { tarTree } from './write-diff.js';
import { describeTree, listTar, removeDir, sink, tempDir } from './layer-fixtures.js';

let base: string;
before(async () => {
  base = await tempDir();
});
after(async () => {
  await removeDir(base);
});

// security.capability v2 for cap_net_raw+ep: binary, with NUL and high bytes.
const CAP = Buffer.from('0100000200200000000000000000000000000000', 'hex');
const LONG = `${'long-directory-name-'.repeat(6)}/${'long-file-name-'.repeat(8)}`;

async function buildTree(root: string): Promise<void> {
  const sys = native();
  const t = (s: number) => new Date(s * 1000);
  await mkdir(join(root, 'etc/ssl'), { recursive: true });
  await mkdir(join(root, 'tmp'));
  await mkdir(join(root, 'private'));
  await mkdir(join(root, LONG.split('/')[0]!));
  await writeFile(join(root, 'etc/hostname'), 'berth\n');
  await writeFile(join(root, 'etc/ssl/blob'), randomBytes(1_500_000));
  await writeFile(join(root, 'empty'), '');
  await writeFile(join(root, LONG), 'long names use pax');
  await writeFile(join(root, 'ping'), 'ELF pretend');
  await chown(join(root, 'ping'), 1234, 5678);
  await chmod(join(root, 'ping'), 0o4755);
  sys.lsetxattr(join(root, 'ping'), 'security.capability', CAP);
  sys.lsetxattr(join(root, 'ping'), 'user.binary', Buffer.from([0, 0xff, 0x0a, 0x3d, 0x20]));
  await writeFile(join(root, 'nobody'), 'mode 0');
  await chmod(join(root, 'nobody'), 0);
  await link(join(root, 'etc/hostname'), join(root, 'hard1'));
  await link(join(root, 'etc/hostname'), join(root, 'tmp/hard2'));
  await symlink('../etc/hostname', join(root, 'tmp/rel-link'));
  await symlink('/etc/passwd', join(root, 'abs-link'));
  await lchown(join(root, 'abs-link'), 42, 43);
  sys.mknod(join(root, 'fifo'), 0o010640, 0, 0);
  sys.mknod(join(root, 'null'), 0o020666, 1, 3);
  sys.mknod(join(root, 'loop'), 0o060660, 7, 300);
  await chmod(join(root, 'tmp'), 0o1777);
  await chmod(join(root, 'private'), 0o700);
  await chown(join(root, 'private'), 1000, 1000);
  sys.lsetxattr(join(root, 'private'), 'user.dir', Buffer.from('on a dir'));
  sys.lsetxattr(join(root, 'private'), 'trusted.overlay.origin', Buffer.from('must not be archived'));
  // Times last (children first), so creating entries does not disturb them.
  await lutimes(join(root, 'abs-link'), t(1_000_000_001), t(1_000_000_001));
  for (const [p, s] of [['etc/hostname', 1_100_000_000], ['ping', 1_200_000_000], ['etc/ssl', 1_300_000_000], ['etc', 1_400_000_000], ['tmp', 1_500_000_000], ['private', 1_600_000_000]] as const) {
    await utimes(join(root, p), t(s), t(s));
  }
}

describe('tarTree / applyLayer round trip', () => {
  it('reproduces files, dirs, links, devices, xattrs, modes, owners and mtimes', async () => {
    const src = join(base, 'src');
    const dst = join(base, 'dst');
    await mkdir(src);
    await mkdir(dst);
    await buildTree(src);
    const out = sink();
    const r = await tarTree(src, out.stream);
    const bytes = out.bytes();
    assert.equal(r.diffId, sha256(bytes));
    assert.equal(r.size, bytes.length);
    const applied = await applyLayer(dst, Readable.from([bytes]), { whiteouts: 'overlay' });
    assert.deepEqual(applied, r);
    const want = await describeTree(src);
    delete want['private']!.xattrs['trusted.overlay.origin'];
    const got = await describeTree(dst);
    assert.deepEqual(got, want);
    // Spot checks that the comparison covered what matters.
    assert.equal(got['ping']!.mode, 0o4755);
    assert.equal(got['ping']!.xattrs['security.capability'], CAP.toString('hex'));
    assert.equal(got['tmp/hard2']!.linkedTo, 'etc/hostname');
    assert.equal(got['loop']!.type, 'block');
  });

  it('is deterministic, and sourceDateEpoch clamps mtimes', async () => {
    const src = join(base, 'src');
    const a = sink();
    const b = sink();
    const ra = await tarTree(src, a.stream, { sourceDateEpoch: 1_250_000_000 });
    const rb = await tarTree(src, b.stream, { sourceDateEpoch: 1_250_000_000 });
    assert.equal(ra.diffId, rb.diffId);
    assert.ok(a.bytes().equals(b.bytes()));
    const entries = await listTar(a.bytes());
    const names = entries.map((e) => e.header.name);
    // Depth-first, each directory's children in sorted order.
    const lastChild = new Map<string, string>();
    for (const n of names) {
      const clean = n.replace(/\/$/, '');
      const i = clean.lastIndexOf('/');
      const [dir, leaf] = [clean.slice(0, i + 1), clean.slice(i + 1)];
      const prev = lastChild.get(dir);
      assert.ok(prev === undefined || prev < leaf, `${n} after ${dir}${prev}`);
      lastChild.set(dir, leaf);
    }
    for (const e of entries) assert.ok(e.header.mtime!.getTime() <= 1_250_000_000_000, e.header.name);
    assert.equal(entries.find((e) => e.header.name === 'etc/hostname')!.header.mtime!.getTime(), 1_100_000_000_000);
    // Parents precede children, names are relative with no "./" prefix.
    assert.ok(names.indexOf('etc/') < names.indexOf('etc/ssl/'));
    assert.ok(names.every((n) => !n.startsWith('/') && !n.startsWith('./')));
  });

  it('writes a tar GNU tar can read, and reads GNU-format long names', async () => {
    const out = sink();
    await tarTree(join(base, 'src'), out.stream);
    const listing = execFileSync('tar', ['-tvf', '-'], { input: out.bytes(), maxBuffer: 64 << 20 }).toString();
    assert.match(listing, /hard2 link to etc\/hostname/);
    assert.ok(listing.includes(LONG));
    const gnu = execFileSync('tar', ['--format=gnu', '-cf', '-', '-C', join(base, 'src'), '.'], { maxBuffer: 64 << 20 });
    assert.match(execFileSync('tar', ['-tvf', '-'], { input: gnu }).toString(), /long-file-name/);
    const dst = join(base, 'gnu');
    await mkdir(dst);
    await applyLayer(dst, Readable.from([gnu]), { whiteouts: 'overlay' });
    const want = await describeTree(join(base, 'src'));
    const got = await describeTree(dst);
    // GNU tar without --xattrs drops xattrs; compare everything else.
    for (const t of [want, got]) for (const v of Object.values(t)) v.xattrs = {};
    assert.deepEqual(got, want);
  });
});
