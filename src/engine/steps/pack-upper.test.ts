import assert from 'node:assert/strict';
import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { writeDiff } from '../../layers/write-diff.js';
import { native } from '../../sys/native.js';
import { packUpper } from './pack-upper.js';

async function collect(s: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('packUpper', () => {
  it('writes exactly what the chrooted writeDiff writes, whiteouts and hardlinks included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pack-upper-'));
    try {
      mkdirSync(join(dir, 'etc/sub'), { recursive: true });
      writeFileSync(join(dir, 'etc/a'), 'hello');
      linkSync(join(dir, 'etc/a'), join(dir, 'etc/hard'));
      symlinkSync('/etc/a', join(dir, 'etc/link'));
      native().mknod(join(dir, 'etc/gone'), 0o020000, 0, 0);
      native().lsetxattr(join(dir, 'etc/sub'), 'trusted.overlay.opaque', Buffer.from('y'));
      writeFileSync(join(dir, 'big'), Buffer.alloc(3 << 20, 7));
      const out = new PassThrough();
      const [viaWorker] = await Promise.all([collect(out), writeDiff(dir, out, { sourceDateEpoch: 100 })]);
      const inProcess = await collect(packUpper(dir, 100));
      assert.ok(inProcess.length > 3 << 20);
      assert.ok(inProcess.equals(viaWorker), 'the two archives differ');
      assert.ok(inProcess.includes(Buffer.from('etc/.wh.gone')));
      assert.ok(inProcess.includes(Buffer.from('etc/sub/.wh..wh..opq')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
