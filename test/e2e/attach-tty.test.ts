import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { BERTH, TestDaemon, until } from './harness.js';
import { berthArgv, dockerEnv, onPty } from './pty.js';
import { apiJson, demux, rawRequest, readToEnd } from './raw-http.js';

const CLIS = ['/usr/local/bin/docker', '/usr/bin/docker'].filter((p) => existsSync(p));

describe('run -it, attach and the hijacked wire', () => {
  let d: TestDaemon;
  before(async () => {
    d = await TestDaemon.start();
  });
  after(async () => {
    await d.cleanup();
  });

  it('run -it: a real TTY with the window size at start and after a resize, and the exit code', async () => {
    const r = await onPty(
      30,
      100,
      [{ wait: '30 100' }, { sleep: 0.5 }, { resize: [40, 120] }, { sleep: 0.5 }, { send: 'go\r' }, { wait: 'got go' }],
      berthArgv(d, ['run', '-it', '--rm', 'busybox', 'sh', '-c', 'tty; stty size; read x; stty size; echo got $x; exit 5']),
    );
    assert.equal(r.code, 5, r.output);
    assert.match(r.output, /\/dev\/pts\/0/);
    assert.match(r.output, /30 100\r?\r\n/);
    assert.match(r.output, /40 120\r?\r\n/);
    // Raw mode: the line was typed into the container's TTY, which echoed it.
    assert.match(r.output, /go\r?\r\n/);
  });

  it('stdin EOF the docker way: echo hi | run -i --rm busybox cat', async () => {
    const r = await d.berth(['run', '-i', '--rm', 'busybox', 'cat'], { input: 'hi\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hi\n');
    const t = await d.berth(['run', '-it', '--rm', 'busybox', 'cat'], { input: 'hi\n' });
    assert.equal(t.code, 1);
    assert.match(t.stderr, /the input device is not a TTY/);
  });

  it('detaches from run -it with ctrl-p ctrl-q, re-attaches, and detaches with custom keys', async () => {
    const r = await onPty(24, 80, [{ wait: 'ready' }, { send: '\x10\x11' }], berthArgv(d, ['run', '-it', '--name', 'detachme', 'busybox', 'sh', '-c', 'echo ready; read x; echo got $x; sleep 300']));
    assert.equal(r.code, 0, r.output);
    assert.equal((await d.berth(['inspect', '-f', '{{.State.Running}}', 'detachme'])).stdout.trim(), 'true');
    // Attach again: stdin still reaches the process; then leave with other keys.
    const a = await onPty(24, 80, [{ sleep: 0.5 }, { send: 'hello\r' }, { wait: 'got hello' }, { send: '\x18' }], berthArgv(d, ['attach', '--detach-keys', 'ctrl-x', 'detachme']));
    // docker's attach reports a detach as "read escape sequence", status 1 (run -it: 0).
    assert.equal(a.code, 1, a.output);
    assert.match(a.output, /got hello/);
    assert.match(a.output, /read escape sequence/);
    assert.equal((await d.berth(['inspect', '-f', '{{.State.Running}}', 'detachme'])).stdout.trim(), 'true');
    for (const cli of CLIS) {
      const dr = await onPty(24, 80, [{ sleep: 0.5 }, { send: '\x10\x11' }], [cli, 'attach', 'detachme'], dockerEnv(d));
      assert.equal(dr.code, 1, `${cli}: ${dr.output}`);
      assert.match(dr.output, /read escape sequence/);
    }
    assert.equal((await d.berth(['inspect', '-f', '{{.State.Running}}', 'detachme'])).stdout.trim(), 'true');
    await d.berth(['rm', '-f', 'detachme']);
  });

  it('attach: several clients get the output, --no-stdin, the exit code, and an exited container is refused', async () => {
    const id = (await d.berth(['run', '-d', '-i', 'busybox', 'sh', '-c', 'read x; for i in 1 2 3; do echo line$i-$x; done; exit 3'])).stdout.trim();
    const one = d.berth(['attach', '--no-stdin', id]);
    const two = d.berth(['attach', '--no-stdin', id]);
    // The two readers attach before the writer makes the container print.
    await new Promise((r) => setTimeout(r, 1500));
    const three = d.berth(['attach', id], { input: 'go\n' });
    const [a, b, c] = await Promise.all([one, two, three]);
    for (const r of [a, b, c]) {
      assert.equal(r.stdout, 'line1-go\nline2-go\nline3-go\n');
      assert.equal(r.code, 3);
    }
    const gone = await d.berth(['attach', id]);
    assert.equal(gone.code, 1);
    assert.equal(gone.stderr, 'You cannot attach to a stopped container, start it first\n');
    for (const cli of CLIS) {
      const g = await d.docker(['attach', id], { binary: cli });
      assert.equal(g.code, 1);
      assert.match(g.stderr, /You cannot attach to a stopped container, start it first/);
    }
    assert.equal((await apiJson(d.socket, 'POST', `/containers/${id}/attach?stream=1&stdout=1`)).status, 409);
    await d.berth(['rm', id]);
  });

  it('attach --sig-proxy forwards signals to the container; --sig-proxy=false does not', async () => {
    const id = (await d.berth(['run', '-d', 'busybox', 'sh', '-c', 'trap "echo caught; exit 3" INT; echo up; while true; do sleep 0.1; done'])).stdout.trim();
    await until(async () => (await d.berth(['logs', id])).stdout.includes('up'), 5000, 'the trap');
    const quiet = spawn(process.execPath, [BERTH, '-H', d.host, 'attach', '--sig-proxy=false', id], { stdio: 'ignore' });
    const child = spawn(process.execPath, [BERTH, '-H', d.host, 'attach', id], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (x: Buffer) => (out += x.toString()));
    await new Promise((r) => setTimeout(r, 1000));
    quiet.kill('SIGINT');
    await new Promise((r) => quiet.once('exit', r));
    assert.equal((await d.berth(['inspect', '-f', '{{.State.Running}}', id])).stdout.trim(), 'true');
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    assert.equal(code, 3);
    assert.match(out, /caught/);
    await d.berth(['rm', id]);
  });

  it('hijacks with 101 UPGRADED, falls back to a plain 200 raw stream, and frames output with stdcopy', async () => {
    const id = (await d.berth(['create', 'busybox', 'sh', '-c', 'echo out; echo err >&2'])).stdout.trim();
    const up = await rawRequest(d.socket, 'POST', `/containers/${id}/attach?stream=1&stdout=1&stderr=1`, { upgrade: true });
    assert.equal(up.status, 101);
    assert.match(up.head, /Upgrade: tcp/i);
    assert.match(up.head, /Content-Type: application\/vnd\.docker\.multiplexed-stream/);
    const plain = await rawRequest(d.socket, 'POST', `/v1.41/containers/${id}/attach?stream=1&stdout=1&stderr=1`);
    assert.equal(plain.status, 200);
    assert.match(plain.head, /Content-Type: application\/vnd\.docker\.raw-stream/);
    const outs = [readToEnd(up.socket, up.rest), readToEnd(plain.socket, plain.rest)];
    assert.equal((await d.berth(['start', id])).code, 0);
    for (const o of await Promise.all(outs)) {
      const frames = demux(o);
      assert.deepEqual(frames.map(([s]) => s).sort(), [1, 2]);
      assert.deepEqual(frames.find(([s]) => s === 1)?.[1], 'out\n');
      assert.deepEqual(frames.find(([s]) => s === 2)?.[1], 'err\n');
    }
    // With a TTY the stream is raw.
    const t = (await d.berth(['create', '-t', 'busybox', 'echo', 'tty'])).stdout.trim();
    const tu = await rawRequest(d.socket, 'POST', `/containers/${t}/attach?stream=1&stdout=1`, { upgrade: true });
    const tout = readToEnd(tu.socket, tu.rest);
    await d.berth(['start', t]);
    assert.equal((await tout).toString(), 'tty\r\n');
    await d.berth(['rm', id, t]);
  });

  it('half-closes stdin: the container sees EOF and its output still arrives', async () => {
    // StdinOnce (what `run -i` sets): the container's stdin closes when the attached client's ends.
    const created = await apiJson<{ Id: string }>(d.socket, 'POST', '/containers/create', {
      Image: 'busybox',
      Cmd: ['sh', '-c', 'cat; echo after-eof'],
      OpenStdin: true,
      StdinOnce: true,
      AttachStdin: true,
    });
    const id = created.body.Id;
    const up = await rawRequest(d.socket, 'POST', `/containers/${id}/attach?stream=1&stdin=1&stdout=1&stderr=1`, { upgrade: true });
    const out = readToEnd(up.socket, up.rest);
    await d.berth(['start', id]);
    up.socket.write('data\n');
    up.socket.end();
    const frames = demux(await out).map(([, t]) => t).join('');
    assert.equal(frames, 'data\nafter-eof\n');
    await d.berth(['rm', id]);
  });

  it('wait sends its headers at once and the body when the container exits, for each condition', async () => {
    const id = (await d.berth(['create', 'busybox', 'sh', '-c', 'sleep 1; exit 4'])).stdout.trim();
    const waits = await Promise.all(['next-exit', 'not-running', 'removed'].map((c) => rawRequest(d.socket, 'POST', `/containers/${id}/wait?condition=${c}`)));
    // not-running answers a created container at once; the others have only their headers so far.
    const [next, notRunning, removed] = waits;
    assert.deepEqual(waits.map((w) => w.status), [200, 200, 200]);
    const bodies = waits.map((w) => readToEnd(w.socket, w.rest));
    assert.match((await bodies[1]!).toString(), /"StatusCode":0/);
    void notRunning;
    await d.berth(['start', id]);
    assert.match((await bodies[0]!).toString(), /"StatusCode":4/);
    void next;
    let removedDone = false;
    void bodies[2]!.then(() => (removedDone = true));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(removedDone, false);
    await d.berth(['rm', id]);
    assert.match((await bodies[2]!).toString(), /"StatusCode":4/);
    void removed;
    const bad = await apiJson(d.socket, 'POST', `/containers/nosuch/wait?condition=next-exit`);
    assert.equal(bad.status, 404);
    assert.equal((await apiJson(d.socket, 'POST', `/containers/${id}/wait?condition=bogus`)).status, 400);
  });

  it('frees everything when 1000 clients hang up mid-attach and mid-logs -f; the container keeps running', async () => {
    const id = (await d.berth(['run', '-d', '-i', 'busybox', 'sh', '-c', 'while true; do echo tick; sleep 0.05; done'])).stdout.trim();
    const pid = d.proc!.pid!;
    const fds = () => readdirSync(`/proc/${pid}/fd`).length;
    const hangUps = async (n: number) => {
      for (let i = 0; i < n; i += 10) {
        await Promise.all(
          Array.from({ length: 10 }, async (_, j) => {
            const path = (i + j) % 2 ? `/containers/${id}/attach?stream=1&stdin=1&stdout=1&stderr=1` : `/containers/${id}/logs?follow=1&stdout=1&tail=1`;
            const r = await rawRequest(d.socket, (i + j) % 2 ? 'POST' : 'GET', path, { upgrade: (i + j) % 2 === 1 });
            // Take some output, then vanish.
            await new Promise<void>((res) => {
              r.socket.once('data', () => res());
              r.socket.resume();
              setTimeout(res, 500);
            });
            r.socket.destroy();
          }),
        );
      }
    };
    await hangUps(50);
    await new Promise((r) => setTimeout(r, 500));
    const before = fds();
    await hangUps(1000);
    await until(() => fds() <= before + 5, 10_000, `daemon fds to return to ${before} (now ${fds()})`);
    assert.equal((await d.berth(['inspect', '-f', '{{.State.Running}}', id])).stdout.trim(), 'true');
    // The daemon still serves attach and logs.
    const logs = await d.berth(['logs', '--tail', '1', id]);
    assert.equal(logs.stdout, 'tick\n');
    await d.berth(['rm', '-f', id]);
  });
});
