import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TestDaemon, until } from './harness.js';

describe('berth run', () => {
  let d: TestDaemon;
  before(async () => {
    d = await TestDaemon.start();
  });
  after(async () => {
    await d.cleanup();
  });

  it('runs a command and removes the container with --rm', async () => {
    const r = await d.berth(['run', '--rm', 'busybox', 'echo', 'hello from berth']);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, 'hello from berth\n');
    assert.equal(r.code, 0);
    const ps = await d.berth(['ps', '-aq']);
    assert.equal(ps.stdout, '');
  });

  it('passes the exit code of the container through, keeping stdout and stderr apart', async () => {
    const r = await d.berth(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 42']);
    assert.equal(r.code, 42);
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'err\n');
  });

  it('exits 127 when the command does not exist, and 126 when it cannot be executed', async () => {
    const missing = await d.berth(['run', '--rm', 'busybox', 'no-such-command']);
    assert.equal(missing.code, 127);
    assert.match(missing.stderr, /executable file not found/);
    const notExec = await d.berth(['run', '--rm', 'busybox', '/etc/passwd']);
    assert.equal(notExec.code, 126);
    assert.match(notExec.stderr, /permission denied/);
    // --rm containers are removed even when their start failed.
    await until(async () => (await d.berth(['ps', '-aq'])).stdout === '', 5000, 'failed --rm containers to go away');
  });

  it('records 127 in the state of a kept container whose command is missing', async () => {
    const r = await d.berth(['run', '--name', 'nocmd', 'busybox', 'no-such-command']);
    assert.equal(r.code, 127);
    const st = await d.berth(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'nocmd']);
    assert.equal(st.stdout.trim(), 'created 127');
    assert.equal((await d.berth(['rm', 'nocmd'])).code, 0);
  });

  it('applies -e, --env-file, -w, -u, --hostname, --entrypoint and labels', async () => {
    const envFile = join(d.dir, 'env.list');
    writeFileSync(envFile, '# comment\nFROM_FILE=yes\n\nBOTH=file\n');
    const r = await d.berth([
      'run', '--rm', '-e', 'A=1', '--env-file', envFile, '-e', 'BOTH=flag', '-w', '/tmp/work', '-u', 'nobody',
      '--hostname', 'boat', '--entrypoint', 'sh', 'busybox', '-c', 'echo $A $FROM_FILE $BOTH; pwd; id -u; hostname; echo $HOME',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '1 yes flag\n/tmp/work\n65534\nboat\n/home\n');
    const l = await d.berth(['run', '-d', '--name', 'labelled', '-l', 'app=web', '-l', 'tier', 'busybox', 'sleep', '30']);
    assert.equal(l.code, 0, l.stderr);
    const labels = await d.berth(['inspect', '-f', '{{json .Config.Labels}}', 'labelled']);
    assert.equal(labels.stdout.trim(), '{"app":"web","tier":""}');
    await d.berth(['rm', '-f', 'labelled']);
  });

  it('runs detached: logs, ps, stop and rm work on it', async () => {
    const r = await d.berth(['run', '-d', '--name', 'ticker', 'busybox', 'sh', '-c', 'echo started; trap "echo bye; exit 0" TERM; while true; do sleep 0.1; done']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.trim(), /^[a-f0-9]{64}$/);
    await until(async () => (await d.berth(['logs', 'ticker'])).stdout.includes('started'), 5000, 'log output');
    const ps = await d.berth(['ps', '--format', '{{.Names}} {{.State}}']);
    assert.equal(ps.stdout, 'ticker running\n');
    const stop = await d.berth(['stop', '-t', '5', 'ticker']);
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal(stop.stdout, 'ticker\n');
    assert.equal((await d.berth(['logs', 'ticker'])).stdout, 'started\nbye\n');
    const st = await d.berth(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}} {{.State.Running}}', 'ticker']);
    assert.equal(st.stdout.trim(), 'exited 0 false');
    assert.equal((await d.berth(['rm', 'ticker'])).code, 0);
    assert.equal((await d.berth(['ps', '-aq'])).stdout, '');
  });

  it('kills with a signal and SIGKILLs a container that ignores stop after the timeout', async () => {
    await d.berth(['run', '-d', '--name', 'stubborn', 'busybox', 'sh', '-c', 'trap "" TERM; while true; do sleep 0.1; done']);
    const t0 = Date.now();
    assert.equal((await d.berth(['stop', '-t', '1', 'stubborn'])).code, 0);
    assert.ok(Date.now() - t0 >= 900, 'stop waited for the grace period');
    assert.equal((await d.berth(['inspect', '-f', '{{.State.ExitCode}}', 'stubborn'])).stdout.trim(), '137');
    assert.equal((await d.berth(['start', 'stubborn'])).code, 0);
    assert.equal((await d.berth(['kill', '-s', 'KILL', 'stubborn'])).code, 0);
    const w = await d.berth(['wait', 'stubborn']);
    assert.equal(w.stdout.trim(), '137');
    await d.berth(['rm', 'stubborn']);
  });

  it('restarts a container and keeps its identity', async () => {
    const id = (await d.berth(['run', '-d', 'busybox', 'sleep', '60'])).stdout.trim();
    const before = (await d.berth(['inspect', '-f', '{{.State.StartedAt}}', id])).stdout;
    assert.equal((await d.berth(['restart', '-t', '0', id])).code, 0);
    const afterStart = (await d.berth(['inspect', '-f', '{{.State.StartedAt}} {{.State.Running}}', id])).stdout;
    assert.notEqual(afterStart.split(' ')[0], before.trim());
    assert.match(afterStart, /true/);
    await d.berth(['rm', '-f', id]);
  });

  it('follows logs until the container exits, with --tail and timestamps', async () => {
    const id = (await d.berth(['run', '-d', 'busybox', 'sh', '-c', 'for i in 1 2 3 4 5; do echo line$i; sleep 0.1; done'])).stdout.trim();
    const f = await d.berth(['logs', '-f', id], { timeoutMs: 10_000 });
    assert.equal(f.stdout, 'line1\nline2\nline3\nline4\nline5\n');
    const tail = await d.berth(['logs', '--tail', '2', id]);
    assert.equal(tail.stdout, 'line4\nline5\n');
    const ts = await d.berth(['logs', '-t', '--tail', '1', id]);
    assert.match(ts.stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z line5\n$/);
    await d.berth(['rm', id]);
  });

  it('refuses a name already in use, with docker\'s message and exit 125', async () => {
    await d.berth(['create', '--name', 'taken', 'busybox', 'true']);
    const r = await d.berth(['run', '--name', 'taken', 'busybox', 'true']);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /Conflict\. The container name "\/taken" is already in use by container "[a-f0-9]{64}"/);
    assert.equal((await d.berth(['ps', '-a', '--format', '{{.Names}}'])).stdout, 'taken\n');
    await d.berth(['rm', 'taken']);
  });

  it('reports an unknown image and an unknown container like docker', async () => {
    const img = await d.berth(['run', '--rm', 'no-such-image']);
    assert.equal(img.code, 125);
    assert.match(img.stderr, /Unable to find image 'no-such-image:latest' locally/);
    const c = await d.berth(['stop', 'no-such-container']);
    assert.equal(c.code, 1);
    assert.equal(c.stderr, 'Error response from daemon: No such container: no-such-container\n');
    const rm = await d.berth(['rm', 'nope']);
    assert.equal(rm.code, 1);
    assert.match(rm.stderr, /No such container: nope/);
    assert.equal((await d.berth(['ps', '-aq'])).stdout, '');
  });

  it('refuses to remove a running container without -f, and kill of a stopped one', async () => {
    await d.berth(['run', '-d', '--name', 'busy', 'busybox', 'sleep', '60']);
    const rm = await d.berth(['rm', 'busy']);
    assert.equal(rm.code, 1);
    assert.match(rm.stderr, /You cannot remove a running container [a-f0-9]{64}\. Stop the container before attempting removal or force remove/);
    assert.match((await d.berth(['ps', '--format', '{{.Names}}'])).stdout, /busy/);
    assert.equal((await d.berth(['rm', '-f', 'busy'])).code, 0);
    await d.berth(['create', '--name', 'idle', 'busybox', 'true']);
    const k = await d.berth(['kill', 'idle']);
    assert.equal(k.code, 1);
    assert.match(k.stderr, /is not running/);
    await d.berth(['rm', 'idle']);
  });

  it('reads stdin with -i and sees EOF', async () => {
    const r = await d.berth(['run', '-i', '--rm', 'busybox', 'cat'], { input: 'hi\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hi\n');
  });

  it('lists containers with filters and formats', async () => {
    await d.berth(['run', '-d', '--name', 'web1', '-l', 'role=web', 'busybox', 'sleep', '60']);
    await d.berth(['create', '--name', 'db1', '-l', 'role=db', 'busybox', 'true']);
    assert.equal((await d.berth(['ps', '--format', '{{.Names}}'])).stdout, 'web1\n');
    assert.equal((await d.berth(['ps', '-a', '--filter', 'label=role=db', '--format', '{{.Names}}'])).stdout, 'db1\n');
    assert.equal((await d.berth(['ps', '-a', '--filter', 'status=created', '--format', '{{.Names}}'])).stdout, 'db1\n');
    assert.equal((await d.berth(['ps', '-a', '--filter', 'name=web', '-q'])).stdout.trim().length, 12);
    const id = (await d.berth(['inspect', '-f', '{{.Id}}', 'db1'])).stdout.trim();
    assert.equal((await d.berth(['ps', '-a', '--filter', `id=${id.slice(0, 8)}`, '--format', '{{.Names}}'])).stdout, 'db1\n');
    const table = (await d.berth(['ps'])).stdout.split('\n');
    assert.match(table[0]!, /^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$/);
    assert.match(table[1]!, /^[a-f0-9]{12}\s+busybox\s+"sleep 60"\s+.* ago\s+Up .*\s+web1$/);
    const bad = await d.berth(['ps', '--filter', 'colour=red']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /invalid filter 'colour'/);
    await d.berth(['rm', '-f', 'web1', 'db1']);
  });
});

describe('berth logs --since', () => {
  it('shows only entries after the given time', async () => {
    const d = await TestDaemon.start();
    try {
      const id = (await d.berth(['run', '-d', 'busybox', 'sh', '-c', 'echo early; sleep 1.5; echo late'])).stdout.trim();
      await d.berth(['wait', id]);
      const all = await d.berth(['logs', id]);
      assert.equal(all.stdout, 'early\nlate\n');
      const recent = await d.berth(['logs', '--since', '1s', id]);
      assert.equal(recent.stdout, 'late\n');
      const bad = await d.berth(['logs', '--since', 'yesterday-ish', id]);
      assert.equal(bad.code, 125);
      assert.match(bad.stderr, /invalid value for --since/);
    } finally {
      await d.cleanup();
    }
  });
});
