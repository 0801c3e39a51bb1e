/**
 * `npm run bench`: berth and dockerd side by side on this machine (not part of the tests).
 * Each engine runs on its own socket and data root with the same busybox image and the same
 * loopback registry; every workload runs once on each as a warm-up, then alternately
 * (berth, dockerd, berth, dockerd, ...). The report gives median, min and max per engine and
 * the median of the pairwise berth/dockerd ratios, and replaces the generated section of
 * docs/benchmarks.md (plus docs/benchmarks.svg).
 *
 * Flags: --install-dockerd (apt-get install docker.io first), --quick (3 runs, prints but does
 * not write the docs), --runs N, --only id,id, --berth-only.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { arch, cpus, loadavg, release, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalRegistry } from '../test/e2e/registry-harness.js';
import { buildWorkloads } from './build-workloads.js';
import { BERTH_BIN, CLI_ENV, DOCKER_CLI, DOCKER_CLI_BUILDKIT, must, ROOT, sh, startBerth, startDockerd, type Engine } from './engines.js';
import { memoryWorkloads } from './memory-workloads.js';
import { ratioChart } from './ratio-chart.js';
import { registryWorkloads, seedRegistry } from './registry-workloads.js';
import { stats, tableMarkdown, writeReport, type Row } from './report.js';
import { runWorkloads } from './run-workloads.js';
import { runcFloor } from './runc-floor.js';
import { median } from './stats.js';
import type { BenchContext, Workload } from './workload.js';

const argv = process.argv.slice(2);
const flag = (n: string) => argv.includes(n);
const value = (n: string) => (argv.includes(n) ? argv[argv.indexOf(n) + 1] : undefined);
const QUICK = flag('--quick');
const RUNS = Number(value('--runs') ?? (QUICK ? 3 : 10));
const ONLY = value('--only')?.split(',');
const BUSYBOX = join(ROOT, 'build/busybox.tar');

// Memory first: "idle" means a daemon that has started and holds the image, before the load.
const WORKLOADS: Workload[] = [...memoryWorkloads, ...runWorkloads, ...buildWorkloads, ...registryWorkloads];

function version(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0]!.trim();
  } catch {
    return 'not installed';
  }
}

/** Warm up once on each engine, then alternate berth and dockerd. */
async function measure(w: Workload, engines: Engine[], ctx: BenchContext): Promise<Row> {
  const row: Row = { id: w.id, title: w.title, unit: w.unit, target: w.target, berth: [], docker: [], ratios: [], limit: w.limit };
  process.stderr.write(`${w.id}: `);
  try {
    for (const e of engines) await w.setup?.(e, ctx);
    for (const e of engines) await w.measure(e, ctx);
    const runs = Math.min(RUNS, w.maxRuns ?? RUNS);
    for (let i = 0; i < runs; i++) {
      const b = await w.measure(engines[0]!, ctx);
      row.berth.push(b);
      if (engines[1]) {
        const d = await w.measure(engines[1], ctx);
        row.docker.push(d);
        row.ratios.push(b / d);
      }
      process.stderr.write('.');
    }
    process.stderr.write(` berth ${stats(row.berth, w.unit)}${engines[1] ? `, dockerd ${stats(row.docker, w.unit)}` : ''}\n`);
  } catch (e) {
    row.note = `not measured: ${(e as Error).message}`;
    process.stderr.write(` ${row.note}\n`);
  }
  return row;
}

async function nodeStartMs(env: NodeJS.ProcessEnv): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) times.push((await sh(process.execPath, ['-e', '0'], env)).ms);
  return median(times);
}

