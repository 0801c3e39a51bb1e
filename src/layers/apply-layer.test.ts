/**
 * applyLayer against hostile archives: every test builds a target root next to a sentinel
 * directory and proves that nothing outside the root was touched.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readFileSync, statSync } from 'node:fs';
import { mkdir, writeFile, readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { isEngineError, type ErrorCode } from '../core/errors.js';
import { sha256 } from '../core/digest.js';
import { applyLayer, type ApplyOptions } from './apply-layer.js';
import { describeTree, makeTar, removeDir, tempDir, type FixtureEntry } from './layer-fixtures.js';

let base: string;
let n = 0;

/** A fresh root plus a sentinel dir beside it; `check()` asserts the sentinel is unchanged. */
async function scene(): Promise<{ root: string; sentinel: string; check: () => Promise<void> }> {
  const dir = join(base, `s${n++}`);
  const root = join(dir, 'root');
  const sentinel = join(dir, 'sentinel');
  await mkdir(root, { recursive: true });
  await mkdir(join(sentinel, 'sub'), { recursive: true });
  await writeFile(join(sentinel, 'file'), 'precious');
  await writeFile(join(sentinel, 'sub', 'deep'), 'also precious');
  const before = await describeTree(dir, { mtimes: true });
  delete before['root'];
  const check = async (): Promise<void> => {
    const now = await describeTree(dir, { mtimes: true });
    for (const k of Object.keys(now)) if (k === 'root' || k.startsWith('root/')) delete now[k];
    assert.deepEqual(now, Object.fromEntries(Object.entries(before).filter(([k]) => !k.startsWith('root/'))));
  };
  return { root, sentinel, check };
}

function apply(root: string, data: Buffer, opts: Partial<ApplyOptions> = {}) {
  return applyLayer(root, Readable.from([data]), { whiteouts: 'overlay', ...opts });
}

