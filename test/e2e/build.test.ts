import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BERTH, BUSYBOX_TAR, TestDaemon, run, until } from './harness.js';

/** Write a context directory: file name → content. */
function ctx(d: TestDaemon, name: string, files: Record<string, string>): string {
  const dir = join(d.dir, name);
  for (const [f, content] of Object.entries(files)) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), content);
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Nothing of a build may be left: no step snapshot, mount, runc container or container record. */
function leftovers(d: TestDaemon): string[] {
  const list = (p: string) => (existsSync(join(d.dataRoot, p)) ? readdirSync(join(d.dataRoot, p)).map((n) => `${p}/${n}`) : []);
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(`${d.dataRoot}/build/`));
  return [...list('overlay/active').filter((n) => n.includes('build-')), ...list('build/runs'), ...list('build/contexts'), ...mounts];
}

async function inspect(d: TestDaemon, ref: string, format: string): Promise<string> {
  const r = await d.berth(['image', 'inspect', '-f', format, ref]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim();
}

describe('berth build', () => {
  let d: TestDaemon;
  let server: Server;
  let port = 0;
  before(async () => {
    d = await TestDaemon.start();
    server = createServer((req, res) => {
      if (req.url === '/file.txt') {
        res.writeHead(200, { 'Last-Modified': 'Wed, 21 Oct 2015 07:28:00 GMT' });
        res.end('downloaded\n');
      } else {
        res.writeHead(404);
        res.end('no');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  after(async () => {
    server.close();
    await d.cleanup();
  });

  it('builds every instruction into the config Docker would write, then rebuilds from cache', async () => {
    const dir = ctx(d, 'all', {
      'a.txt': 'hello\n',
      'dir/x': 'x\n',
      'dir/sub/y': 'y\n',
      Dockerfile: [
        'ARG BASE=busybox',
        'FROM $BASE AS base',
        'LABEL a=b "c d"="e f"',
        'ENV A=1 B="two words"',
        'ARG V=9',
        'RUN echo hi $V $A > /hi',
        'RUN true',
        'WORKDIR /app',
        'COPY a.txt dir ./',
        'USER nobody',
        'EXPOSE 80 90/udp',
        'VOLUME /data',
        'STOPSIGNAL SIGINT',
        'HEALTHCHECK --interval=5s --retries=2 CMD echo ok',
        'ONBUILD RUN echo trigger',
        'CMD ["echo", "cmd"]',
        'ENTRYPOINT ["/bin/sh", "-c"]',
        '',
      ].join('\n'),
    });
    const b = await d.berth(['build', '-t', 'all:1', '-t', 'all:2', '--label', 'extra=yes', dir]);
    assert.equal(b.code, 0, b.stderr);
    assert.match(b.stdout, /^Step 1\/18 : ARG BASE=busybox\nStep 2\/18 : FROM \$BASE AS base\n ---> [a-f0-9]{12}\n/);
    assert.match(b.stdout, /Step 6\/18 : RUN echo hi \$V \$A > \/hi\n ---> Running in [a-f0-9]{12}\nRemoving intermediate container [a-f0-9]{12}\n ---> [a-f0-9]{12}\n/);
    assert.match(b.stdout, /Successfully built ([a-f0-9]{12})\nSuccessfully tagged all:1\nSuccessfully tagged all:2\n$/);
    const id = /Successfully built ([a-f0-9]{12})/.exec(b.stdout)![1]!;
    const config = JSON.parse(await inspect(d, 'all:1', '{{json .Config}}'));
    assert.deepEqual(config.Env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'A=1', 'B=two words']);
    assert.deepEqual(config.Labels, { a: 'b', 'c d': 'e f', extra: 'yes' });
    assert.deepEqual(config.Cmd, ['echo', 'cmd'], 'ENTRYPOINT keeps a CMD set in the same stage');
    assert.deepEqual(config.Entrypoint, ['/bin/sh', '-c']);
    assert.deepEqual([config.WorkingDir, config.User, config.StopSignal], ['/app', 'nobody', 'SIGINT']);
    assert.deepEqual(config.ExposedPorts, { '80/tcp': {}, '90/udp': {} });
    assert.deepEqual(config.Volumes, { '/data': {} });
    assert.deepEqual(config.Healthcheck, { Test: ['CMD-SHELL', 'echo ok'], Interval: 5e9, Retries: 2 });
    assert.deepEqual(config.OnBuild, ['RUN echo trigger']);
    const history = (await d.berth(['image', 'inspect', '-f', '{{json .Id}}', 'all:1'])).stdout.trim();
    assert.ok(history.includes(id));
    const files = await d.berth(['run', '--rm', '--entrypoint', 'sh', 'all:1', '-c', 'cat /hi /app/a.txt /app/x /app/sub/y; stat -c "%U %a" /app/x']);
    assert.equal(files.stdout, 'hi 9 1\nhello\nx\ny\nroot 644\n');

    // Same context, same args: every step comes from the cache, no container runs, same image.
    const again = await d.berth(['build', '-t', 'all:1', '--label', 'extra=yes', dir]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout.match(/ ---> Using cache\n/g)?.length, 16);
    assert.doesNotMatch(again.stdout, /Running in/);
    assert.match(again.stdout, new RegExp(`Successfully built ${id}\n`));
    // A changed file invalidates its COPY and what follows, not what comes before.
    writeFileSync(join(dir, 'a.txt'), 'changed\n');
    const changed = await d.berth(['build', dir]);
    assert.match(changed.stdout, /Step 6\/17 : RUN echo hi \$V \$A > \/hi\n ---> Using cache\n/);
    assert.match(changed.stdout, /Step 9\/17 : COPY a.txt dir .\/\n ---> [a-f0-9]{12}\n/);
    assert.deepEqual(leftovers(d), []);
  });

  it('records history and empty layers like the classic builder', async () => {
    const dir = ctx(d, 'hist', { Dockerfile: 'FROM busybox\nARG A\nARG B=1\nARG HTTP_PROXY\nENV C=3\nRUN echo $HTTP_PROXY $https_proxy > /p\nRUN true\nSHELL ["/bin/sh", "-ec"]\nCMD echo hi\n' });
    const b = await d.berth(['build', '-t', 'hist', '--build-arg', 'HTTP_PROXY=p', '--build-arg', 'https_proxy=q', '--build-arg', 'UNUSED=1', dir]);
    assert.equal(b.code, 0, b.stderr);
    assert.match(b.stdout, /\[Warning\] One or more build-args \[UNUSED\] were not consumed\n/);
    const hist = await d.berth(['run', '--rm', '--entrypoint', 'cat', 'hist', '/p']);
    assert.equal(hist.stdout, 'p q\n');
    const raw = JSON.parse(readFileSync(join(d.dataRoot, 'content/blobs/sha256', (await inspect(d, 'hist', '{{.Id}}')).slice(7)), 'utf8'));
    const built = raw.history.slice(1).map((h: { created_by: string; empty_layer?: boolean }) => [h.created_by, h.empty_layer ?? false]);
    assert.deepEqual(built, [
      ['/bin/sh -c #(nop)  ARG A', true],
      ['/bin/sh -c #(nop)  ARG B=1', true],
      ['/bin/sh -c #(nop)  ARG HTTP_PROXY', true],
      ['/bin/sh -c #(nop)  ENV C=3', true],
      ['|2 B=1 HTTP_PROXY=p /bin/sh -c echo $HTTP_PROXY $https_proxy > /p', false],
      ['|2 B=1 HTTP_PROXY=p /bin/sh -c true', true],
      ['/bin/sh -ec #(nop)  SHELL [/bin/sh -ec]', true],
      ['/bin/sh -ec #(nop)  CMD ["/bin/sh" "-ec" "echo hi"]', true],
    ]);
    assert.equal(raw.rootfs.diff_ids.length, 2);
    assert.deepEqual(raw.config.Cmd, ['/bin/sh', '-ec', 'echo hi']);
  });

  it('builds only the stages the target needs, independent stages in parallel', async () => {
    const dir = ctx(d, 'multi', {
      Dockerfile: [
        'ARG WHO=world',
        'FROM busybox AS one',
        'RUN sleep 1; echo "one$WHO" > /one',
        'FROM busybox AS two',
        'ARG WHO',
        'RUN sleep 1; echo "two $WHO" > /two',
        'FROM busybox AS broken',
        'RUN exit 1',
        'FROM busybox',
        'COPY --from=one /one /',
        'COPY --from=1 /two /',
        'COPY --from=busybox /etc/group /group-copy',
        'RUN grep -q nogroup /group-copy',
        'CMD ["cat", "/one", "/two"]',
        '',
      ].join('\n'),
    });
    const t0 = Date.now();
    const b = await d.berth(['build', '--no-cache', '-t', 'multi', dir]);
    const took = Date.now() - t0;
    assert.equal(b.code, 0, b.stderr + b.stdout);
    assert.doesNotMatch(b.stdout, /exit 1/, 'the unused stage must not run');
    // In parallel, the second stage's RUN starts before the first one's finishes.
    const started = [...b.stdout.matchAll(/ ---> Running in /g)].map((m) => m.index!);
    const firstDone = b.stdout.indexOf('Removing intermediate container');
    assert.ok(started.length >= 2 && started[1]! < firstDone, `the stages ran one after the other (${took} ms):\n${b.stdout}`);
    // A meta ARG is visible in a stage only where the stage declares it again.
    assert.equal((await d.berth(['run', '--rm', 'multi'])).stdout, 'one\ntwo world\n');
    // ONBUILD triggers run in the build that uses the image.
    const parent = await d.berth(['build', '-t', 'parent', '-'], { input: 'FROM busybox\nONBUILD RUN echo triggered > /trig\n' });
    assert.equal(parent.code, 0, parent.stderr);
    const child = await d.berth(['build', '-t', 'child', '-'], { input: 'FROM parent\nRUN cat /trig\n' });
    assert.equal(child.code, 0, child.stderr);
    assert.match(child.stdout, /# Executing 1 build trigger\n/);
    assert.match(child.stdout, /\ntriggered\n/);
    assert.equal(await inspect(d, 'child', '{{json .Config.OnBuild}}'), 'null');
    const target = await d.berth(['build', '-q', '--target', 'two', dir]);
    assert.equal(target.code, 0, target.stderr);
    assert.match(target.stdout, /^sha256:[a-f0-9]{64}\n$/);
    const bad = await d.berth(['build', '--target', 'nope', dir]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /failed to reach build target nope/);
  });

  it('applies .dockerignore, -f outside the context, -f - and a context on stdin, in both transfer modes', async () => {
    const dir = ctx(d, 'ign', {
      '.dockerignore': '*.log\nsecret\n!keep.log\n',
      'a.log': 'no', 'keep.log': 'yes', secret: 'no', 'ok.txt': 'ok',
      Dockerfile: 'FROM busybox\nCOPY . /c/\nRUN ls /c | sort | tr "\\n" " "\n',
    });
    for (const mode of ['dir', 'tar']) {
      const b = await d.berth(['build', '--no-cache', dir], { env: { ...process.env, BERTH_BUILD_CONTEXT: mode } });
      assert.equal(b.code, 0, b.stderr);
      assert.match(b.stdout, /\nDockerfile keep\.log ok\.txt Removing/, mode);
      const missing = await d.berth(['build', '-f', '-', dir], { input: 'FROM busybox\nCOPY secret /\n', env: { ...process.env, BERTH_BUILD_CONTEXT: mode } });
      assert.equal(missing.code, 1, mode);
      assert.match(missing.stderr, /COPY failed: file not found in build context or excluded by \.dockerignore: stat secret: file does not exist/);
    }
    writeFileSync(join(d.dir, 'Outside.Dockerfile'), 'FROM busybox\nCOPY ok.txt /\nRUN cat /ok.txt\n');
    const outside = await d.berth(['build', '-f', join(d.dir, 'Outside.Dockerfile'), dir], { env: { ...process.env, BERTH_BUILD_CONTEXT: 'tar' } });
    assert.equal(outside.code, 0, outside.stderr);
    assert.match(outside.stdout, /\nokRemoving intermediate container/);
    const onlyDockerfile = await d.berth(['build', '-'], { input: 'FROM busybox\nRUN echo from stdin\n' });
    assert.equal(onlyDockerfile.code, 0, onlyDockerfile.stderr);
    assert.match(onlyDockerfile.stdout, /from stdin/);
  });

  it('refuses bad Dockerfiles with their line, before anything runs', async () => {
    const cases: [string, RegExp][] = [
      ['FROM busybox\nRUN echo a\nBOGUS x\n', /dockerfile parse error line 3: unknown instruction: BOGUS/],
      ['FROM busybox AS a\nRUN echo x\nFROM nosuchstage\nRUN echo y\n', /dockerfile line 3: no stage or image named "nosuchstage"/],
      ['FROM busybox AS a\nCOPY --from=b /x /x\nFROM busybox AS b\nCOPY --from=a /y /y\n', /line [24]: circular dependency detected on stage: [ab]/],
      ['FROM busybox\nCOPY --from=nosuch /x /x\n', /dockerfile line 2: no stage or image named "nosuch"/],
      ['FROM busybox\nHEALTHCHECK --interval=x CMD true\n', /invalid duration/],
      ['FROM busybox\nEXPOSE 99999\n', /line 2: Invalid containerPort: 99999/],
    ];
    for (const [text, re] of cases) {
      const r = await d.berth(['build', '-'], { input: text });
      assert.equal(r.code, 1, text);
      assert.match(r.stderr, re);
      assert.doesNotMatch(r.stdout, /Running in/);
    }
    assert.deepEqual(leftovers(d), []);
  });

  it('refuses COPY sources outside the context, also through symlinks', async () => {
    const dir = ctx(d, 'esc', { 'in.txt': 'in', 'sub/f': 'f', Dockerfile: 'FROM busybox\n' });
    symlinkSync('/etc/passwd', join(dir, 'abs'));
    symlinkSync('../../', join(dir, 'sub/up'));
    symlinkSync('in.txt', join(dir, 'ok'));
    for (const [src, re] of [['../x', /forbidden path outside the build context: \.\.\/x/], ['abs', /forbidden path outside the build context: abs \(abs -> \/etc\/passwd\)/], ['sub/up/etc/passwd', /forbidden path outside the build context/]] as const) {
      writeFileSync(join(dir, 'Dockerfile'), `FROM busybox\nCOPY ${src} /x\n`);
      const r = await d.berth(['build', dir]);
      assert.equal(r.code, 1, src);
      assert.match(r.stderr, re);
    }
    writeFileSync(join(dir, 'Dockerfile'), 'FROM busybox\nCOPY ok /x\nRUN cat /x\n');
    const ok = await d.berth(['build', dir]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /\ninRemoving intermediate container/);
  });

  it('reports a failing RUN with its command, code and output, and leaves nothing behind', async () => {
    const before = readdirSync(join(d.dataRoot, 'overlay/layers')).length;
    const r = await d.berth(['build', '--no-cache', '-'], { input: 'FROM busybox\nRUN echo partial > /p; echo to-out; echo to-err >&2; exit 7\n' });
    assert.equal(r.code, 7);
    assert.match(r.stdout, /to-out\n/);
    assert.match(r.stdout, /to-err/);
    assert.match(r.stderr, /The command '\/bin\/sh -c echo partial > \/p; echo to-out; echo to-err >&2; exit 7' returned a non-zero code: 7/);
    assert.equal(readdirSync(join(d.dataRoot, 'overlay/layers')).length, before, 'no layer from the failed step');
    assert.equal((await d.berth(['ps', '-aq'])).stdout, '');
    assert.deepEqual(leftovers(d), []);
  });

  it('ADD extracts local archives and downloads URLs; a failed download fails cleanly', async () => {
    const dir = ctx(d, 'add', { Dockerfile: `FROM scratch\nADD rootfs.tar /\nADD http://127.0.0.1:${port}/file.txt /dl/\nRUN cat /dl/file.txt; stat -c %a /dl/file.txt; ls /bin/busybox\n` });
    writeFileSync(join(dir, 'rootfs.tar'), readFileSync(BUSYBOX_TAR));
    const b = await d.berth(['build', '-t', 'fromscratch', dir]);
    assert.equal(b.code, 0, b.stderr);
    assert.match(b.stdout, /downloaded\n600\n\/bin\/busybox\n/);
    const bad = await d.berth(['build', '-'], { input: `FROM busybox\nADD http://127.0.0.1:${port}/missing /x\n` });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /ADD failed: failed to GET http:\/\/127\.0\.0\.1:\d+\/missing with status 404/);
    assert.deepEqual(leftovers(d), []);
  });

  it('supports RUN --mount=type=cache|bind|tmpfs|secret, heredocs, and COPY --chown/--chmod/--link', async () => {
    const dir = ctx(d, 'mounts', {
      'src/data.txt': 'from context\n',
      Dockerfile: [
        'FROM busybox AS tools',
        'RUN echo tool > /tool',
        'FROM busybox',
        'RUN --mount=type=cache,target=/cache echo run >> /cache/log; wc -l < /cache/log > /count',
        'RUN --mount=type=bind,source=src,target=/mnt cat /mnt/data.txt > /from-bind',
        'RUN --mount=type=bind,source=src,target=/rw,rw echo scribble > /rw/data.txt',
        'RUN --mount=type=bind,from=tools,source=/tool,target=/t cat /t > /from-stage',
        'RUN --mount=type=tmpfs,target=/scratch touch /scratch/x && ! test -e /scratch-leak',
        'RUN --mount=type=secret,id=token cat /run/secrets/token > /seen-secret-len && wc -c < /run/secrets/token > /seen-secret-len',
        'RUN <<EOF',
        'echo heredoc > /heredoc',
        'EOF',
        'COPY <<EOF /etc/conf',
        'value=$HOSTNAME-x',
        'EOF',
        'COPY --chown=nobody:nogroup --chmod=600 src/data.txt /owned',
        'COPY --link src/data.txt /linked',
        '',
      ].join('\n'),
    });
    writeFileSync(join(d.dir, 'token'), 'sekret');
    const b1 = await d.berth(['build', '--no-cache', '--secret', `id=token,src=${join(d.dir, 'token')}`, '-t', 'mounts', dir]);
    assert.equal(b1.code, 0, b1.stderr + b1.stdout);
    const b2 = await d.berth(['build', '--no-cache', '--secret', `id=token,src=${join(d.dir, 'token')}`, '-t', 'mounts', dir]);
    assert.equal(b2.code, 0, b2.stderr);
    const out = await d.berth(['run', '--rm', 'mounts', 'sh', '-c', 'cat /count /from-bind /from-stage /seen-secret-len /heredoc /etc/conf; stat -c "%u:%g %a" /owned; cat /linked; ls -d /cache /mnt /t /run/secrets /scratch 2>/dev/null | wc -l']);
    assert.equal(out.code, 0, out.stderr);
    const lines = out.stdout.split('\n');
    assert.equal(lines[0], '2', 'the cache mount keeps its content between builds');
    assert.deepEqual(lines.slice(1, 7), ['from context', 'tool', '6', 'heredoc', 'value=-x', '65534:65534 600']);
    assert.equal(lines[7], 'from context');
    assert.equal(lines[8], '0', 'mount targets are not part of the image');
    assert.equal(readFileSync(join(dir, 'src/data.txt'), 'utf8'), 'from context\n', 'a rw bind mount does not write to the context');
    const noSecret = await d.berth(['build', '-'], { input: 'FROM busybox\nRUN --mount=type=secret,id=x,required=true true\n' });
    assert.equal(noSecret.code, 1);
    assert.match(noSecret.stderr, /secret x not found/);
  });

  it('stops the RUN container and cleans up when the client goes away', async () => {
    const child = spawn(process.execPath, [BERTH, '-H', d.host, 'build', '--no-cache', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.end('FROM busybox\nRUN echo started; sleep 60\n');
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    await until(() => out.includes('started\n'), 15_000, 'the RUN step to start').catch((e) => { throw new Error(`${e.message}: ${out}`); });
    assert.ok(leftovers(d).length > 0, 'the step is running');
    child.kill('SIGKILL');
    await until(() => leftovers(d).length === 0, 10_000, 'the build to clean up');
    const execRoot = `/run/berth-${createHash('sha256').update(d.dataRoot).digest('hex').slice(0, 8)}`;
    const runc = await run('runc', [`--root=${execRoot}/runc`, 'list', '-q']);
    assert.equal(runc.stdout.trim(), '');
  });

  it('cleans up a build the daemon was killed in the middle of', async () => {
    const child = spawn(process.execPath, [BERTH, '-H', d.host, 'build', '--no-cache', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.end('FROM busybox\nRUN echo crashing; sleep 60\n');
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    await until(() => out.includes('crashing\n'), 15_000, 'the RUN step to start');
    await d.kill();
    child.kill('SIGKILL');
    assert.ok(leftovers(d).length > 0);
    await d.startProcess();
    assert.deepEqual(leftovers(d), []);
    const execRoot = `/run/berth-${createHash('sha256').update(d.dataRoot).digest('hex').slice(0, 8)}`;
    await until(async () => (await run('runc', [`--root=${execRoot}/runc`, 'list', '-q'])).stdout.trim() === '', 10_000, 'the step container to be gone');
    assert.equal((await d.berth(['build', '-q', '-'], { input: 'FROM busybox\nRUN echo after\n' })).code, 0);
  });

  it('gives the same image for the same context on two data roots with SOURCE_DATE_EPOCH', async () => {
    const other = await TestDaemon.start({ busybox: false });
    try {
      const dir = ctx(d, 'repro', { 'f.txt': 'same\n', Dockerfile: 'FROM scratch\nADD rootfs.tar /\nCOPY f.txt /f.txt\nRUN echo built > /b; mkdir -p /var/x\nENV X=1\n' });
      writeFileSync(join(dir, 'rootfs.tar'), readFileSync(BUSYBOX_TAR));
      const env = { ...process.env, SOURCE_DATE_EPOCH: '1700000000' };
      const a = await d.berth(['build', '-q', '--no-cache', dir], { env });
      const b = await other.berth(['build', '-q', dir], { env });
      assert.equal(a.code, 0, a.stderr);
      assert.equal(b.code, 0, b.stderr);
      assert.equal(a.stdout, b.stdout);
      assert.equal(await inspect(d, a.stdout.trim(), '{{.Created}}'), '2023-11-14T22:13:20Z');
    } finally {
      await other.cleanup();
    }
  });

  it('writes --iidfile, and builder prune empties the cache', async () => {
    const dir = ctx(d, 'prune', { Dockerfile: 'FROM busybox\nRUN echo pruned > /p\n' });
    const iid = join(d.dir, 'iid');
    assert.equal((await d.berth(['build', '--iidfile', iid, dir])).code, 0);
    assert.match(readFileSync(iid, 'utf8'), /^sha256:[a-f0-9]{64}$/);
    const prune = await d.berth(['builder', 'prune', '-f']);
    assert.equal(prune.code, 0, prune.stderr);
    assert.match(prune.stdout, /^Deleted build cache objects:\n[a-f0-9]{25}\n[\s\S]*\nTotal reclaimed space: \d/);
    assert.equal(readdirSync(join(d.dataRoot, 'build/entries')).length, 0);
    assert.ok(!existsSync(join(d.dataRoot, 'build/cache-mounts')), 'cache mounts are pruned too');
    const rebuilt = await d.berth(['build', dir]);
    assert.match(rebuilt.stdout, /Running in/);
    const again = await d.berth(['builder', 'prune', '-f']);
    assert.match(again.stdout, /Total reclaimed space: /);
  });
});