async function main(): Promise<void> {
  if (flag('--install-dockerd') && !existsSync('/usr/sbin/dockerd')) {
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'docker.io'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
  if (!existsSync(BUSYBOX)) await must('sh', [join(ROOT, 'scripts/make-busybox-image.sh'), BUSYBOX]);
  const work = await mkdtemp(join(tmpdir(), 'berth-bench-'));
  const engines: Engine[] = [];
  let registry: LocalRegistry | undefined;
  const loadBefore = loadavg();
  try {
    engines.push(await startBerth(join(work, 'berth')));
    const docker = flag('--berth-only') ? undefined : await startDockerd(join(work, 'docker'));
    if (docker) engines.push(docker);
    else process.stderr.write('no dockerd (npm run bench -- --install-dockerd): measuring berth alone\n');
    for (const e of engines) await must(DOCKER_CLI, ['-H', `unix://${e.socket}`, 'import', BUSYBOX, 'busybox']);
    registry = await LocalRegistry.start();
    process.stderr.write('seeding the registry with a 100 MB image\n');
    await seedRegistry(registry.host);
    const ctx: BenchContext = { work, registry: registry.host, quick: QUICK };
    const rows: Row[] = [];
    for (const w of WORKLOADS) if (!ONLY || ONLY.includes(w.id)) rows.push(await measure(w, engines, ctx));
    const floor = await runcFloor(work, BUSYBOX, RUNS);
    const nodeStart = { clean: await nodeStartMs(CLI_ENV), sandbox: await nodeStartMs(process.env) };
    const section = renderSection(rows, floor, engines.length > 1, nodeStart, [loadBefore, loadavg()]);
    process.stdout.write(`${section}\n`);
    if (!QUICK && !ONLY) {
      await writeFile(join(ROOT, 'docs/benchmarks.svg'), ratioChart(rows));
      await writeReport(join(ROOT, 'docs/benchmarks.md'), section);
      process.stderr.write('wrote docs/benchmarks.md and docs/benchmarks.svg\n');
    }
  } finally {
    for (const e of engines) {
      const ids = (await e.docker(['ps', '-aq'])).stdout.split('\n').filter(Boolean);
      if (ids.length) await e.docker(['rm', '-f', ...ids]);
      await e.stop().catch((err: unknown) => process.stderr.write(`stopping ${e.name}: ${String(err)}\n`));
    }
    await registry?.stop();
    await rm(work, { recursive: true, force: true });
  }
}

function renderSection(rows: Row[], floor: number[], withDocker: boolean, nodeStart: { clean: number; sandbox: number }, load: number[][]): string {
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? arch()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}`;
  const floorMs = floor.length ? median(floor) : undefined;
  const multiples = rows
    .filter((r) => r.id.startsWith('run-') && r.id !== 'run-parallel-20' && r.id !== 'run-exec-rm' && r.berth.length)
    .map((r) => `| ${r.title} | ${(median(r.berth) / floorMs!).toFixed(1)}× | ${r.docker.length ? `${(median(r.docker) / floorMs!).toFixed(1)}×` : '—'} |`);
  return [
    `## Latest run: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `- machine: ${machine}; load average ${load[0]!.map((x) => x.toFixed(1)).join(' ')} at the start, ${load[1]!.map((x) => x.toFixed(1)).join(' ')} at the end`,
    '  (the machine is shared with other agents building and testing, so absolute times are noisy;',
    '  the ratios come from alternating runs, so both engines saw the same load)',
    `- berth ${version(process.execPath, [BERTH_BIN, '--version'])}, node ${process.version}, ${version('runc', ['--version'])}, ${version('conmon', ['--version'])}`,
    `- dockerd: ${withDocker ? version('dockerd', ['--version']) : 'not installed (berth alone)'}; docker CLI for the run, exec, pull and push rows: ${version(DOCKER_CLI, ['--version'])}`,
    `- builds on dockerd: BuildKit through ${version(DOCKER_CLI_BUILDKIT, ['--version'])} with DOCKER_BUILDKIT=1 (docker CLI 28 has no buildx plugin here, so it would fall back to the legacy builder)`,
    `- dockerd runs with its own bridge device and \`--iptables=false\` (so it cannot disturb the host); berth with its defaults`,
    `- ${RUNS} alternating runs per workload (at most 5 for builds, pull, push and parallel runs; 3 for memory) after one warm-up run on each engine`,
    `- node start-up (\`node -e 0\`): ${nodeStart.clean.toFixed(0)} ms; this sandbox also sets NODE_EXTRA_CA_CERTS, which makes every node process parse a CA bundle first (${nodeStart.sandbox.toFixed(0)} ms): the bench runs berth's CLI without it, as a user's shell would`,
    '',
    tableMarkdown(rows),
    '',
    floorMs ? `Floor: a bare \`runc run\` of the same busybox bundle (no engine, no monitor, no network) takes ${stats(floor, 'ms')}.` : '',
    '',
    floorMs && multiples.length ? ['| start-up as a multiple of the floor | berth | dockerd |', '|---|---|---|', ...multiples].join('\n') : '',
    '',
    '![berth/dockerd ratios](benchmarks.svg)',
  ].join('\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${(e as Error).stack}\n`);
  process.exit(1);
});
