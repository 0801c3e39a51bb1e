import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BUSYBOX_TAR, TestDaemon } from './harness.js';
import { RealDockerd } from './dockerd-harness.js';
import { LocalRegistry } from './registry-harness.js';

describe('images move between berth and a real dockerd', () => {
  let d: TestDaemon;
  let dk: RealDockerd;
  let reg: LocalRegistry;
  const dir = mkdtempSync(join(tmpdir(), 'berth-interop-'));
  before(async () => {
    reg = await LocalRegistry.start();
    [d, dk] = await Promise.all([TestDaemon.start(), RealDockerd.start(['--insecure-registry', reg.host])]);
  });
  after(async () => {
    await Promise.all([d?.cleanup(), dk?.stop(), reg?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('an image berth pushes is pulled and run by dockerd; one dockerd pushes is pulled and run by berth', async () => {
    const fromBerth = `${reg.host}/interop/from-berth:1`;
    await d.berth(['tag', 'busybox', fromBerth]);
    const push = await d.berth(['push', fromBerth]);
    assert.equal(push.code, 0, push.stderr);
    const pull = await dk.docker(['pull', fromBerth]);
    assert.equal(pull.code, 0, pull.stderr + dk.log.slice(-1500));
    const r1 = await dk.docker(['run', '--rm', '--network', 'none', fromBerth, 'echo', 'berth image under dockerd']);
    assert.equal(r1.stdout, 'berth image under dockerd\n', r1.stderr);

    const fromDocker = `${reg.host}/interop/from-dockerd:1`;
    const imp = await dk.docker(['import', '-c', 'CMD ["echo", "dockerd image under berth"]', BUSYBOX_TAR, fromDocker]);
    assert.equal(imp.code, 0, imp.stderr);
    const dpush = await dk.docker(['push', fromDocker]);
    assert.equal(dpush.code, 0, dpush.stderr);
    const bpull = await d.berth(['pull', fromDocker]);
    assert.equal(bpull.code, 0, bpull.stderr);
    assert.equal((await d.berth(['run', '--rm', fromDocker])).stdout, 'dockerd image under berth\n');
  });

  it('docker save output loads into berth, and berth save output (both formats) loads into dockerd', async () => {
    await dk.docker(['import', '-c', 'CMD ["echo", "saved by dockerd"]', BUSYBOX_TAR, 'saved/by-dockerd:1']);
    const archive = join(dir, 'dockerd.tar');
    const save = await dk.docker(['save', '-o', archive, 'saved/by-dockerd:1']);
    assert.equal(save.code, 0, save.stderr);
    const load = await d.berth(['load', '-i', archive]);
    assert.equal(load.code, 0, load.stderr);
    assert.equal(load.stdout, 'Loaded image: saved/by-dockerd:1\n');
    assert.equal((await d.berth(['run', '--rm', 'saved/by-dockerd:1'])).stdout, 'saved by dockerd\n');

    for (const format of ['docker', 'oci']) {
      const name = `saved/by-berth-${format}:1`;
      await d.berth(['tag', 'busybox', name]);
      const out = join(dir, `berth-${format}.tar`);
      const bs = await d.berth(['save', '--format', format, '-o', out, name]);
      assert.equal(bs.code, 0, bs.stderr);
      const dl = await dk.docker(['load', '-i', out]);
      assert.equal(dl.code, 0, dl.stderr);
      assert.match(dl.stdout, new RegExp(`Loaded image: ${name}`));
      const r = await dk.docker(['run', '--rm', '--network', 'none', name, 'echo', `berth ${format} archive`]);
      assert.equal(r.stdout, `berth ${format} archive\n`, r.stderr);
    }
  });
});
