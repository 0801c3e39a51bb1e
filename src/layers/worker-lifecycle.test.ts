/** Cancellation and crash handling of the chrooted workers. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { isEngineError, type ErrorCode } from '../core/errors.js';
import { applyLayer } from './apply-layer.js';
import { tarTree } from './write-diff.js';
import { makeTar, removeDir, stalledInput, tempDir, workerPids } from './layer-fixtures.js';

let base: string;
before(async () => {
  base = await tempDir();
});
after(async () => {
  await removeDir(base);
});

function isCode(code: ErrorCode) {
  return (e: unknown): boolean => {
    assert.ok(isEngineError(e), `expected an EngineError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return true;
  };
}

async function waitFor<T>(probe: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = probe();
    if (v !== undefined) return v;
    await sleep(25);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The first 512 bytes of a tar whose single file promises 1 MiB more: the worker will wait. */
async function stalled(): Promise<ReturnType<typeof stalledInput>> {
  const t = await makeTar([{ name: 'big', content: Buffer.alloc(1 << 20, 1) }]);
  return stalledInput(t.subarray(0, 512 + 1000));
}

describe('worker lifecycle', () => {
  it('an aborted signal kills the extract worker and rejects with Canceled', async () => {
    const root = join(base, 'abort');
    await mkdir(root);
    const ac = new AbortController();
    const p = applyLayer(root, await stalled(), { whiteouts: 'overlay', signal: ac.signal });
    const [pid] = await waitFor(() => (workerPids(root).length > 0 ? workerPids(root) : undefined), 'the worker');
    ac.abort();
    await assert.rejects(p, isCode('Canceled'));
    assert.deepEqual(workerPids(root), []);
    assert.throws(() => process.kill(pid!, 0), /ESRCH/);
  });

  it('a signal aborted before the call rejects without starting a worker', async () => {
    const root = join(base, 'pre');
    await mkdir(root);
    await assert.rejects(applyLayer(root, await stalled(), { whiteouts: 'overlay', signal: AbortSignal.abort() }), isCode('Canceled'));
    assert.deepEqual(workerPids(root), []);
  });

  it('a worker that dies without a report is an Internal error', async () => {
    const root = join(base, 'crash');
    await mkdir(root);
    const p = applyLayer(root, await stalled(), { whiteouts: 'overlay' });
    const [pid] = await waitFor(() => (workerPids(root).length > 0 ? workerPids(root) : undefined), 'the worker');
    process.kill(pid!, 'SIGKILL');
    await assert.rejects(p, isCode('Internal'));
  });

  it('tarTree of a missing directory is NotFound and ends nothing', async () => {
    const out = new Writable({ write: (_c, _e, cb) => cb() });
    await assert.rejects(tarTree(join(base, 'missing'), out), isCode('NotFound'));
    assert.equal(out.destroyed || out.writableEnded, false);
  });

  it('a destination that fails mid-archive rejects with its error and stops the worker', async () => {
    const root = join(base, 'destfail');
    await mkdir(root);
    await writeFile(join(root, 'big'), Buffer.alloc(8 << 20, 5));
    let seen = 0;
    const out = new Writable({
      write(chunk: Buffer, _e, cb) {
        seen += chunk.length;
        cb(seen > 1 << 20 ? new Error('disk full (simulated)') : null);
      },
    });
    out.on('error', () => {});
    await assert.rejects(tarTree(root, out), /disk full/);
    assert.deepEqual(workerPids(root), []);
  });

  it('an aborted tarTree kills the pack worker even while it is blocked writing', async () => {
    const root = join(base, 'packabort');
    await mkdir(root);
    await writeFile(join(root, 'big'), Buffer.alloc(32 << 20, 3));
    // An output that accepts one chunk and then never calls back: the worker blocks on its pipe.
    const stuck = new Writable({ highWaterMark: 1, write() {} });
    const ac = new AbortController();
    const p = tarTree(root, stuck, { signal: ac.signal });
    await waitFor(() => (workerPids(root).length > 0 ? true : undefined), 'the pack worker');
    await sleep(200);
    ac.abort();
    await assert.rejects(p, isCode('Canceled'));
    assert.deepEqual(workerPids(root), []);
  });
});
