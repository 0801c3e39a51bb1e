import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestDaemon, until } from './harness.js';

describe('live restore: containers outlive the daemon', () => {
  let d: TestDaemon;
  before(async () => {
    d = await TestDaemon.start();
  });
  after(async () => {
    await d.cleanup();
  });

  for (const how of ['SIGKILL', 'SIGTERM'] as const) {
    it(`keeps containers running across a daemon ${how} and adopts them again`, async () => {
      const long = (await d.berth(['run', '-d', 'busybox', 'sh', '-c', 'i=0; while true; do echo tick$i; i=$((i+1)); sleep 0.2; done'])).stdout.trim();
      const short = (await d.berth(['run', '-d', 'busybox', 'sh', '-c', 'sleep 1.5; echo leaving; exit 7'])).stdout.trim();
      const pid = Number((await d.berth(['inspect', '-f', '{{.State.Pid}}', long])).stdout.trim());
      assert.ok(pid > 0);
      if (how === 'SIGKILL') await d.kill();
      else await d.stopDaemon();
      // The container process is alive while no daemon runs.
      process.kill(pid, 0);
      await new Promise((r) => setTimeout(r, 2500));
      process.kill(pid, 0);
      await d.startProcess();
      // The short one exited while the daemon was down: its code was recorded by its monitor.
      const st = await d.berth(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', short]);
      assert.equal(st.stdout.trim(), 'exited 7');
      assert.equal((await d.berth(['logs', short])).stdout, 'leaving\n');
      // The long one is adopted: running, its log kept growing, and wait/stop work.
      assert.equal((await d.berth(['inspect', '-f', '{{.State.Running}} {{.State.Pid}}', long])).stdout.trim(), `true ${pid}`);
      const ticks = (await d.berth(['logs', long])).stdout.trim().split('\n').length;
      assert.ok(ticks >= 12, `log kept growing while the daemon was down (${ticks} lines)`);
      const waiting = d.berth(['wait', long]);
      assert.equal((await d.berth(['stop', '-t', '1', long])).code, 0);
      assert.equal((await waiting).stdout.trim(), '137');
      assert.throws(() => process.kill(pid, 0));
      await d.berth(['rm', long, short]);
    });
  }

  it('removes an --rm container that exited while the daemon was down', async () => {
    const id = (await d.berth(['run', '-d', '--rm', 'busybox', 'sh', '-c', 'sleep 1'])).stdout.trim();
    await d.kill();
    await new Promise((r) => setTimeout(r, 1500));
    await d.startProcess();
    await until(async () => (await d.berth(['ps', '-aq', '--no-trunc'])).stdout.trim() !== id, 5000, 'auto-removal');
    assert.equal((await d.berth(['ps', '-aq'])).stdout, '');
  });
});
