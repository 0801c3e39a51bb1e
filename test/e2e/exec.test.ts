import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TestDaemon, until } from './harness.js';
import { berthArgv, dockerEnv, onPty } from './pty.js';
import { apiJson } from './raw-http.js';

const CLIS = ['/usr/local/bin/docker', '/usr/bin/docker'].filter((p) => existsSync(p));

describe('exec', () => {
  let d: TestDaemon;
  let box: string;
  before(async () => {
    d = await TestDaemon.start();
    box = (await d.berth(['run', '-d', '--name', 'box', 'busybox', 'sleep', '100000'])).stdout.trim();
  });
  after(async () => {
    await d.cleanup();
  });

  it('runs a command, keeps stdout and stderr apart and exits with its status', async () => {
    const r = await d.berth(['exec', 'box', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    assert.equal(r.code, 3);
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'err\n');
  });

  it('applies -e, --env-file, -w, -u and --privileged', async () => {
    const file = join(d.dir, 'exec.env');
    writeFileSync(file, '# c\nFROM_FILE=1\n');
    const r = await d.berth(['exec', '-e', 'A=x', '--env-file', file, '-w', '/tmp', '-u', 'nobody', 'box', 'sh', '-c', 'echo $A $FROM_FILE; pwd; id -u']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'x 1\n/tmp\n65534\n');
    const capEff = async (args: string[]) => (await d.berth(['exec', ...args, 'box', 'sh', '-c', 'grep CapEff /proc/self/status'])).stdout.trim();
    const plain = await capEff([]);
    const priv = await capEff(['--privileged']);
    assert.notEqual(plain, priv);
    assert.match(priv, /CapEff:\s+0*[13]f+/);
  });

  it('exits 127 for a missing command and 126 for one that cannot be executed, and records them', async () => {
    const missing = await d.berth(['exec', 'box', 'no-such-command']);
    assert.equal(missing.code, 127);
    assert.match(missing.stdout, /executable file not found/);
    const notExec = await d.berth(['exec', 'box', '/etc/passwd']);
    assert.equal(notExec.code, 126);
    assert.match(notExec.stdout, /permission denied/);
  });

  it('feeds stdin with -i and the process sees EOF', async () => {
    const r = await d.berth(['exec', '-i', 'box', 'sh', '-c', 'cat; echo done'], { input: 'line1\nline2\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'line1\nline2\ndone\n');
  });

  it('runs detached with -d, and GET /exec/{id}/json reports it', async () => {
    assert.equal((await d.berth(['exec', '-d', 'box', 'sh', '-c', 'echo bg > /tmp/bg; sleep 0.3; exit 4'])).code, 0);
    await until(async () => (await d.berth(['exec', 'box', 'cat', '/tmp/bg'])).stdout === 'bg\n', 5000, 'the detached exec');
    const created = await apiJson<{ Id: string }>(d.socket, 'POST', '/containers/box/exec', { Cmd: ['sh', '-c', 'sleep 0.5; exit 9'], AttachStdout: true, Tty: false, User: '0' });
    assert.equal(created.status, 201);
    const id = created.body.Id;
    const before = await apiJson<Record<string, unknown>>(d.socket, 'GET', `/exec/${id}/json`);
    assert.equal(before.body.Running, false);
    assert.equal(before.body.ExitCode, null);
    const start = await apiJson(d.socket, 'POST', `/exec/${id}/start`, { Detach: true });
    assert.equal(start.status, 200);
    const running = (await apiJson<Record<string, unknown>>(d.socket, 'GET', `/exec/${id}/json`)).body;
    assert.equal(running.Running, true);
    assert.ok((running.Pid as number) > 0);
    assert.equal(running.ContainerID, box);
    assert.deepEqual(running.ProcessConfig, { tty: false, entrypoint: 'sh', arguments: ['-c', 'sleep 0.5; exit 9'], privileged: false, user: '0' });
    assert.equal(running.OpenStdout, true);
    assert.equal(running.OpenStdin, false);
    assert.equal(running.CanRemove, false);
    await until(async () => (await apiJson<Record<string, unknown>>(d.socket, 'GET', `/exec/${id}/json`)).body.Running === false, 5000, 'the exec to exit');
    assert.equal((await apiJson<Record<string, unknown>>(d.socket, 'GET', `/exec/${id}/json`)).body.ExitCode, 9);
    // An exec runs once.
    assert.equal((await apiJson(d.socket, 'POST', `/exec/${id}/start`, { Detach: true })).status, 409);
    assert.equal((await apiJson(d.socket, 'GET', '/exec/nonexistent/json')).status, 404);
    assert.equal((await apiJson(d.socket, 'POST', '/containers/box/exec', { Cmd: [] })).status, 400);
  });

  it('gives a TTY with -it: the window size, raw input, resize and the exit code', async () => {
    const r = await onPty(
      30,
      100,
      [{ wait: '30 100' }, { sleep: 0.5 }, { resize: [40, 120] }, { sleep: 0.5 }, { send: 'go\r' }, { wait: 'got go' }],
      berthArgv(d, ['exec', '-it', 'box', 'sh', '-c', 'stty size; read x; stty size; echo got $x; exit 5']),
    );
    assert.equal(r.code, 5, r.output);
    assert.match(r.output, /30 100\r?\r\n/);
    assert.match(r.output, /40 120\r?\r\n/);
  });

  it('detaches from an exec with the detach keys, leaving the process running', async () => {
    const r = await onPty(24, 80, [{ wait: 'ready' }, { send: '\x01\x02' }], berthArgv(d, ['exec', '-it', '--detach-keys', 'ctrl-a,ctrl-b', 'box', 'sh', '-c', 'echo ready; sleep 300']));
    assert.equal(r.code, 0, r.output);
    const ps = await d.berth(['exec', 'box', 'ps']);
    assert.match(ps.stdout, /sleep 300/);
  });

  it('refuses an exec into a stopped container with docker\'s 409 and exit 1', async () => {
    const id = (await d.berth(['create', 'busybox', 'true'])).stdout.trim();
    const r = await d.berth(['exec', id, 'true']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `Error response from daemon: container ${id} is not running\n`);
    const api = await apiJson<{ message: string }>(d.socket, 'POST', `/containers/${id}/exec`, { Cmd: ['true'] });
    assert.equal(api.status, 409);
    await d.berth(['rm', id]);
  });

  it('refuses an exec into a paused container with docker\'s 409 and exit 1, and runs it once unpaused', async () => {
    const id = (await d.berth(['run', '-d', 'busybox', 'sleep', '100000'])).stdout.trim();
    try {
      assert.equal((await d.berth(['pause', id])).code, 0);
      const r = await d.berth(['exec', id, 'true']);
      assert.equal(r.code, 1);
      assert.equal(r.stderr, `Error response from daemon: Container ${id} is paused, unpause the container before exec\n`);
      const api = await apiJson<{ message: string }>(d.socket, 'POST', `/containers/${id}/exec`, { Cmd: ['true'] });
      assert.equal(api.status, 409);
      // Nothing was registered by the refused calls.
      const inspect = JSON.parse((await d.berth(['inspect', id])).stdout) as { ExecIDs: string[] | null }[];
      assert.equal(inspect[0]!.ExecIDs, null);
      assert.equal((await d.berth(['unpause', id])).code, 0);
      assert.equal((await d.berth(['exec', id, 'echo', 'ok'])).stdout, 'ok\n');
    } finally {
      await d.berth(['rm', '-f', id]);
    }
  });

  for (const cli of CLIS) {
    it(`works through the docker CLI (${cli})`, async () => {
      const r = await d.docker(['exec', 'box', 'sh', '-c', 'echo out; echo err >&2; exit 3'], { binary: cli });
      assert.equal(r.code, 3);
      assert.equal(r.stdout, 'out\n');
      assert.equal(r.stderr, 'err\n');
      const i = await d.docker(['exec', '-i', '-e', 'V=1', '-w', '/etc', 'box', 'sh', '-c', 'cat; echo $V; pwd'], { binary: cli, input: 'piped\n' });
      assert.equal(i.stdout, 'piped\n1\n/etc\n');
      const missing = await d.docker(['exec', 'box', 'no-such-command'], { binary: cli });
      assert.equal(missing.code, 127);
      // docker 20.10 sends no ConsoleSize: the size arrives with its first resize, right after the start.
      const t = await onPty(
        25,
        90,
        [{ wait: '25 90' }, { sleep: 0.5 }, { resize: [33, 111] }, { sleep: 0.5 }, { send: 'x\r' }],
        [cli, 'exec', '-it', 'box', 'sh', '-c', 'sleep 0.5; stty size; read x; stty size; exit 6'],
        dockerEnv(d),
      );
      assert.equal(t.code, 6, t.output);
      assert.match(t.output, /33 111/);
    });
  }

  it('keeps the container and reports the exec it lost when the daemon is killed and restarted', async () => {
    const short = await apiJson<{ Id: string }>(d.socket, 'POST', '/containers/box/exec', { Cmd: ['sh', '-c', 'sleep 1; exit 7'] });
    const long = await apiJson<{ Id: string }>(d.socket, 'POST', '/containers/box/exec', { Cmd: ['sleep', '3'] });
    const attached = d.berth(['exec', 'box', 'sh', '-c', 'echo attached; sleep 2; exit 2']);
    await apiJson(d.socket, 'POST', `/exec/${short.body.Id}/start`, { Detach: true });
    await apiJson(d.socket, 'POST', `/exec/${long.body.Id}/start`, { Detach: true });
    const never = await apiJson<{ Id: string }>(d.socket, 'POST', '/containers/box/exec', { Cmd: ['true'] });
    const pid = Number((await d.berth(['inspect', '-f', '{{.State.Pid}}', 'box'])).stdout.trim());
    await new Promise((r) => setTimeout(r, 300));
    await d.kill();
    // The client of the attached exec loses its daemon and fails.
    assert.notEqual((await attached).code, 0);
    await new Promise((r) => setTimeout(r, 1500));
    await d.startProcess();
    process.kill(pid, 0);
    assert.equal((await d.berth(['inspect', '-f', '{{.State.Running}}', 'box'])).stdout.trim(), 'true');
    // Exited while the daemon was down: the code its conmon recorded.
    const s = (await apiJson<Record<string, unknown>>(d.socket, 'GET', `/exec/${short.body.Id}/json`)).body;
    assert.equal(s.Running, false);
    assert.equal(s.ExitCode, 7);
    // Still running: adopted, then its exit is seen.
    const l = (await apiJson<Record<string, unknown>>(d.socket, 'GET', `/exec/${long.body.Id}/json`)).body;
    assert.equal(l.Running, true);
    await until(async () => (await apiJson<Record<string, unknown>>(d.socket, 'GET', `/exec/${long.body.Id}/json`)).body.ExitCode === 0, 10_000, 'the adopted exec to exit');
    // Never started: exec instances that did not run are not kept across a restart.
    assert.equal((await apiJson(d.socket, 'GET', `/exec/${never.body.Id}/json`)).status, 404);
    // New execs work.
    assert.equal((await d.berth(['exec', 'box', 'true'])).code, 0);
  });
});
