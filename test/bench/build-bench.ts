/**
 * Build benchmark (not a test): berth against dockerd 20.10's BuildKit and classic builder,
 * side by side on this machine. Run after `sh scripts/build.sh`, as root:
 *
 *   node dist/test/bench/build-bench.js [runs]
 *
 * 1. a 5-step Dockerfile of small RUN steps on busybox, built with --no-cache;
 * 2. a fully cached rebuild of a 100 MB context (COPY . then RUN).
 * Every builder gets the same busybox base (build/busybox.tar). dockerd runs with its default
 * bridge network inside a private network namespace (`unshare --net`), so BuildKit and the
 * classic builder run with their defaults without touching the host's network; BuildKit is
 * also measured with `--network none`. Prints median wall times and berth's ratios.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { BERTH, BUSYBOX_TAR, TestDaemon, ping, until } from '../e2e/harness.js';
import { spawn } from 'node:child_process';

const runs = Number(process.argv[2] ?? 7);

function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr.toString()}`);
  return ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const berth = await TestDaemon.start();
  const dockerDir = join(berth.dir, 'dockerd');
  const sock = join(dockerDir, 'd.sock');
  mkdirSync(dockerDir, { recursive: true });
  const dockerd = spawn('unshare', ['--net', '/usr/sbin/dockerd', '--data-root', join(dockerDir, 'data'), '--exec-root', join(dockerDir, 'x'), '--pidfile', join(dockerDir, 'pid'), '-H', `unix://${sock}`], { stdio: 'ignore' });
  try {
    await until(() => ping(sock), 30_000, 'dockerd');
    const denv = (kit: string) => ({ ...process.env, DOCKER_HOST: `unix://${sock}`, DOCKER_BUILDKIT: kit, DOCKER_CONFIG: join(dockerDir, 'cfg') });
    timed('/usr/bin/docker', ['import', BUSYBOX_TAR, 'busybox'], denv('0'));
    const small = join(berth.dir, 'small');
    mkdirSync(small);
    writeFileSync(join(small, 'Dockerfile'), 'FROM busybox\nRUN echo 1 > /a\nRUN echo 2 > /b\nRUN echo 3 > /c\nRUN echo 4 > /d\nRUN echo 5 > /e\n');
    const big = join(berth.dir, 'big');
    mkdirSync(big);
    for (let i = 0; i < 100; i++) writeFileSync(join(big, `f${i}`), randomBytes(1 << 20));
    writeFileSync(join(big, 'Dockerfile'), 'FROM busybox\nCOPY . /ctx\nRUN ls /ctx | wc -l\n');

    const benv = { ...process.env };
    const berthBuild = (dir: string, extra: string[]) => timed(process.execPath, [BERTH, '-H', berth.host, 'build', '-q', ...extra, dir], benv);
    const dockerBuild = (kit: string, dir: string, extra: string[]) => timed('/usr/bin/docker', ['build', '-q', ...extra, dir], denv(kit));
    const results: Record<string, number[]> = {};
    const add = (k: string, v: number) => (results[k] ??= []).push(v);
    // Warm up each builder once (and fill the caches for the cached case).
    for (const dir of [small, big]) {
      berthBuild(dir, []);
      dockerBuild('1', dir, []);
      dockerBuild('1', dir, ['--network', 'none']);
      dockerBuild('0', dir, []);
    }
    for (let i = 0; i < runs; i++) {
      add('no-cache 5 RUN: berth', berthBuild(small, ['--no-cache']));
      add('no-cache 5 RUN: buildkit', dockerBuild('1', small, ['--no-cache']));
      add('no-cache 5 RUN: buildkit --network none', dockerBuild('1', small, ['--no-cache', '--network', 'none']));
      add('no-cache 5 RUN: legacy', dockerBuild('0', small, ['--no-cache']));
      add('cached 100MB: berth', berthBuild(big, []));
      add('cached 100MB: buildkit', dockerBuild('1', big, []));
      add('cached 100MB: legacy', dockerBuild('0', big, []));
    }
    for (const [k, v] of Object.entries(results)) console.log(`${k.padEnd(42)} median ${median(v).toFixed(0).padStart(5)} ms  (runs: ${v.map((x) => x.toFixed(0)).join(' ')})`);
    const ratio = (a: string, b: string) => (median(results[a]!) / median(results[b]!)).toFixed(2);
    console.log(`no-cache: berth/buildkit ${ratio('no-cache 5 RUN: berth', 'no-cache 5 RUN: buildkit')} (target <= 0.5), berth/buildkit --network none ${ratio('no-cache 5 RUN: berth', 'no-cache 5 RUN: buildkit --network none')}, berth/legacy ${ratio('no-cache 5 RUN: berth', 'no-cache 5 RUN: legacy')}`);
    console.log(`cached:   berth/buildkit ${ratio('cached 100MB: berth', 'cached 100MB: buildkit')} (target <= 1.5), berth/legacy ${ratio('cached 100MB: berth', 'cached 100MB: legacy')}`);
  } finally {
    dockerd.kill('SIGTERM');
    await new Promise((r) => dockerd.once('exit', r));
    spawnSync('sh', ['-c', `grep -o "${dockerDir}[^ ]*" /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l`]);
    rmSync(dockerDir, { recursive: true, force: true });
    await berth.cleanup();
  }
}

await main();
