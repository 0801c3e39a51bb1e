/** Unit tests of the tar codec: names, pax records, headers, and the streaming reader. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isEngineError } from '../core/errors.js';
import { BLOCK, decodePax, encodeHeaders, normalizeName, padding, parseNumeric, type TarEntry, type WriteEntry } from './tar-format.js';
import { TarReader } from './tar-reader.js';
import { listTar, makeTar } from './layer-fixtures.js';

const invalid = (e: unknown): boolean => isEngineError(e, 'InvalidArgument');

function encodeArchive(entries: (WriteEntry & { body?: Buffer })[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    parts.push(encodeHeaders(e));
    if (e.body) parts.push(e.body, Buffer.alloc(padding(e.body.length)));
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}

/** Run the reader over `buf` split into `step`-byte chunks; returns entries with their data. */
function read(buf: Buffer, step = buf.length): { e: TarEntry; data: Buffer }[] {
  const out: { e: TarEntry; data: Buffer; parts: Buffer[] }[] = [];
  const r = new TarReader({
    entry: (e) => out.push({ e, data: Buffer.alloc(0), parts: [] }),
    data: (c) => out[out.length - 1]!.parts.push(Buffer.from(c)),
    entryEnd: () => {
      const last = out[out.length - 1]!;
      last.data = Buffer.concat(last.parts);
    },
  });
  for (let i = 0; i < buf.length && !r.ended; i += step) r.write(buf.subarray(i, i + step));
  r.finish();
  return out.map(({ e, data }) => ({ e, data }));
}

describe('normalizeName', () => {
  it('strips leading slashes and dots, keeps the rest', () => {
    assert.equal(normalizeName('/etc/passwd'), 'etc/passwd');
    assert.equal(normalizeName('./a/./b/'), 'a/b');
    assert.equal(normalizeName('//./'), '');
    assert.equal(normalizeName('a..b/..c'), 'a..b/..c');
  });
  it('refuses any ".." component and NUL', () => {
    for (const n of ['..', '../x', 'a/../b', 'a/..', '/../../etc', 'a\0b']) assert.throws(() => normalizeName(n), invalid, n);
  });
});

describe('pax records', () => {
  it('keep binary values intact and get their length prefix right', () => {
    const bin = Buffer.from([0, 1, 0xff, 0x0a, 0x3d, 0x20]);
    const long = 'p'.repeat(95); // record length crosses from two to three digits
    const archive = encodeArchive([{ name: long + long, type: 'file', mode: 0o644, uid: 0, gid: 0, size: 0, mtime: 1, xattrs: [['user.bin', bin]] }]);
    const [only] = read(archive);
    assert.equal(only!.e.name, long + long);
    assert.deepEqual(only!.e.xattrs.get('user.bin'), bin);
  });
  it('refuse malformed records', () => {
    assert.throws(() => decodePax(Buffer.from('99 path=x\n')), invalid);
    assert.throws(() => decodePax(Buffer.from('x path=x\n')), invalid);
    assert.throws(() => decodePax(Buffer.from('9 pathx\n')), invalid);
  });
});

describe('numeric fields', () => {
  it('parses octal with padding and GNU base-256', () => {
    assert.equal(parseNumeric(Buffer.from(' 0000755\0'), 0, 8), 0o755);
    const b = Buffer.alloc(12);
    b[0] = 0x80;
    b.writeUIntBE(2 ** 40, 6, 6);
    assert.equal(parseNumeric(b, 0, 12), 2 ** 40);
    assert.throws(() => parseNumeric(Buffer.from('12x4\0'), 0, 5), invalid);
  });
  it('falls back to pax for values ustar cannot hold', () => {
    const [e] = read(encodeArchive([{ name: 'u', type: 'file', mode: 0o600, uid: 3_000_000, gid: 2 ** 33, size: 0, mtime: -5 }]));
    assert.equal(e!.e.uid, 3_000_000);
    assert.equal(e!.e.gid, 2 ** 33);
    assert.equal(e!.e.mtime, -5);
  });
});

describe('TarReader', () => {
  const entries: (WriteEntry & { body?: Buffer })[] = [
    { name: 'd', type: 'dir', mode: 0o755, uid: 1, gid: 2, size: 0, mtime: 100 },
    { name: 'd/f', type: 'file', mode: 0o4755, uid: 0, gid: 0, size: 1000, mtime: 200, body: Buffer.alloc(1000, 9) },
    { name: 'd/l', type: 'symlink', mode: 0o777, uid: 0, gid: 0, size: 0, mtime: 1, linkname: '../'.repeat(60) },
    { name: 'h', type: 'link', mode: 0o644, uid: 0, gid: 0, size: 0, mtime: 1, linkname: 'd/f' },
    { name: 'c', type: 'char', mode: 0o600, uid: 0, gid: 0, size: 0, mtime: 1, devmajor: 4, devminor: 64 },
  ];
  const archive = encodeArchive(entries);

  it('gives the same result at every chunk size', () => {
    const whole = read(archive);
    assert.deepEqual(whole.map((x) => [x.e.name, x.e.type, x.e.mode, x.e.linkname, x.e.devminor, x.data.length]), [
      ['d/', 'dir', 0o755, '', 0, 0],
      ['d/f', 'file', 0o4755, '', 0, 1000],
      ['d/l', 'symlink', 0o777, '../'.repeat(60), 0, 0],
      ['h', 'link', 0o644, 'd/f', 0, 0],
      ['c', 'char', 0o600, '', 64, 0],
    ]);
    for (const step of [1, 7, 511, 512, 513, 4096]) assert.deepEqual(read(archive, step), whole, `step ${step}`);
  });

  it('agrees with tar-stream on what we wrote', async () => {
    const theirs = await listTar(archive);
    assert.deepEqual(theirs.map((x) => [x.header.name, x.header.type, x.header.linkname ?? null]), [
      ['d/', 'directory', null], ['d/f', 'file', null], ['d/l', 'symlink', '../'.repeat(60)], ['h', 'link', 'd/f'], ['c', 'character-device', null],
    ]);
  });

  it('reads tar-stream archives, including pax xattrs and long names', async () => {
    const long = `${'x'.repeat(200)}/y`;
    const t = await makeTar([{ name: long, content: 'hi', pax: { 'SCHILY.xattr.user.a': 'b' } }]);
    const [e] = read(t, 100);
    assert.equal(e!.e.name, long);
    assert.equal(e!.data.toString(), 'hi');
    assert.equal(e!.e.xattrs.get('user.a')?.toString(), 'b');
  });

  it('rejects a corrupted header checksum, truncation and garbage', () => {
    const bad = Buffer.from(archive);
    bad[BLOCK + 5] ^= 1; // inside the second header (after d/)
    assert.throws(() => read(bad), invalid);
    assert.throws(() => read(archive.subarray(0, BLOCK + 700)), invalid);
    assert.throws(() => read(archive.subarray(0, 100)), invalid);
    assert.throws(() => read(Buffer.alloc(0)), invalid);
    assert.throws(() => read(Buffer.alloc(2048, 0x41)), invalid);
    // An all-zero archive is a valid empty layer.
    assert.deepEqual(read(Buffer.alloc(1024)), []);
  });

  it('refuses sparse files', () => {
    const sparse = encodeArchive([{ name: 's', type: 'file', mode: 0, uid: 0, gid: 0, size: 0, mtime: 0 }]);
    sparse[156] = 'S'.charCodeAt(0);
    sparse.fill(0x20, 148, 156);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += sparse[i]!;
    sparse.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    assert.throws(() => read(sparse), (e: unknown) => isEngineError(e, 'NotImplemented'));
  });
});
