import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { sha256 } from '../core/digest.js';
import { LocalContentStore } from './local-content-store.js';

const data = Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 7) % 256));
const digest = sha256(data);

/**
 * A source that breaks its first stream after `cut` bytes and honours Range afterwards. It breaks
 * only once those bytes are in the ingest file under `root`, so the cut lands at `cut` whatever the
 * machine's load, instead of racing a timer against the disk write.
 */
function flakySource(cut: number, root: string) {
  const opened: number[] = [];
  const onDisk = async (): Promise<number> => {
    const dir = join(root, 'ingest');
    const names = await readdir(dir).catch(() => [] as string[]);
    const sizes = await Promise.all(names.map((n) => stat(join(dir, n)).then((st) => st.size, () => 0)));
    return Math.max(0, ...sizes);
  };
  return {
    opened,
    async open(offset: number) {
      opened.push(offset);
      if (opened.length === 1) {
        const s = new Readable({ read() {} });
        s.push(data.subarray(0, cut));
        void (async () => {
          while ((await onDisk()) < cut) await new Promise((r) => setTimeout(r, 5));
          s.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
        })();
        return { stream: s, offset: 0 };
      }
      return { stream: Readable.from([data.subarray(offset)]), offset };
    },
  };
}

describe('content store fetch (resumable, shared, verified)', () => {
  it('resumes a broken download from where it stopped and verifies the whole blob', async () => {
    const root = await mkdtemp(join(tmpdir(), 'berth-fetch-'));
    try {
      const cs = new LocalContentStore(root);
      await cs.init();
      const src = flakySource(40_000, root);
      const info = await cs.fetch(digest, src, { size: data.length });
      assert.equal(info.size, data.length);
      assert.deepEqual(src.opened, [0, 40_000]);
      assert.deepEqual(await cs.read(digest), data);
      assert.deepEqual(await readdir(join(root, 'ingest')), []);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('shares one download between concurrent callers and refuses wrong bytes without leaving anything', async () => {
    const root = await mkdtemp(join(tmpdir(), 'berth-fetch-'));
    try {
      const cs = new LocalContentStore(root);
      await cs.init();
      let opens = 0;
      const slow = {
        async open() {
          opens++;
          await new Promise((r) => setTimeout(r, 50));
          return { stream: Readable.from([data]), offset: 0 };
        },
      };
      const [a, b] = await Promise.all([cs.fetch(digest, slow, { size: data.length }), cs.fetch(digest, slow, { size: data.length })]);
      assert.equal(opens, 1);
      assert.equal(a.size, b.size);
      const other = sha256('something else');
      await assert.rejects(cs.fetch(other, { open: async () => ({ stream: Readable.from([data]), offset: 0 }) }), { code: 'InvalidArgument', message: /digest mismatch/ });
      await assert.rejects(cs.fetch(other, { open: async () => ({ stream: Readable.from([data]), offset: 0 }) }, { size: 10 }), { code: 'InvalidArgument', message: /larger than the 10 bytes/ });
      assert.equal(await cs.has(other), false);
      assert.deepEqual(await readdir(join(root, 'ingest')), []);
      await assert.rejects(cs.fetch('sha256:nope' as never, slow), { code: 'InvalidArgument' });
      assert.ok((await readFile(cs.path(digest))).equals(data));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
