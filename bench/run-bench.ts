/**
 * `npm run bench`: berth and dockerd side by side on this machine. Each workload
 * runs alternately on both engines (A B A B ...) after a warm-up; the report
 * gives median, min and max per engine and the median of the pairwise ratios.
 * Flags: --install-dockerd (apt install docker.io), --runs N, --only id[,id].
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { arch, cpus, release, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOCKER_CLI, ROOT, sh, startBerth, startDockerd, type Engine } from './engines.js';
import { ratioChart, tableMarkdown, writeReport, type Row } from './report.js';
import { NotAvailable, workloads } from './workloads.js';

const argv = process.argv.slice(2);
const flag = (n: string) => argv.includes(n);
const value = (n: string) => (argv.includes(n) ? argv[argv.indexOf(n) + 1] : undefined);
const RUNS = Number(value('--runs') ?? 10);
const ONLY = value('--only')?.split(',');

function version(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0]!.trim();
  } catch {
    return 'not installed';
  }
}

async function main(): Promise<void> {
  if (flag('--install-dockerd') && !existsSync('/usr/sbin/dockerd')) {
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'docker.io'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
  const work = mkdtempSync(join(tmpdir(), 'berth-bench-'));
  const busybox = join(ROOT, 'build/busybox.tar');
  const engines: Engine[] = [];
  try {
    const berth = await startBerth(join(work, 'berth'));
    engines.push(berth);
    const docker = await startDockerd(join(work, 'docker'));
    if (docker) engines.push(docker);
    else process.stderr.write('dockerd is not installed (npm run bench -- --install-dockerd): measuring berth alone\n');
    for (const e of engines) {
      const r = await e.docker(['import', busybox, 'busybox']);
      if (r.code !== 0) throw new Error(`importing busybox into ${e.name}: ${r.stderr}`);
    }
    const rows: Row[] = [];
    for (const w of workloads(work)) {
      if (ONLY && !ONLY.includes(w.id)) continue;
      const row: Row = { id: w.id, title: w.title, unit: w.unit, target: w.target, berth: [], docker: [], ratios: [] };
      rows.push(row);
      process.stderr.write(`${w.id}: `);
      try {
        for (const e of engines) await w.setup?.(e, work);
        const measureOn = (e: Engine) => (e.name === 'docker' && w.dockerMeasure ? w.dockerMeasure(e) : w.measure(e));
        for (const e of engines) await measureOn(e); // warm-up
        const runs = Math.min(RUNS, w.runs ?? RUNS);
        for (let i = 0; i < runs; i++) {
          const b = await measureOn(engines[0]!);
          row.berth!.push(b);
          if (engines[1]) {
            const d = await measureOn(engines[1]);
            row.docker!.push(d);
            row.ratios!.push(b / d);
          }
          process.stderr.write('.');
        }
        process.stderr.write('\n');
      } catch (e) {
        if (!(e instanceof NotAvailable)) throw e;
        row.note = `not measured: ${e.message}`;
        process.stderr.write(` ${row.note}\n`);
      }
    }
    const machine = `${cpus().length} × ${cpus()[0]?.model ?? arch()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}`;
    const floor = await runcFloor(work);
    const runOwn = rows.find((r) => r.id === 'run-own-cli');
    const section = [
      `## Latest run: ${new Date().toISOString().slice(0, 10)}`,
      '',
      `- machine: ${machine}`,
      `- berth ${version(process.execPath, [join(ROOT, 'bin/berth'), '--version'])}, node ${process.version}, ${version('runc', ['--version'])}, ${version('conmon', ['--version'])}`,
      `- dockerd: ${engines[1] ? version('dockerd', ['--version']) : 'not installed'}; docker CLI: ${version(DOCKER_CLI, ['--version'])}`,
      `- ${RUNS} alternating runs per workload (fewer for the slow ones) after one warm-up run on each engine`,
      floor ? `- floor: a bare \`runc run\` of a busybox bundle takes ${floor.toFixed(0)} ms (median); berth's own-CLI run is ${runOwn?.berth?.length ? (median(runOwn.berth) / floor).toFixed(1) : '—'}× that floor` : '',
      '',
      tableMarkdown(rows),
      '',
      '![ratios](benchmarks.svg)',
    ].join('\n');
    writeFileSync(join(ROOT, 'docs/benchmarks.svg'), ratioChart(rows));
    writeReport(join(ROOT, 'docs/benchmarks.md'), section);
    process.stdout.write(`${tableMarkdown(rows)}\n`);
  } finally {
    for (const e of engines) {
      const ids = (await e.docker(['ps', '-aq'])).stdout.split('\n').filter(Boolean);
      if (ids.length) await e.docker(['rm', '-f', ...ids]);
      await e.stop().catch(() => {});
    }
    rmSync(work, { recursive: true, force: true });
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

/** The physical floor: `runc run` of a busybox bundle without any engine. */
async function runcFloor(work: string): Promise<number | undefined> {
  const bundle = join(work, 'floor');
  const r = await sh('sh', ['-c', `mkdir -p ${bundle}/rootfs && tar -C ${bundle}/rootfs -xf ${join(ROOT, 'build/busybox.tar')} && cd ${bundle} && runc spec && sed -i 's/"terminal": true/"terminal": false/; s/"sh"/"true"/' config.json`]);
  if (r.code !== 0) return undefined;
  const times: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t = await sh('runc', ['--root', join(work, 'runc-floor'), 'run', '--bundle', bundle, `floor${i}`]);
    if (t.code === 0) times.push(t.ms);
  }
  return times.length ? median(times) : undefined;
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${(e as Error).stack}\n`);
  process.exit(1);
});
