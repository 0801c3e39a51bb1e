import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUSYBOX_TAR, until, type RunResult } from '../harness.js';
import type { ClientTarget } from './targets.js';

/**
 * The docker CLI scenario of issue 7: run, exec, logs, build (legacy builder), push/pull, network,
 * volume, cp, events, save/load, prune, and the Go templates people use on inspect and list
 * output. Written against docker's behaviour: it passes against a real dockerd too.
 */
export async function dockerCliScenario(d: ClientTarget, cli: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-cli-scenario-'));
  const docker = async (args: string[], o: { input?: string; code?: number } = {}): Promise<RunResult> => {
    const r = await d.exec(cli, args, { timeoutMs: 120_000, input: o.input });
    assert.equal(r.code, o.code ?? 0, `docker ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}\n${d.log().slice(-2000)}`);
    return r;
  };
  try {
    const t0 = Math.floor(Date.now() / 1000) - 1;
    await docker(['import', BUSYBOX_TAR, 'busybox:latest']);

    // build with the legacy builder (DOCKER_BUILDKIT=0 is in the target's environment)
    const ctx = join(dir, 'ctx');
    mkdirSync(ctx);
    writeFileSync(join(ctx, 'hello.txt'), 'hello from the context\n');
    writeFileSync(join(ctx, 'Dockerfile'), 'FROM busybox:latest\nLABEL scenario=docker-cli\nCOPY hello.txt /hello.txt\nRUN cp /hello.txt /copy.txt\nCMD ["cat", "/copy.txt"]\n');
    const build = await docker(['build', '-t', 'cli/built:1', ctx]);
    assert.match(build.stdout, /Successfully tagged cli\/built:1/);
    assert.equal((await docker(['run', '--rm', 'cli/built:1'])).stdout, 'hello from the context\n');

    // network, volume, a detached server, logs
    await docker(['network', 'create', '--label', 'scenario=docker-cli', 'clinet']);
    await docker(['volume', 'create', '--label', 'scenario=docker-cli', 'clivol']);
    await docker(['run', '-d', '--name', 'srv', '--network', 'clinet', '-v', 'clivol:/data', '--label', 'scenario=docker-cli', '--label', 'tier=web',
      'busybox', 'sh', '-c', 'echo payload > /data/p; echo ready; exec sleep 300']);
    await until(async () => (await d.exec(cli, ['logs', 'srv'])).stdout === 'ready\n', 20_000, 'srv to log "ready"');
    assert.match((await docker(['network', 'ls', '--filter', 'label=scenario=docker-cli', '--format', '{{.Name}}'])).stdout, /^clinet\n$/);
    assert.match((await docker(['volume', 'ls', '--filter', 'label=scenario=docker-cli', '--format', '{{.Name}}'])).stdout, /^clivol\n$/);

    // Go templates used in the wild, on inspect and list output
    const f = async (tmpl: string, ...rest: string[]) => (await docker(['inspect', '-f', tmpl, ...rest, 'srv'])).stdout;
    assert.equal(await f('{{.State.Status}}'), 'running\n');
    assert.equal(await f('{{.State.Running}} {{.State.ExitCode}} {{.Name}}'), 'true 0 /srv\n');
    const ns = JSON.parse(await f('{{json .NetworkSettings}}')) as { Networks: Record<string, { IPAddress: string }> };
    assert.match(ns.Networks.clinet!.IPAddress, /^\d+\.\d+\.\d+\.\d+$/);
    assert.equal(await f('{{range .Mounts}}{{.Type}} {{.Name}} {{.Destination}};{{end}}'), 'volume clivol /data;\n');
    assert.equal(await f('{{.Config.Labels}}'), 'map[scenario:docker-cli tier:web]\n');
    assert.equal(await f('{{index .Config.Labels "tier"}}'), 'web\n');
    assert.equal(await f('{{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}'), 'clinet\n');
    assert.equal(await f('{{.HostConfig.NetworkMode}}'), 'clinet\n');
    assert.equal((await docker(['ps', '--filter', 'label=tier=web', '--format', '{{.Names}} {{.Label "tier"}} {{.State}}'])).stdout, 'srv web running\n');
    const psJson = JSON.parse((await docker(['ps', '--filter', 'name=srv', '--format', '{{json .}}'])).stdout) as Record<string, string>;
    assert.equal(psJson.Names, 'srv');
    assert.equal((await docker(['image', 'inspect', '-f', '{{index .Config.Labels "scenario"}} {{json .Config.Cmd}}', 'cli/built:1'])).stdout, 'docker-cli ["cat","/copy.txt"]\n');
    assert.equal((await docker(['images', '--filter', 'label=scenario=docker-cli', '--format', '{{.Repository}}:{{.Tag}}'])).stdout, 'cli/built:1\n');

    // exec
    assert.equal((await docker(['exec', 'srv', 'cat', '/data/p'])).stdout, 'payload\n');
    await docker(['exec', 'srv', 'sh', '-c', 'exit 7'], { code: 7 });
    assert.equal((await docker(['exec', '-i', 'srv', 'cat'], { input: 'through stdin\n' })).stdout, 'through stdin\n');
    assert.equal((await docker(['exec', '-w', '/data', '-e', 'X=1', 'srv', 'sh', '-c', 'echo $X $(pwd)'])).stdout, '1 /data\n');

    // service-name DNS on the user-defined network
    assert.match((await docker(['run', '--rm', '--network', 'clinet', 'busybox', 'ping', '-c', '1', '-W', '5', 'srv'])).stdout, /1 packets received/);

    // cp both ways
    writeFileSync(join(dir, 'up.txt'), 'copied in\n');
    await docker(['cp', join(dir, 'up.txt'), 'srv:/tmp/up.txt']);
    await docker(['cp', 'srv:/data/p', join(dir, 'down.txt')]);
    assert.equal(readFileSync(join(dir, 'down.txt'), 'utf8'), 'payload\n');
    await docker(['cp', 'srv:/tmp/up.txt', join(dir, 'back.txt')]);
    assert.equal(readFileSync(join(dir, 'back.txt'), 'utf8'), 'copied in\n');

    // push to and pull from the loopback registry
    const remote = `${d.registry.host}/cli/built:1`;
    await docker(['tag', 'cli/built:1', remote]);
    await docker(['push', remote]);
    await docker(['rmi', remote]);
    await docker(['pull', remote]);
    assert.equal((await docker(['run', '--rm', remote])).stdout, 'hello from the context\n');

    // save / load
    const archive = join(dir, 'built.tar');
    await docker(['save', '-o', archive, 'cli/built:1']);
    await docker(['rmi', remote, 'cli/built:1']);
    assert.match((await docker(['load', '-i', archive])).stdout, /Loaded image: cli\/built:1/);
    assert.equal((await docker(['run', '--rm', 'cli/built:1'])).stdout, 'hello from the context\n');

    // stop, and the events that led here (replayed with --since/--until)
    await docker(['stop', '-t', '1', 'srv']);
    assert.equal(await f('{{.State.Status}}'), 'exited\n');
    const t1 = Math.ceil(Date.now() / 1000) + 1;
    const events = await docker(['events', '--since', String(t0), '--until', String(t1), '--filter', 'container=srv', '--format', '{{.Type}} {{.Action}}']);
    const actions = events.stdout.split('\n').filter(Boolean);
    for (const a of ['container create', 'container start', 'container die', 'container stop']) assert.ok(actions.includes(a), `${a} missing from ${JSON.stringify(actions)}`);
    const byLabel = await docker(['events', '--since', String(t0), '--until', String(t1), '--filter', 'label=tier=web', '--filter', 'event=start', '--format', '{{.Actor.Attributes.name}}']);
    assert.equal(byLabel.stdout, 'srv\n');

    // prune and disk usage
    const df = await docker(['system', 'df']);
    assert.match(df.stdout, /^TYPE\s+TOTAL\s+ACTIVE\s+SIZE\s+RECLAIMABLE\nImages\s+\d+/);
    assert.match((await docker(['system', 'df', '-v'])).stdout, /Images space usage:[\s\S]*Containers space usage:[\s\S]*srv[\s\S]*Local Volumes space usage:[\s\S]*clivol/);
    const cp = await docker(['container', 'prune', '-f', '--filter', 'label=scenario=docker-cli']);
    assert.match(cp.stdout, /Deleted Containers:\n[0-9a-f]{64}\n/);
    assert.equal((await docker(['ps', '-aq', '--filter', 'name=srv'])).stdout, '');
    await docker(['network', 'rm', 'clinet']);
    await docker(['volume', 'rm', 'clivol']);
    const sp = await docker(['system', 'prune', '-af', '--volumes']);
    assert.match(sp.stdout, /Deleted Images:[\s\S]*Total reclaimed space: /);
    assert.equal((await docker(['images', '-q'])).stdout, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
