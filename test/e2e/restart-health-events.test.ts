import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiCall, apiStreamLines } from './api-call.js';
import { TestDaemon, until } from './harness.js';

const now = () => String(Date.now() / 1000);

describe('restart policies, healthchecks and events', () => {
  let d: TestDaemon;
  before(async () => {
    d = await TestDaemon.start();
  });
  after(async () => {
    await d.cleanup();
  });

  const inspect = async (ref: string, f: string) => (await d.berth(['inspect', '-f', f, ref])).stdout.trim();

  it('on-failure:N restarts a failing container N times with backoff, then leaves it exited', async () => {
    const since = now();
    await d.berth(['run', '-d', '--name', 'of', '--restart', 'on-failure:3', 'busybox', 'sh', '-c', 'exit 3']);
    await until(async () => (await inspect('of', '{{.RestartCount}} {{.State.Status}}')) === '3 exited', 10_000, 'three restarts');
    assert.equal(await inspect('of', '{{.State.ExitCode}}'), '3');
    const ev = await d.berth(['events', '--since', since, '--until', now(), '-f', 'container=of', '--format', '{{.Action}}']);
    const actions = ev.stdout.trim().split('\n');
    assert.equal(actions.filter((a) => a === 'start').length, 4);
    assert.equal(actions.filter((a) => a === 'die').length, 4);
    // The gaps between the starts grow (100, 200, 400 ms).
    const times = (await d.berth(['events', '--since', since, '--until', now(), '-f', 'container=of', '-f', 'event=start', '--format', '{{.TimeNano}}'])).stdout
      .trim()
      .split('\n')
      .map(Number);
    const gaps = times.slice(1).map((t, i) => (t - times[i]!) / 1e6);
    assert.ok(gaps[2]! > gaps[0]!, `backoff grows: ${gaps.join(', ')} ms`);
    assert.ok(gaps[0]! >= 100, `first delay at least 100 ms: ${gaps[0]}`);
    // A successful exit is not restarted under on-failure.
    await d.berth(['run', '-d', '--name', 'ok', '--restart', 'on-failure', 'busybox', 'true']);
    await until(async () => (await inspect('ok', '{{.State.Status}}')) === 'exited', 5000, 'exit');
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(await inspect('ok', '{{.RestartCount}} {{.State.Status}}'), '0 exited');
    await d.berth(['rm', '-f', 'of', 'ok']);
  });

  it('always restarts until stopped; stop cancels it and rm -f works while restarting', async () => {
    await d.berth(['run', '-d', '--name', 'al', '--restart', 'always', 'busybox', 'sh', '-c', 'sleep 0.2; exit 0']);
    await until(async () => Number(await inspect('al', '{{.RestartCount}}')) >= 2, 10_000, 'restarts');
    assert.equal((await d.berth(['stop', '-t', '1', 'al'])).code, 0);
    const count = await inspect('al', '{{.RestartCount}}');
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await inspect('al', '{{.State.Status}} {{.RestartCount}}'), `exited ${count}`, 'no restart after stop');
    // docker start makes the policy apply again; kill does not stop an `always` container.
    assert.equal((await d.docker(['start', 'al'])).code, 0);
    assert.equal(await inspect('al', '{{.RestartCount}}'), '0', 'a user start resets the count, as dockerd does');
    await until(async () => Number(await inspect('al', '{{.RestartCount}}')) >= 1, 10_000, 'restarted after start');
    await d.berth(['update', '--restart', 'no', 'al']);
    await d.berth(['stop', 'al']);
    // A container waiting in its backoff: rm needs force, and force removes it.
    await d.berth(['run', '-d', '--name', 'fl', '--restart', 'always', 'busybox', 'false']);
    await until(async () => Number(await inspect('fl', '{{.RestartCount}}')) >= 4, 15_000, 'several restarts');
    await until(async () => (await inspect('fl', '{{.State.Restarting}}')) === 'true', 10_000, 'a backoff wait');
    assert.match((await d.berth(['ps', '--format', '{{.Status}}', '-f', 'name=fl'])).stdout, /^Restarting \(1\)/);
    const rm = await d.berth(['rm', 'fl']);
    assert.equal(rm.code, 1);
    assert.match(rm.stderr, /restarting container/);
    assert.equal((await d.berth(['rm', '-f', 'fl'])).code, 0);
    assert.equal((await d.berth(['inspect', 'fl'])).code, 1);
    // stop during the backoff wait: it stays down.
    await d.berth(['run', '-d', '--name', 'fs', '--restart', 'always', 'busybox', 'false']);
    await until(async () => Number(await inspect('fs', '{{.RestartCount}}')) >= 4, 15_000, 'several restarts');
    await until(async () => (await inspect('fs', '{{.State.Restarting}}')) === 'true', 10_000, 'a backoff wait');
    assert.equal((await d.docker(['stop', 'fs'])).code, 0);
    const stoppedAt = await inspect('fs', '{{.State.Status}} {{.State.Restarting}} {{.RestartCount}}');
    assert.match(stoppedAt, /^exited false \d+$/);
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(await inspect('fs', '{{.State.Status}} {{.State.Restarting}} {{.RestartCount}}'), stoppedAt);
    await d.berth(['rm', 'fs']);
    await d.berth(['rm', '-f', 'al']);
  });

  it('brings always and unless-stopped containers back when the daemon restarts, not a stopped unless-stopped one', async () => {
    await d.berth(['run', '-d', '--name', 'ra', '--restart', 'always', 'busybox', 'sleep', '1000']);
    await d.berth(['run', '-d', '--name', 'ru', '--restart', 'unless-stopped', 'busybox', 'sleep', '1000']);
    await d.berth(['run', '-d', '--name', 'rd', '--restart', 'unless-stopped', 'busybox', 'sh', '-c', 'sleep 0.5; exit 1']);
    await d.berth(['run', '-d', '--name', 'rs', '--restart', 'unless-stopped', 'busybox', 'sleep', '1000']);
    await d.berth(['run', '-d', '--name', 'rn', 'busybox', 'sleep', '1000']);
    await d.berth(['run', '-d', '--name', 'rh', '--health-cmd', 'true', '--health-interval', '200ms', 'busybox', 'sleep', '1000']);
    await until(async () => (await inspect('rh', '{{.State.Health.Status}}')) === 'healthy', 10_000, 'healthy before the restart');
    await d.berth(['stop', '-t', '0', 'ra', 'rs', 'rn']);
    // rd exits while no daemon runs: its policy applies when the daemon is back.
    await d.stopDaemon();
    await new Promise((r) => setTimeout(r, 1000));
    await d.startProcess();
    await until(async () => (await inspect('ra', '{{.State.Status}}')) === 'running', 10_000, 'always container back');
    assert.equal(await inspect('ru', '{{.State.Status}}'), 'running', 'kept running across the restart');
    await until(async () => Number(await inspect('rd', '{{.RestartCount}}')) >= 1, 10_000, 'rd restarted');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await inspect('rs', '{{.State.Status}}'), 'exited', 'stopped by the user: stays down');
    assert.equal(await inspect('rn', '{{.State.Status}}'), 'exited');
    // An adopted container keeps its health state and its probes run again.
    assert.equal(await inspect('rh', '{{.State.Health.Status}}'), 'healthy');
    const last = JSON.parse(await inspect('rh', '{{json .State.Health.Log}}')).at(-1).End;
    await until(async () => JSON.parse(await inspect('rh', '{{json .State.Health.Log}}')).at(-1).End !== last, 10_000, 'probes after the restart');
    await d.berth(['rm', '-f', 'ra', 'ru', 'rs', 'rn', 'rd', 'rh']);
  });

  it('runs healthchecks: healthy, unhealthy, a hanging probe timed out, start period, events, ps status', async () => {
    const since = now();
    await d.berth(['run', '-d', '--name', 'hh', '--health-cmd', 'test -e /tmp/ready', '--health-interval', '200ms', '--health-retries', '2', 'busybox', 'sh', '-c', 'sleep 0.3; touch /tmp/ready; sleep 1000']);
    await d.berth(['run', '-d', '--name', 'hu', '--health-cmd', 'echo failing; exit 1', '--health-interval', '200ms', '--health-retries', '2', 'busybox', 'sleep', '1000']);
    await d.berth(['run', '-d', '--name', 'hang', '--health-cmd', 'sleep 30', '--health-interval', '200ms', '--health-timeout', '300ms', '--health-retries', '1', 'busybox', 'sleep', '1000']);
    await d.berth(['run', '-d', '--name', 'hs', '--health-cmd', 'exit 1', '--health-interval', '200ms', '--health-retries', '1', '--health-start-period', '30s', '--health-start-interval', '100ms', 'busybox', 'sleep', '1000']);
    await until(async () => (await inspect('hh', '{{.State.Health.Status}}')) === 'healthy', 10_000, 'healthy');
    await until(async () => (await inspect('hu', '{{.State.Health.Status}}')) === 'unhealthy', 10_000, 'unhealthy');
    await until(async () => (await inspect('hang', '{{.State.Health.Status}}')) === 'unhealthy', 10_000, 'timed out probe');

    const hu = JSON.parse(await inspect('hu', '{{json .State.Health}}'));
    assert.ok(hu.FailingStreak >= 2);
    assert.deepEqual(Object.keys(hu.Log[0]), ['Start', 'End', 'ExitCode', 'Output']);
    assert.equal(hu.Log[0].ExitCode, 1);
    assert.equal(hu.Log[0].Output, 'failing\n');
    const hang = JSON.parse(await inspect('hang', '{{json .State.Health}}'));
    assert.equal(hang.Log[0].ExitCode, -1);
    assert.equal(hang.Log[0].Output, 'Health check exceeded timeout (300ms)');
    // Hung probes are killed, not left running inside the container: after many probes at most
    // the one in flight is there.
    await until(async () => JSON.parse(await inspect('hang', '{{json .State.Health.Log}}')).length === 5, 10_000, 'five probes');
    const procs = (await d.berth(['top', 'hang'])).stdout;
    assert.ok(procs.split('\n').filter((l) => l.endsWith('sleep 30')).length <= 1, procs);
    await until(async () => JSON.parse(await inspect('hu', '{{json .State.Health.Log}}')).length === 5, 10_000, 'five log entries');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(JSON.parse(await inspect('hu', '{{json .State.Health.Log}}')).length, 5, 'only the last five are kept');
    // Inside the start period failures do not count (and are probed at the start interval).
    assert.equal(await inspect('hs', '{{.State.Health.Status}} {{.State.Health.FailingStreak}}'), 'starting 0');
    assert.ok(JSON.parse(await inspect('hs', '{{json .State.Health.Log}}')).length >= 2, 'probed at --health-start-interval');

    const ps = (await d.docker(['ps', '--format', '{{.Names}} {{.Status}}'])).stdout;
    assert.match(ps, /^hh Up .* \(healthy\)$/m);
    assert.match(ps, /^hu Up .* \(unhealthy\)$/m);
    assert.match(ps, /^hs Up .* \(health: starting\)$/m);
    assert.equal((await d.berth(['ps', '-q', '-f', 'health=unhealthy'])).stdout.trim().split('\n').length, 2);

    const ev = await d.docker(['events', '--since', since, '--until', now(), '-f', 'event=health_status', '--format', '{{.Action}} {{.Actor.Attributes.name}}']);
    const lines = ev.stdout.trim().split('\n');
    assert.ok(lines.includes('health_status: healthy hh'), ev.stdout);
    assert.ok(lines.includes('health_status: unhealthy hu'), ev.stdout);
    // Each probe is an exec, as with dockerd: exec_create, exec_start, exec_die with its exit code.
    const execs = await d.berth(['events', '--since', since, '--until', now(), '-f', 'container=hu', '-f', 'event=exec_create', '-f', 'event=exec_die', '--format', '{{.Action}}|{{.Actor.Attributes.exitCode}}']);
    const execLines = execs.stdout.trim().split('\n');
    assert.equal(execLines[0], "exec_create: /bin/sh -c echo failing; exit 1|<no value>");
    assert.ok(execLines.includes('exec_die|1'), execs.stdout);

    // --no-healthcheck, and flag validation.
    await d.berth(['run', '-d', '--name', 'nh', '--no-healthcheck', 'busybox', 'sleep', '1000']);
    assert.equal(await inspect('nh', '{{json .Config.Healthcheck.Test}} {{.State.Health}}'), '["NONE"] <no value>');
    const conflict = await d.berth(['run', '--no-healthcheck', '--health-cmd', 'true', 'busybox', 'true']);
    assert.equal(conflict.code, 125);
    assert.match(conflict.stderr, /--no-healthcheck conflicts with --health-\* options/);
    const tooShort = await apiCall(d.socket, 'POST', '/containers/create', { Image: 'busybox', Healthcheck: { Test: ['CMD', 'true'], Interval: 1000 } });
    assert.equal(tooShort.status, 400);
    assert.match(tooShort.text, /Interval in Healthcheck cannot be less than 1ms/);
    // Stopping ends the probes; State.Health stays readable.
    await d.berth(['stop', '-t', '0', 'hu']);
    const after = await inspect('hu', '{{len .State.Health.Log}}');
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(await inspect('hu', '{{len .State.Health.Log}}'), after);
    await d.berth(['rm', '-f', 'hh', 'hu', 'hang', 'hs', 'nh']);
  });

  it('takes HEALTHCHECK from the image config, overridden field by field', async () => {
    const b = await d.berth(['build', '-q', '-t', 'hcimg', '-'], {
      input: 'FROM busybox\nHEALTHCHECK --interval=200ms --retries=1 CMD exit 1\n',
    });
    assert.equal(b.code, 0, b.stderr);
    await d.berth(['run', '-d', '--name', 'hi', 'hcimg', 'sleep', '1000']);
    await until(async () => (await inspect('hi', '{{.State.Health.Status}}')) === 'unhealthy', 10_000, 'image healthcheck');
    await d.berth(['run', '-d', '--name', 'ho', '--health-cmd', 'true', 'hcimg', 'sleep', '1000']);
    await until(async () => (await inspect('ho', '{{.State.Health.Status}}')) === 'healthy', 10_000, 'overridden command');
    assert.equal(await inspect('ho', '{{.Config.Healthcheck.Interval}}'), '200000000', 'interval from the image');
    await d.berth(['rm', '-f', 'hi', 'ho']);
  });

  it('streams and replays events in docker’s shape with filters (both filter JSON forms)', async () => {
    const since = now();
    const live = apiStreamLines(d.socket, `/events?filters=${encodeURIComponent(JSON.stringify({ type: ['container'], label: ['team=blue'] }))}`, 3);
    await new Promise((r) => setTimeout(r, 200));
    await d.berth(['run', '--name', 'ev', '-l', 'team=blue', 'busybox', 'sh', '-c', 'exit 4']);
    await d.berth(['run', '--rm', 'busybox', 'true']);
    const got = (await live) as Record<string, any>[];
    assert.deepEqual(got.map((e) => e.Action), ['create', 'start', 'die']);
    const die = got[2]!;
    assert.deepEqual(Object.keys(die), ['status', 'id', 'from', 'Type', 'Action', 'Actor', 'scope', 'time', 'timeNano']);
    assert.equal(die.status, 'die');
    assert.equal(die.from, 'busybox');
    assert.equal(die.scope, 'local');
    assert.equal(die.Actor.Attributes.exitCode, '4');
    assert.equal(die.Actor.Attributes.name, 'ev');
    assert.equal(die.Actor.Attributes.team, 'blue');
    assert.equal(die.Actor.Attributes.image, 'busybox');
    assert.equal(die.time, Math.floor(die.timeNano / 1e9));

    const until_ = now();
    const q = (filters: unknown) => `/events?since=${since}&until=${until_}&filters=${encodeURIComponent(JSON.stringify(filters))}`;
    const lines = async (path: string) => (await apiCall(d.socket, 'GET', path)).text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const mapForm = await lines(q({ label: { 'team=blue': true } }));
    const listForm = await lines(q({ label: ['team=blue'] }));
    assert.deepEqual(mapForm.map((e) => e.Action), ['create', 'start', 'die']);
    assert.deepEqual(listForm, mapForm);
    assert.deepEqual((await lines(q({ event: ['die'], image: ['busybox'] }))).length, 2);
    assert.deepEqual((await lines(q({ container: ['ev'], event: ['start'] }))).length, 1);
    assert.equal((await lines(q({ type: ['image'] }))).length, 0);

    const cli = await d.berth(['events', '--since', since, '--until', until_, '-f', 'container=ev']);
    assert.match(cli.stdout.split('\n')[0]!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z container create [a-f0-9]{64} \(image=busybox, name=ev, team=blue\)$/);
    const json = await d.docker(['events', '--since', since, '--until', until_, '-f', 'container=ev', '-f', 'event=die', '--format', 'json']);
    assert.equal(JSON.parse(json.stdout).Actor.Attributes.exitCode, '4');
    const old = await d.docker(['events', '--since', since, '--until', until_, '-f', 'container=ev', '--format', '{{.Status}} {{.From}}'], { binary: '/usr/bin/docker' });
    assert.equal(old.stdout, 'create busybox\nstart busybox\ndie busybox\n');
    const bad = await d.berth(['events', '--since', 'yesterday']);
    assert.notEqual(bad.code, 0);
    await d.berth(['rm', 'ev']);
  });
});