async function rejectsWith(p: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isEngineError(e), `expected an EngineError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return true;
  });
}

before(async () => {
  base = await tempDir();
});
after(async () => {
  await removeDir(base);
});

describe('applyLayer: path traversal', () => {
  for (const name of ['../escape', 'a/../../escape', './../escape', 'a/b/../../../escape']) {
    it(`refuses ${JSON.stringify(name)} and writes nothing outside the root`, async () => {
      const { root, check } = await scene();
      await rejectsWith(apply(root, await makeTar([{ name, content: 'x' }])), 'InvalidArgument');
      assert.equal(existsSync(join(root, '..', 'escape')), false);
      assert.equal(existsSync('/escape'), false);
      await check();
    });
  }

  it('refuses a non-directory entry naming the root itself', async () => {
    const { root, check } = await scene();
    await writeFile(join(root, 'existing'), 'keep me');
    for (const e of [{ name: '.', content: 'x' }, { name: '/', type: 'symlink', linkname: '/tmp' }, { name: './', type: 'fifo' }] as FixtureEntry[]) {
      await rejectsWith(apply(root, await makeTar([e]), { whiteouts: 'direct' }), 'InvalidArgument');
    }
    assert.equal(readFileSync(join(root, 'existing'), 'utf8'), 'keep me');
    await check();
  });

  it('puts absolute names inside the root (leading "/" stripped, as GNU tar does)', async () => {
    const { root, check } = await scene();
    assert.equal(existsSync('/etc/berth-layer-test'), false);
    const r = await apply(root, await makeTar([{ name: '/etc/berth-layer-test', content: 'inside' }, { name: '//./abs/./x', content: 'y' }]));
    assert.equal(readFileSync(join(root, 'etc/berth-layer-test'), 'utf8'), 'inside');
    assert.equal(readFileSync(join(root, 'abs/x'), 'utf8'), 'y');
    assert.equal(existsSync('/etc/berth-layer-test'), false);
    assert.ok(r.size > 0);
    await check();
  });
});

describe('applyLayer: symlink escapes', () => {
  for (const target of ['/', '../../..', '../../../../../../..']) {
    it(`a file under symlink evil -> ${target} lands inside the root`, async () => {
      const { root, check } = await scene();
      await apply(root, await makeTar([
        { name: 'evil', type: 'symlink', linkname: target },
        { name: 'evil/pwned', content: 'gotcha' },
      ]));
      assert.equal(readFileSync(join(root, 'pwned'), 'utf8'), 'gotcha');
      assert.equal(lstatSync(join(root, 'evil')).isSymbolicLink(), true);
      assert.equal(existsSync('/pwned'), false);
      await check();
    });
  }

  it('a symlink to the host sentinel path cannot be written through', async () => {
    const { root, sentinel, check } = await scene();
    // Dangling inside the root: refused, like GNU tar, rather than guessed at.
    await rejectsWith(apply(root, await makeTar([
      { name: 'link', type: 'symlink', linkname: sentinel },
      { name: 'link/file', content: 'overwritten' },
    ])), 'InvalidArgument');
    await check();
    // With the same path present inside the root, the link resolves there.
    await apply(root, await makeTar([
      { name: `${sentinel}/`, type: 'directory' },
      { name: 'link', type: 'symlink', linkname: sentinel },
      { name: 'link/file', content: 'overwritten' },
      { name: 'link/sub/deep', content: 'overwritten' },
    ]));
    assert.equal(readFileSync(join(root, sentinel, 'file'), 'utf8'), 'overwritten');
    assert.equal(readFileSync(join(root, sentinel, 'sub/deep'), 'utf8'), 'overwritten');
    await check();
  });

  it('a symlink entry replacing an existing dir does not redirect later entries out', async () => {
    const { root, check } = await scene();
    await apply(root, await makeTar([
      { name: 'd', type: 'directory', mode: 0o755 },
      { name: 'd', type: 'symlink', linkname: '/..' },
      { name: 'd/x', content: 'x' },
    ]));
    assert.equal(readFileSync(join(root, 'x'), 'utf8'), 'x');
    await check();
  });
});

describe('applyLayer: hardlink escapes', () => {
  it('a hardlink to /etc/passwd does not link the host file', async () => {
    const { root, check } = await scene();
    const hostLinks = statSync('/etc/passwd').nlink;
    await rejectsWith(apply(root, await makeTar([{ name: 'pw', type: 'link', linkname: '/etc/passwd' }])), 'InvalidArgument');
    assert.equal(existsSync(join(root, 'pw')), false);
    assert.equal(statSync('/etc/passwd').nlink, hostLinks);
    await check();
  });

  it('a hardlink to /etc/passwd links the root\'s own etc/passwd when the layer has one', async () => {
    const { root, check } = await scene();
    await apply(root, await makeTar([
      { name: 'etc/passwd', content: 'root:x:0:0::/root:/bin/sh\n' },
      { name: 'pw', type: 'link', linkname: '/etc/passwd' },
    ]));
    assert.equal(statSync(join(root, 'pw')).ino, statSync(join(root, 'etc/passwd')).ino);
    assert.notEqual(statSync(join(root, 'pw')).ino, statSync('/etc/passwd').ino);
    await check();
  });

  it('a hardlink through a symlink pointing at / stays inside the root', async () => {
    const { root, check } = await scene();
    await rejectsWith(apply(root, await makeTar([
      { name: 'evil', type: 'symlink', linkname: '/' },
      { name: 'pw', type: 'link', linkname: 'evil/etc/shadow' },
    ])), 'InvalidArgument');
    await check();
  });

  for (const target of ['../../x', 'a/../../x']) {
    it(`refuses a hardlink to ${target}`, async () => {
      const { root, sentinel, check } = await scene();
      await rejectsWith(apply(root, await makeTar([{ name: 'h', type: 'link', linkname: `${target}` }])), 'InvalidArgument');
      await rejectsWith(apply(root, await makeTar([{ name: 'h', type: 'link', linkname: `../sentinel/file` }])), 'InvalidArgument');
      assert.equal(statSync(join(sentinel, 'file')).nlink, 1);
      await check();
    });
  }
});

describe('applyLayer: whiteouts', () => {
  it('a whiteout through a symlinked parent does not delete the host file (direct mode)', async () => {
    const { root, sentinel, check } = await scene();
    await apply(root, await makeTar([
      { name: 'link', type: 'symlink', linkname: sentinel },
      { name: 'link/.wh.file', content: '' },
      { name: 'up', type: 'symlink', linkname: '../sentinel' },
      { name: 'up/.wh.file', content: '' },
      { name: 'up/.wh..wh..opq', content: '' },
    ]), { whiteouts: 'direct' });
    assert.equal(readFileSync(join(sentinel, 'file'), 'utf8'), 'precious');
    await check();
  });

  it('a whiteout through a symlinked parent stays inside the root (overlay mode)', async () => {
    const { root, sentinel, check } = await scene();
    await rejectsWith(apply(root, await makeTar([
      { name: 'link', type: 'symlink', linkname: sentinel },
      { name: 'link/.wh.file', content: '' },
    ])), 'InvalidArgument');
    await check();
    await apply(root, await makeTar([
      { name: `${sentinel}/`, type: 'directory' },
      { name: 'link', type: 'symlink', linkname: sentinel },
      { name: 'link/.wh.file', content: '' },
    ]), { whiteouts: 'overlay' });
    assert.equal(lstatSync(join(root, sentinel, 'file')).isCharacterDevice(), true);
    await check();
  });

  it('direct mode deletes whited-out paths and empties opaque dirs of older content', async () => {
    const { root, check } = await scene();
    for (const f of ['gone/inner/file', 'f1', 'keep', 'opq/old1', 'opq/sub/old2', 'opq/sub/deeper/old3']) {
      await mkdir(join(root, f, '..'), { recursive: true });
      await writeFile(join(root, f), 'old');
    }
    await apply(root, await makeTar([
      { name: '.wh.gone', content: '' },
      { name: '.wh.f1', content: '' },
      { name: '.wh.never-existed', content: '' },
      { name: 'opq/', type: 'directory' },
      { name: 'opq/sub/', type: 'directory' },
      { name: 'opq/sub/new2', content: 'new' },
      { name: 'opq/.wh..wh..opq', content: '' },
      { name: 'opq/new1', content: 'new' },
    ]), { whiteouts: 'direct' });
    assert.deepEqual(Object.keys(await describeTree(root)).sort(), ['keep', 'opq', 'opq/new1', 'opq/sub', 'opq/sub/new2']);
    await check();
  });

  it('overlay mode: a same-layer entry wins over its whiteout; whiteout entries are never files', async () => {
    const { root, check } = await scene();
    await apply(root, await makeTar([
      { name: 'a', content: 'mine' },
      { name: '.wh.a', content: '' },
      { name: '.wh.b', content: '' },
      { name: 'd/.wh..wh..opq', content: '' },
    ]));
    assert.equal(readFileSync(join(root, 'a'), 'utf8'), 'mine');
    const b = lstatSync(join(root, 'b'));
    assert.ok(b.isCharacterDevice());
    assert.equal(b.rdev, 0);
    const tree = await describeTree(root);
    assert.deepEqual(Object.keys(tree).sort(), ['a', 'b', 'd']);
    assert.equal(tree['d']!.xattrs['trusted.overlay.opaque'], Buffer.from('y').toString('hex'));
    await check();
  });

  it('ignores trusted.overlay.* xattrs smuggled in pax headers', async () => {
    const { root } = await scene();
    await apply(root, await makeTar([
      { name: 'd', type: 'directory', pax: { 'SCHILY.xattr.trusted.overlay.opaque': 'y', 'SCHILY.xattr.trusted.overlay.redirect': '/x', 'SCHILY.xattr.user.ok': 'v' } },
    ]));
    assert.deepEqual((await describeTree(root))['d']!.xattrs, { 'user.ok': Buffer.from('v').toString('hex') });
  });

  it('refuses a whiteout named ".."', async () => {
    const { root, check } = await scene();
    await rejectsWith(apply(root, await makeTar([{ name: 'a/.wh...', content: '' }]), { whiteouts: 'direct' }), 'InvalidArgument');
    await check();
  });
});

describe('applyLayer: replacing existing content', () => {
  it('replaces files, removes a dir replaced by a file, keeps an existing dir', async () => {
    const { root } = await scene();
    await mkdir(join(root, 'dir2file/child'), { recursive: true });
    await mkdir(join(root, 'keepdir'));
    await writeFile(join(root, 'keepdir/old'), 'old');
    await writeFile(join(root, 'f'), 'old');
    await symlink('f', join(root, 'l'));
    await apply(root, await makeTar([
      { name: 'dir2file', content: 'now a file' },
      { name: 'keepdir', type: 'directory', mode: 0o700, uid: 7, gid: 8 },
      { name: 'f', content: 'new' },
      { name: 'l', content: 'not a link any more' },
    ]));
    const t = await describeTree(root);
    assert.equal(t['dir2file']!.type, 'file');
    assert.equal(readFileSync(join(root, 'keepdir/old'), 'utf8'), 'old');
    assert.equal(t['keepdir']!.mode, 0o700);
    assert.equal(t['keepdir']!.uid, 7);
    assert.equal(readFileSync(join(root, 'f'), 'utf8'), 'new');
    assert.equal(t['l']!.type, 'file');
    assert.equal(readFileSync(join(root, 'f'), 'utf8'), 'new');
  });

  it('restores directory mtimes after their children are written', async () => {
    const { root } = await scene();
    const mtime = new Date(1_500_000_000_000);
    await apply(root, await makeTar([
      { name: 'd', type: 'directory', mtime },
      { name: 'd/a', content: 'a' },
      { name: 'd/.wh.x', content: '' },
    ]));
    assert.equal(statSync(join(root, 'd')).mtimeMs, 1_500_000_000_000);
  });

  it('reads GNU long names and pax long names', async () => {
    const { root } = await scene();
    const long = `${'d'.repeat(150)}/${'f'.repeat(120)}`;
    await apply(root, await makeTar([{ name: long, content: 'pax' }]));
    assert.equal(readFileSync(join(root, long), 'utf8'), 'pax');
  });
});

describe('applyLayer: bad input', () => {
  it('refuses input that is not a tar', async () => {
    const { root, check } = await scene();
    await rejectsWith(apply(root, Buffer.from('this is certainly not a tar archive\n'.repeat(50))), 'InvalidArgument');
    await rejectsWith(apply(root, Buffer.alloc(0)), 'InvalidArgument');
    await rejectsWith(apply(root, Buffer.from([0x42, 0x5a, 0x68])), 'InvalidArgument');
    await check();
  });

  it('refuses a truncated tar and a truncated gzip', async () => {
    const { root, check } = await scene();
    const tarball = await makeTar([{ name: 'big', content: Buffer.alloc(100_000, 7) }]);
    await rejectsWith(apply(root, tarball.subarray(0, 50_000)), 'InvalidArgument');
    const gz = gzipSync(tarball);
    await rejectsWith(apply(root, gz.subarray(0, gz.length - 20)), 'InvalidArgument');
    await rejectsWith(apply(root, Buffer.concat([gz.subarray(0, 10), Buffer.from('garbage garbage garbage')])), 'InvalidArgument');
    await check();
  });

  it('refuses a gzip bomb once maxBytes is exceeded', async () => {
    const { root } = await scene();
    const tarball = await makeTar([{ name: 'zeros', content: Buffer.alloc(64 << 20) }]);
    const gz = gzipSync(tarball, { level: 9 });
    assert.ok(gz.length < 1 << 20);
    await rejectsWith(apply(root, gz, { maxBytes: 1 << 20 }), 'InvalidArgument');
    const size = existsSync(join(root, 'zeros')) ? statSync(join(root, 'zeros')).size : 0;
    assert.ok(size < 64 << 20);
  });

  it('refuses a missing target directory', async () => {
    await rejectsWith(apply(join(base, 'does-not-exist'), await makeTar([])), 'NotFound');
  });
});

describe('applyLayer: results', () => {
  it('returns the sha256 of the uncompressed tar for plain, gzip and zstd input', async () => {
    const tarball = await makeTar([{ name: 'a', content: 'hello' }, { name: 'b/', type: 'directory' }]);
    const plain = await apply((await scene()).root, tarball);
    assert.deepEqual(plain, { diffId: sha256(tarball), size: tarball.length });
    const gz = await apply((await scene()).root, gzipSync(tarball));
    assert.deepEqual(gz, plain);
    if (existsSync('/usr/bin/zstd')) {
      const { execFileSync } = await import('node:child_process');
      const zst = execFileSync('/usr/bin/zstd', ['-c', '-q'], { input: tarball });
      const { root } = await scene();
      assert.deepEqual(await apply(root, zst), plain);
      assert.equal(await readFile(join(root, 'a'), 'utf8'), 'hello');
    }
  });

  it('zstd without the zstd program is NotImplemented', async () => {
    const zstdMagic = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]);
    const saved = process.env['PATH'];
    process.env['PATH'] = '/nonexistent';
    try {
      await rejectsWith(apply((await scene()).root, zstdMagic), 'NotImplemented');
    } finally {
      process.env['PATH'] = saved;
    }
  });

  it('hashes trailing bytes after the end-of-archive marker too', async () => {
    const tarball = Buffer.concat([await makeTar([{ name: 'a', content: 'x' }]), Buffer.alloc(4096)]);
    assert.equal((await apply((await scene()).root, tarball)).diffId, sha256(tarball));
  });

  it('applies many small chunks the same as one', async () => {
    const entries: FixtureEntry[] = [{ name: 'p', content: Buffer.alloc(3000, 1), pax: { 'SCHILY.xattr.user.k': 'v' } }];
    const tarball = await makeTar(entries);
    const { root } = await scene();
    const chunks = [...Array(tarball.length).keys()].filter((i) => i % 7 === 0).map((i) => tarball.subarray(i, i + 7));
    const r = await applyLayer(root, Readable.from(chunks), { whiteouts: 'overlay' });
    assert.equal(r.diffId, sha256(tarball));
    assert.equal(statSync(join(root, 'p')).size, 3000);
  });
});
