import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { sha256 } from '../core/digest.js';
import type { ContentStore } from '../core/interfaces.js';
import { LocalContentStore } from './local-content-store.js';

/** The behaviour every ContentStore implementation must have. */
export function contentStoreSuite(name: string, make: () => Promise<{ store: ContentStore; ingestFiles: () => string[] }>): void {
  describe(`${name}: content store contract`, () => {
    it('stores, verifies and reads back blobs by digest', async () => {
      const { store } = await make();
      const info = await store.write(Buffer.from('hello'));
      assert.equal(info.digest, sha256('hello'));
      assert.equal(info.size, 5);
      assert.ok(await store.has(info.digest));
      assert.equal((await store.read(info.digest)).toString(), 'hello');
      assert.deepEqual(await store.list(), [info]);
    });

    it('streams large input and accepts the expected digest', async () => {
      const { store } = await make();
      const chunk = Buffer.alloc(1 << 20, 7);
      const expected = sha256(Buffer.concat(Array(8).fill(chunk)));
      const info = await store.write(Readable.from(Array(8).fill(chunk)), { expected, expectedSize: 8 << 20 });
      assert.equal(info.digest, expected);
    });

    it('refuses wrong bytes for a digest and leaves nothing visible or behind', async () => {
      const { store, ingestFiles } = await make();
      const expected = sha256('right');
      await assert.rejects(store.write(Buffer.from('wrong'), { expected }), (e: { code?: string }) => e.code === 'InvalidArgument');
      assert.equal(await store.has(expected), false);
      assert.equal(await store.has(sha256('wrong')), false);
      assert.deepEqual(ingestFiles(), []);
      await assert.rejects(store.write(Buffer.from('x'), { expected: 'sha256:nothex' as never }), (e: { code?: string }) => e.code === 'InvalidArgument');
    });

    it('reports a missing blob as NotFound and deletes idempotently', async () => {
      const { store } = await make();
      await assert.rejects(store.read(sha256('absent')), (e: { code?: string }) => e.code === 'NotFound');
      const info = await store.write('bye');
      await store.delete(info.digest);
      await store.delete(info.digest);
      assert.equal(await store.has(info.digest), false);
    });

    it('drops a write whose source fails midway', async () => {
      const { store, ingestFiles } = await make();
      const failing = new Readable({
        read() {
          this.push(Buffer.alloc(1000));
          this.destroy(new Error('network gone'));
        },
      });
      await assert.rejects(store.write(failing), /network gone/);
      assert.deepEqual(await store.list(), []);
      assert.deepEqual(ingestFiles(), []);
    });
  });
}

contentStoreSuite('LocalContentStore', async () => {
  const root = mkdtempSync(join(tmpdir(), 'cs-'));
  const store = new LocalContentStore(root);
  await store.init();
  return { store, ingestFiles: () => readdirSync(join(root, 'ingest')) };
});
