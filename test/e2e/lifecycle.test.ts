import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiCall, apiStreamLines } from './api-call.js';
import { spawn } from 'node:child_process';
import { BERTH, run, TestDaemon, until } from './harness.js';

describe('container lifecycle: pause, top, stats, rename, diff, commit, update, inspect', () => {
  let d: TestDaemon;
  before(async () => {
    d = await TestDaemon.start();
  });
  after(async () => {
    await d.cleanup();
  });

  const runDetached = async (args: string[]): Promise<string> => {
    const r = await d.berth(['run', '-d', ...args]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim();
  };

  it('pauses and unpauses, with docker’s 409s for a paused and a running container', async () => {
    const id = await runDetached(['--name', 'pz', 'busybox', 'sh', '-c', 'while true; do date +%s%N > /tmp/t; sleep 0.05; done']);
    assert.equal((await d.berth(['pause', 'pz'])).stdout, 'pz\n');
    assert.equal((await d.berth(['inspect', '-f', '{{.State.Status}} {{.State.Paused}} {{.State.Running}}', 'pz'])).stdout.trim(), 'paused true true');
    assert.match((await d.berth(['ps', '--format', '{{.Status}}', '-f', 'name=pz'])).stdout, /\(Paused\)/);
    // Frozen: the clock file does not move.
    const before = (await d.berth(['cp', 'pz:/tmp/t', '-'])).stdout;
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await d.berth(['cp', 'pz:/tmp/t', '-'])).stdout, before);

    const again = await d.berth(['pause', 'pz']);
    assert.equal(again.code, 1);
    assert.equal(again.stderr, `Error response from daemon: Container ${id} is already paused\n`);
    const viaDocker = await d.docker(['pause', 'pz']);
    assert.equal(viaDocker.code, 1);
    assert.match(viaDocker.stderr, /is already paused/);
    const api = await apiCall(d.socket, 'POST', '/containers/pz/pause');
    assert.equal(api.status, 409);

    assert.equal((await d.docker(['unpause', 'pz'])).code, 0);
    assert.equal((await d.berth(['inspect', '-f', '{{.State.Status}} {{.State.Paused}}', 'pz'])).stdout.trim(), 'running false');
    const notPaused = await d.berth(['unpause', 'pz']);
    assert.equal(notPaused.code, 1);
    assert.equal(notPaused.stderr, `Error response from daemon: Container ${id} is not paused\n`);
    assert.equal((await d.docker(['unpause', 'pz'])).code, 1);
    assert.equal((await apiCall(d.socket, 'POST', '/containers/pz/unpause')).status, 409);
    assert.equal((await d.berth(['pause', 'nosuch'])).code, 1);
    await d.berth(['rm', '-f', 'pz']);
    // Stopping a paused container delivers the stop signal (dockerd thaws it after signalling).
    await runDetached(['--name', 'pt', 'busybox', 'sh', '-c', 'trap "exit 7" TERM; while true; do sleep 0.1; done']);
    await d.berth(['pause', 'pt']);
    assert.equal((await d.berth(['stop', '-t', '30', 'pt'])).code, 0);
    assert.equal((await d.berth(['inspect', '-f', '{{.State.ExitCode}} {{.State.Paused}}', 'pt'])).stdout.trim(), '7 false', 'the trap ran: no SIGKILL');
    await d.berth(['rm', 'pt']);
    const stopped = await d.berth(['create', 'busybox', 'true']);
    const r = await d.berth(['pause', stopped.stdout.trim()]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /is not running/);
  });

  it('lists processes with top (ps arguments passed through), through both CLIs and the API', async () => {
    await runDetached(['--name', 'tp', 'busybox', 'sh', '-c', 'sleep 1001 & sleep 1002; true']);
    await until(async () => (await d.berth(['top', 'tp'])).stdout.includes('sleep 1001'), 5000, 'both sleeps');
    const r = await d.berth(['top', 'tp']);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0]!, /^UID\s+PID\s+PPID\s+C\s+STIME\s+TTY\s+TIME\s+CMD$/);
    assert.equal(lines.length, 4, r.stdout);
    assert.ok(lines.some((l) => l.endsWith('sleep 1002')));
    const aux = await d.docker(['top', 'tp', '-o', 'pid,comm']);
    assert.equal(aux.code, 0, aux.stderr);
    assert.match(aux.stdout.split('\n')[0]!, /^PID\s+COMMAND$/);
    const api = (await apiCall(d.socket, 'GET', '/containers/tp/top?ps_args=-ef')).json<{ Titles: string[]; Processes: string[][] }>();
    assert.equal(api.Titles[1], 'PID');
    assert.equal(api.Processes.length, 3, 'sh and two sleeps');
    assert.equal((await apiCall(d.socket, 'GET', '/containers/tp/top?ps_args=-o%20comm')).status, 400, 'no PID column');
    await d.berth(['stop', '-t', '0', 'tp']);
    const stopped = await d.berth(['top', 'tp']);
    assert.equal(stopped.code, 1);
    assert.match(stopped.stderr, /is not running/);
    await d.berth(['rm', 'tp']);
  });

  it('reports stats in docker’s JSON shape, one-shot and streaming, and as docker’s table', async () => {
    const id = await runDetached(['--name', 'st', '--memory', '64m', 'busybox', 'sh', '-c', 'dd if=/dev/zero of=/tmp/f bs=1M count=8 2>/dev/null; sleep 1000']);
    await new Promise((r) => setTimeout(r, 300));
    const s = (await apiCall(d.socket, 'GET', '/containers/st/stats?stream=false')).json<Record<string, any>>();
    for (const k of ['read', 'preread', 'cpu_stats', 'precpu_stats', 'memory_stats', 'pids_stats', 'blkio_stats', 'networks']) assert.ok(k in s, k);
    assert.equal(s.id, id);
    assert.equal(s.name, '/st');
    assert.ok(s.cpu_stats.cpu_usage.total_usage > 0);
    assert.ok(s.cpu_stats.system_cpu_usage > s.precpu_stats.system_cpu_usage, 'a pre-sample was taken');
    assert.ok(s.memory_stats.usage > 4 << 20, 'the tmpfs-less /tmp/f is page cache charged to the container');
    assert.equal(s.memory_stats.limit, 64 << 20);
    assert.equal(s.pids_stats.current, 1, 'sh exec()s the last command');
    assert.ok(s.networks.eth0.rx_bytes >= 0);
    const stream = (await apiStreamLines(d.socket, '/containers/st/stats', 2)) as Record<string, any>[];
    assert.equal(stream[1]!.preread, stream[0]!.read);
    const table = await d.berth(['stats', '--no-stream', 'st']);
    assert.equal(table.code, 0, table.stderr);
    const [head, row] = table.stdout.trim().split('\n');
    assert.match(head!, /^CONTAINER ID\s+NAME\s+CPU %\s+MEM USAGE \/ LIMIT\s+MEM %\s+NET I\/O\s+BLOCK I\/O\s+PIDS$/);
    assert.match(row!, new RegExp(`^${id.slice(0, 12)}\\s+st\\s+\\d+\\.\\d\\d%\\s+[\\d.]+[KMG]?i?B / 64MiB\\s+\\d+\\.\\d\\d%\\s+\\S+ / \\S+\\s+\\S+ / \\S+\\s+1$`));
    const docker = await d.docker(['stats', '--no-stream', '--format', '{{.Name}} {{.MemUsage}} {{.PIDs}}', 'st']);
    assert.equal(docker.code, 0, docker.stderr);
    assert.match(docker.stdout, /^st [\d.]+[KMG]?i?B \/ 64MiB 1\n$/);
    assert.equal((await d.berth(['stats', '--no-stream', 'nosuch'])).code, 1);
    assert.equal((await d.berth(['stats', 'nosuch'])).code, 1);
    assert.equal((await apiCall(d.socket, 'GET', '/containers/nosuch/stats?stream=false')).status, 404);
    assert.equal((await apiCall(d.socket, 'GET', '/containers/nosuch/top')).status, 404);
    // The live view redraws about once a second until interrupted.
    const live = spawn(process.execPath, [BERTH, '-H', d.host, 'stats', 'st'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let screen = '';
    live.stdout.on('data', (b: Buffer) => (screen += b.toString()));
    await until(() => screen.split('\x1b[2J').length >= 3, 10_000, 'two redraws');
    live.kill('SIGINT');
    const code = await new Promise((r) => live.once('exit', r));
    assert.equal(code, 0);
    assert.match(screen.split('\x1b[2J\x1b[H').at(-1)!, new RegExp(`^CONTAINER ID .*\\n${id.slice(0, 12)}\\s+st\\s+\\d`));
    await d.berth(['rm', '-f', 'st']);
  });

  it('renames, refusing a name in use, and emits rename with oldName', async () => {
    const since = String(Date.now() / 1000);
    await runDetached(['--name', 'rn1', 'busybox', 'sleep', '1000']);
    await runDetached(['--name', 'rn2', 'busybox', 'sleep', '1000']);
    const taken = await d.berth(['rename', 'rn1', 'rn2']);
    assert.equal(taken.code, 1);
    assert.match(taken.stderr, /is already in use/);
    assert.equal((await d.docker(['rename', 'rn1', 'rn3'])).code, 0);
    assert.equal((await d.berth(['inspect', '-f', '{{.Name}}', 'rn3'])).stdout, '/rn3\n');
    assert.equal((await d.berth(['inspect', 'rn1'])).code, 1);
    assert.equal((await apiCall(d.socket, 'POST', '/containers/rn3/rename?name=rn3')).status, 400);
    assert.equal((await apiCall(d.socket, 'POST', '/containers/rn3/rename?name=')).status, 400);
    assert.equal((await apiCall(d.socket, 'POST', '/containers/rn3/rename?name=bad%20name')).status, 400);
    assert.equal((await apiCall(d.socket, 'POST', '/containers/nosuch/rename?name=x')).status, 404);
    assert.equal((await d.berth(['inspect', '-f', '{{.Name}}', 'rn3'])).stdout, '/rn3\n', 'unchanged by the failures');
    // The old name is free again.
    await runDetached(['--name', 'rn1', 'busybox', 'true']);
    const ev = await d.berth(['events', '--since', since, '--until', String(Date.now() / 1000 + 0.5), '--filter', 'event=rename', '--format', '{{.Actor.Attributes.oldName}} {{.Actor.Attributes.name}}']);
    assert.equal(ev.stdout, '/rn1 rn3\n');
    await d.berth(['rm', '-f', 'rn1', 'rn2', 'rn3']);
    // On a user network the embedded DNS answers to the new name, not the old one.
    assert.equal((await d.berth(['network', 'create', 'rnnet'])).code, 0);
    await runDetached(['--name', 'before-rename', '--network', 'rnnet', 'busybox', 'sleep', '1000']);
    assert.equal((await d.berth(['rename', 'before-rename', 'after-rename'])).code, 0);
    const found = await d.berth(['run', '--rm', '--network', 'rnnet', 'busybox', 'nslookup', 'after-rename']);
    assert.equal(found.code, 0, found.stdout + found.stderr);
    assert.notEqual((await d.berth(['run', '--rm', '--network', 'rnnet', 'busybox', 'nslookup', 'before-rename'])).code, 0);
    await d.berth(['rm', '-f', 'after-rename']);
    await d.berth(['network', 'rm', 'rnnet']);
  });

  it('diffs the overlay upper dir (added, changed, deleted) and commits it into an image', async () => {
    await runDetached(['--name', 'df', 'busybox', 'sh', '-c', 'mkdir /newdir && echo x > /newdir/f && rm /bin/true && echo y >> /etc/passwd && sleep 1000']);
    await until(async () => (await d.berth(['diff', 'df'])).stdout.includes('/etc/passwd'), 5000, 'the changes');
    const diff = (await d.berth(['diff', 'df'])).stdout.trim().split('\n');
    assert.deepEqual(diff, ['C /bin', 'D /bin/true', 'C /etc', 'C /etc/passwd', 'A /newdir', 'A /newdir/f']);
    assert.deepEqual((await d.docker(['diff', 'df'])).stdout.trim().split('\n'), diff);
    const kinds = (await apiCall(d.socket, 'GET', '/containers/df/changes')).json<{ Path: string; Kind: number }[]>();
    assert.deepEqual(kinds.find((k) => k.Path === '/bin/true'), { Path: '/bin/true', Kind: 2 });
    const fresh = await d.berth(['create', 'busybox', 'true']);
    assert.equal((await apiCall(d.socket, 'GET', `/containers/${fresh.stdout.trim()}/changes`)).text, 'null');

    const commit = await d.berth(['commit', '-m', 'my message', '-a', 'Me <me@x>', '-c', 'ENV FOO=bar', '-c', 'CMD ["cat", "/newdir/f"]', 'df', 'committed:v1']);
    assert.equal(commit.code, 0, commit.stderr);
    assert.match(commit.stdout, /^sha256:[a-f0-9]{64}\n$/);
    const meta = await d.berth(['image', 'inspect', '-f', '{{.Comment}}|{{.Author}}|{{.Config.Env}}|{{.Config.Cmd}}|{{len .RootFS.Layers}}', 'committed:v1']);
    assert.equal(meta.stdout.trim(), 'my message|Me <me@x>|[FOO=bar]|[cat /newdir/f]|2');
    assert.equal((await d.berth(['inspect', '-f', '{{.State.Status}}', 'df'])).stdout.trim(), 'running', 'unpaused after the commit');
    const out = await d.berth(['run', '--rm', 'committed:v1']);
    assert.equal(out.stdout, 'x\n');
    const gone = await d.berth(['run', '--rm', 'committed:v1', 'sh', '-c', 'test -e /bin/true; echo $? $FOO; tail -1 /etc/passwd']);
    assert.equal(gone.stdout, '1 bar\ny\n');
    // docker commit, without pausing, and a bad --change.
    assert.equal((await d.docker(['commit', '--pause=false', 'df', 'committed:v2'])).code, 0);
    const bad = await d.berth(['commit', '-c', 'FROM busybox', 'df', 'committed:v3']);
    assert.notEqual(bad.code, 0);
    assert.equal((await d.berth(['image', 'inspect', 'committed:v3'])).code, 1, 'nothing was tagged');
    assert.equal((await d.berth(['commit', 'nosuch'])).code, 1);
    assert.equal((await apiCall(d.socket, 'POST', '/commit?container=df&tag=x')).status, 400, 'a tag without a repository');
    assert.equal((await apiCall(d.socket, 'POST', '/commit')).status, 400, 'no container');
    await d.berth(['rm', '-f', 'df', fresh.stdout.trim()]);
  });

  it('updates limits on a running container (runc update) and rejects bad updates', async () => {
    const id = await runDetached(['--name', 'up', 'busybox', 'sleep', '1000']);
    const r = await d.berth(['update', '--memory', '48m', '--pids-limit', '20', '--cpu-shares', '512', '--restart', 'on-failure:3', 'up']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'up\n');
    const hc = await d.berth(['inspect', '-f', '{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}} {{.HostConfig.CpuShares}} {{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}', 'up']);
    assert.equal(hc.stdout.trim(), `${48 << 20} 20 512 on-failure:3`);
    const s = (await apiCall(d.socket, 'GET', '/containers/up/stats?stream=false&one-shot=true')).json<Record<string, any>>();
    assert.equal(s.memory_stats.limit, 48 << 20, 'the cgroup limit changed');
    const viaDocker = await d.docker(['update', '--cpus', '0.5', 'up'], { binary: '/usr/bin/docker' });
    assert.equal(viaDocker.code, 0, viaDocker.stderr);
    assert.equal((await d.berth(['inspect', '-f', '{{.HostConfig.RestartPolicy.Name}}', 'up'])).stdout.trim(), 'on-failure', 'docker 20.10 sends an empty policy: unchanged');
    assert.equal((await d.berth(['inspect', '-f', '{{.HostConfig.NanoCpus}}', 'up'])).stdout.trim(), '500000000');
    const api = await apiCall(d.socket, 'POST', '/containers/up/update', { Memory: 1024 });
    assert.equal(api.status, 400, api.text);
    const conflictCpu = await apiCall(d.socket, 'POST', '/containers/up/update', { NanoCpus: 1e9, CpuQuota: 50000 });
    assert.equal(conflictCpu.status, 400);
    assert.equal((await d.berth(['inspect', '-f', '{{.HostConfig.Memory}}', id])).stdout.trim(), String(48 << 20), 'nothing changed');
    assert.equal((await d.berth(['update', 'up'])).code, 1, 'no flags');
    assert.equal((await apiCall(d.socket, 'POST', '/containers/up/update', { RestartPolicy: { Name: 'sometimes' } })).status, 400);
    assert.equal((await apiCall(d.socket, 'POST', '/containers/nosuch/update', { Memory: 1 << 26 })).status, 404);
    // A stopped container gets the new limits at its next start.
    const later = await d.berth(['create', 'busybox', 'sleep', '1000']);
    assert.equal((await d.berth(['update', '-m', '40m', later.stdout.trim()])).code, 0);
    await d.berth(['start', later.stdout.trim()]);
    const applied = (await apiCall(d.socket, 'GET', `/containers/${later.stdout.trim()}/stats?stream=false&one-shot=true`)).json<Record<string, any>>();
    assert.equal(applied.memory_stats.limit, 40 << 20);
    await d.berth(['rm', '-f', later.stdout.trim()]);
    const rm = await d.berth(['run', '-d', '--rm', 'busybox', 'sleep', '1000']);
    const noRestart = await d.berth(['update', '--restart', 'always', rm.stdout.trim()]);
    assert.equal(noRestart.code, 1);
    assert.match(noRestart.stderr, /AutoRemove/);
    await d.berth(['rm', '-f', 'up', rm.stdout.trim()]);
  });

  it('inspects in docker’s shape: leading slash, nanosecond RFC 3339, State and HostConfig fields', async () => {
    await runDetached(['--name', 'ins', '--restart', 'unless-stopped', 'busybox', 'sleep', '1000']);
    const c = JSON.parse((await d.docker(['inspect', 'ins'])).stdout)[0];
    assert.equal(c.Name, '/ins');
    assert.match(c.Created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    assert.match(c.State.StartedAt, /\.\d{9}Z$/);
    for (const k of ['Status', 'Running', 'Paused', 'Restarting', 'OOMKilled', 'Dead', 'Pid', 'ExitCode', 'Error', 'StartedAt', 'FinishedAt']) assert.ok(k in c.State, k);
    assert.equal(c.State.Health, undefined, 'no healthcheck, no Health');
    assert.deepEqual(c.HostConfig.RestartPolicy, { Name: 'unless-stopped', MaximumRetryCount: 0 });
    assert.equal(c.RestartCount, 0);
    for (const k of ['Memory', 'NanoCpus', 'CpuShares', 'PidsLimit']) assert.ok(k in c.HostConfig, k);
    assert.ok(!('Init' in c.HostConfig), 'Init is left out when not set, as dockerd does');
    assert.ok(Array.isArray(c.Mounts));
    const t = await d.docker(['inspect', '-f', '{{.State.Running}} {{.HostConfig.RestartPolicy.Name}} {{.Config.Image}}', 'ins']);
    assert.equal(t.stdout, 'true unless-stopped busybox\n');
    await d.berth(['rm', '-f', 'ins']);
  });

  it('runs tini as PID 1 with --init: it reaps orphans and forwards signals', async () => {
    // The subshell exits at once, orphaning its background sleep; PID 1 must reap it.
    const script = '(sleep 0.2 &); exec sleep 1000';
    const withInit = await runDetached(['--init', 'busybox', 'sh', '-c', script]);
    const without = await runDetached(['busybox', 'sh', '-c', script]);
    await new Promise((r) => setTimeout(r, 800));
    // Zombies leave the cgroup, so `top` cannot see them: ask the host for PID 1's children.
    const states = async (id: string) => (await run('ps', ['--ppid', (await d.berth(['inspect', '-f', '{{.State.Pid}}', id])).stdout.trim(), '-o', 'pid=,stat='])).stdout;
    assert.doesNotMatch(await states(withInit), /\sZ/, 'tini reaped the orphan');
    assert.match(await states(without), /\sZ/, 'without an init the orphan stays a zombie (so the test can fail)');
    assert.match((await d.berth(['top', withInit])).stdout, /\/sbin\/docker-init -- sh -c/);
    assert.equal((await d.berth(['inspect', '-f', '{{.HostConfig.Init}}', withInit])).stdout.trim(), 'true');
    // SIGTERM reaches the sleep (which, as PID 1 itself, would ignore it): stop needs no SIGKILL.
    const t0 = Date.now();
    assert.equal((await d.berth(['stop', '-t', '20', withInit])).code, 0);
    assert.ok(Date.now() - t0 < 10_000, 'stopped by the forwarded SIGTERM, not the 20 s SIGKILL');
    assert.equal((await d.berth(['inspect', '-f', '{{.State.ExitCode}}', withInit])).stdout.trim(), '143');
    const viaDocker = await d.docker(['run', '--rm', '--init', 'busybox', 'sh', '-c', 'cat /proc/1/cmdline | tr "\\0" " "']);
    assert.equal(viaDocker.stdout, '/sbin/docker-init -- sh -c cat /proc/1/cmdline | tr "\\0" " " ');
    await d.berth(['rm', '-f', withInit, without]);
  });
});
