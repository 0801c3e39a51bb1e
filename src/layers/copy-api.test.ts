/**
 * The copy API's worker modes (statPath, archivePath, applyLayer with `within`): paths resolve
 * inside the given root, whatever symlinks the root contains.
 */
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readFileSync, statSync } from 'node:fs';
import { mkdir, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import tar from 'tar-stream';
import { isEngineError } from '../core/errors.js';
import { applyLayer } from './apply-layer.js';
import { makeTar, removeDir, sink, tempDir } from './layer-fixtures.js';
import { archivePath, statPath } from './write-diff.js';

async function names(buf: Buffer): Promise<string[]> {
  const out: string[] = [];
  const ex = tar.extract();
  await new Promise<void>((res, rej) => {
    ex.on('entry', (h, s, next) => {
      out.push(h.name);
      s.resume();
      s.on('end', next);
    });
    ex.on('finish', res);
    ex.on('error', rej);
    ex.end(buf);
  });
  return out;
}

describe('copy API workers', () => {
  let base: string;
  let root: string;
  let outside: string;
  before(async () => {
    base = await tempDir('berth-cp-');
    root = join(base, 'root');
    outside = join(base, 'outside');
    await mkdir(join(root, 'dir/sub'), { recursive: true });
    await mkdir(outside);
    await writeFile(join(root, 'dir/sub/file'), 'inside\n');
    await writeFile(join(outside, 'secret'), 'host secret\n');
    await symlink('/', join(root, 'toroot'));
    await symlink('../../../../outside', join(root, 'up'));
    await symlink('/dir/sub/file', join(root, 'filelink'));
    await symlink('/nowhere/x', join(root, 'dangling'));
  });
  after(async () => {
    await removeDir(base);
  });

  it('stats paths in docker\'s shape, never following the last element', async () => {
    const f = await statPath(root, '/dir/sub/file');
    assert.equal(f.name, 'file');
    assert.equal(f.size, 7);
    assert.equal(f.mode, 0o644);
    assert.match(f.mtime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    const d = await statPath(root, '/dir');
    assert.equal(d.mode, 2 ** 31 + 0o755);
    const l = await statPath(root, '/filelink');
    assert.equal(l.mode, 2 ** 27 + 0o777);
    assert.equal(l.linkTarget, '/dir/sub/file');
    assert.equal((await statPath(root, '/dangling')).linkTarget, '/nowhere/x');
    // Through symlinks in the directory part: resolved inside the root.
    assert.equal((await statPath(root, '/toroot/dir/sub/file')).size, 7);
    await assert.rejects(statPath(root, '/up/secret'), (e) => isEngineError(e, 'NotFound'));
    await assert.rejects(statPath(root, '/nope'), (e) => isEngineError(e, 'NotFound'));
  });

  it('refuses a root that is not the expected directory', async () => {
    const st = await stat(root, { bigint: true });
    assert.equal((await statPath(root, '/dir', `${st.dev}:${st.ino}`)).name, 'dir');
    await assert.rejects(statPath(root, '/dir', `${st.dev}:${st.ino + 1n}`), (e) => isEngineError(e, 'FailedPrecondition'));
  });

  it('archives a path under the name asked for, its contents below it', async () => {
    const a = sink();
    await archivePath(root, '/dir', 'renamed', a.stream);
    assert.deepEqual(await names(a.bytes()), ['renamed/', 'renamed/sub/', 'renamed/sub/file']);
    const b = sink();
    await archivePath(root, '/dir/.', '.', b.stream);
    assert.deepEqual(await names(b.bytes()), ['./', './sub/', './sub/file']);
    const c = sink();
    await archivePath(root, '/filelink', 'filelink', c.stream);
    assert.deepEqual(await names(c.bytes()), ['filelink']);
    const e = sink();
    await assert.rejects(archivePath(root, '/up/secret', 'secret', e.stream), (x) => isEngineError(x, 'NotFound'));
    const f = sink();
    await archivePath(root, '/toroot/dir/sub/file', 'file', f.stream);
    assert.deepEqual(await names(f.bytes()), ['file']);
  });

  it('extracts below a path resolved inside the root, with chown and no dir/non-dir replacement', async () => {
    const t = await makeTar([{ name: 'new.txt', content: 'hello\n', uid: 1234, gid: 1234 }]);
    await applyLayer(root, Readable.from([t]), { whiteouts: 'none', within: '/toroot/dir' });
    assert.equal(readFileSync(join(root, 'dir/new.txt'), 'utf8'), 'hello\n');
    assert.equal(statSync(join(root, 'dir/new.txt')).uid, 1234);
    // ../../../../outside resolves to /outside inside the root, which does not exist there.
    await assert.rejects(applyLayer(root, Readable.from([t]), { whiteouts: 'none', within: '/up' }), (e) => isEngineError(e, 'NotFound'));
    assert.ok(!existsSync(join(outside, 'new.txt')), 'a relative escape stays in the root');
    await applyLayer(root, Readable.from([t]), { whiteouts: 'none', within: '/toroot' });
    assert.ok(existsSync(join(root, 'new.txt')));
    await applyLayer(root, Readable.from([t]), { whiteouts: 'none', within: '/dir', chown: { uid: 33, gid: 34 } });
    assert.equal(lstatSync(join(root, 'dir/new.txt')).gid, 34);
    const wh = await makeTar([{ name: '.wh.new.txt', content: '' }]);
    await applyLayer(root, Readable.from([wh]), { whiteouts: 'none', within: '/dir' });
    assert.ok(existsSync(join(root, 'dir/new.txt')) && existsSync(join(root, 'dir/.wh.new.txt')), "'none' keeps .wh. names as files");
    const clash = await makeTar([{ name: 'sub', content: 'not a dir' }]);
    await assert.rejects(
      applyLayer(root, Readable.from([clash]), { whiteouts: 'none', within: '/dir', noOverwriteDirNonDir: true }),
      (e) => isEngineError(e, 'InvalidArgument') && /cannot overwrite directory/.test(e.message),
    );
    assert.ok(statSync(join(root, 'dir/sub')).isDirectory());
    await assert.rejects(applyLayer(root, Readable.from([t]), { whiteouts: 'none', within: '/dir/sub/file' }), (e) => isEngineError(e, 'InvalidArgument'));
    await assert.rejects(applyLayer(root, Readable.from([t]), { whiteouts: 'none', within: '/missing' }), (e) => isEngineError(e, 'NotFound'));
  });
});
