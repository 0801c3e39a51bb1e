import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CmdResult, Engine } from './engines.js';
import { rssKb, pidsByName } from './engines.js';

/** One measurement: milliseconds (or kB for memory workloads). */
export type Measure = (e: Engine) => Promise<number>;

export interface Workload {
  id: string;
  title: string;
  unit: 'ms' | 'MB';
  /** Target ratio berth/docker (lower is better). */
  target: number;
  /** Prepare once per engine (e.g. create files); throw NotAvailable when the engine cannot do it. */
  setup?: (e: Engine, work: string) => Promise<void>;
  measure: Measure;
  /** For docker, measure with this instead (e.g. BuildKit). */
  dockerMeasure?: Measure;
  runs?: number;
}

export class NotAvailable extends Error {}

function ok(r: CmdResult, what: string): CmdResult {
  if (r.code !== 0) throw new NotAvailable(`${what}: ${(r.stderr || r.stdout).trim().split('\n').pop()}`);
  return r;
}

async function timed(fn: () => Promise<CmdResult>, what: string): Promise<number> {
  return ok(await fn(), what).ms;
}

const dockerfileSmall = ['FROM busybox', ...[1, 2, 3, 4, 5].map((i) => `RUN echo step${i} > /step${i}`)].join('\n') + '\n';

export function workloads(work: string): Workload[] {
  return [
    {
      id: 'run-docker-cli',
      title: '`run --rm busybox true`, docker CLI 28 against each daemon',
      unit: 'ms',
      target: 0.3,
      measure: (e) => timed(() => e.docker(['run', '--rm', 'busybox', 'true']), 'run'),
    },
    {
      id: 'run-own-cli',
      title: "same, berth's own CLI versus docker CLI + dockerd",
      unit: 'ms',
      target: 0.5,
      measure: (e) => timed(() => e.cli(['run', '--rm', 'busybox', 'true']), 'run'),
    },
    {
      id: 'run-parallel-20',
      title: '20 × `run --rm true` in parallel, wall time',
      unit: 'ms',
      target: 0.5,
      runs: 5,
      measure: async (e) => {
        const t0 = Date.now();
        const rs = await Promise.all(Array.from({ length: 20 }, () => e.docker(['run', '--rm', 'busybox', 'true'])));
        for (const r of rs) ok(r, 'parallel run');
        return Date.now() - t0;
      },
    },
    {
      id: 'run-exec-rm',
      title: '`run -d` + `exec true` + `rm -f`',
      unit: 'ms',
      target: 0.5,
      measure: async (e) => {
        const t0 = Date.now();
        const id = ok(await e.docker(['run', '-d', 'busybox', 'sleep', '60']), 'run -d').stdout.trim();
        ok(await e.docker(['exec', id, 'true']), 'exec');
        ok(await e.docker(['rm', '-f', id]), 'rm -f');
        return Date.now() - t0;
      },
    },
    {
      id: 'build-nocache',
      title: 'build, 5 small RUN steps, `--no-cache` (vs BuildKit)',
      unit: 'ms',
      target: 0.5,
      runs: 5,
      setup: async () => {
        mkdirSync(join(work, 'ctx-small'), { recursive: true });
        writeFileSync(join(work, 'ctx-small', 'Dockerfile'), dockerfileSmall);
      },
      measure: (e) => timed(() => e.cli(['build', '--no-cache', '-q', '-t', 'bench-small', join(work, 'ctx-small')]), 'build'),
      dockerMeasure: (e) => timed(() => e.docker(['build', '--no-cache', '-q', '-t', 'bench-small', join(work, 'ctx-small')]), 'build'),
    },
    {
      id: 'build-cached-100mb',
      title: 'build, fully cached rebuild with a 100 MB context (vs BuildKit)',
      unit: 'ms',
      target: 1.5,
      runs: 5,
      setup: async (e) => {
        const ctx = join(work, 'ctx-big');
        mkdirSync(ctx, { recursive: true });
        for (let i = 0; i < 4; i++) writeFileSync(join(ctx, `blob${i}.bin`), Buffer.alloc(25 * 1024 * 1024, i + 1));
        writeFileSync(join(ctx, 'Dockerfile'), 'FROM busybox\nCOPY . /ctx\nRUN ls /ctx > /listing\n');
        const build = e.name === 'berth' ? e.cli : e.docker;
        ok(await build(['build', '-q', '-t', 'bench-big', ctx]), 'first build');
      },
      measure: (e) => timed(() => e.cli(['build', '-q', '-t', 'bench-big', join(work, 'ctx-big')]), 'cached build'),
      dockerMeasure: (e) => timed(() => e.docker(['build', '-q', '-t', 'bench-big', join(work, 'ctx-big')]), 'cached build'),
    },
    {
      id: 'idle-rss',
      title: 'daemon RSS when idle (berth versus dockerd + containerd)',
      unit: 'MB',
      target: 0.5,
      runs: 3,
      measure: async (e) => {
        await new Promise((r) => setTimeout(r, 1000));
        return e.daemonPids().reduce((s, p) => s + rssKb(p), 0) / 1024;
      },
    },
    {
      id: 'container-rss',
      title: "RSS per running container (berth's monitor versus containerd-shim)",
      unit: 'MB',
      target: 0.25,
      runs: 3,
      measure: async (e) => {
        const before = new Set(pidsByName(e.monitorName === 'conmon' ? 'conmon' : 'containerd-shim'));
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) ids.push(ok(await e.docker(['run', '-d', 'busybox', 'sleep', '600']), 'run -d').stdout.trim());
        await new Promise((r) => setTimeout(r, 500));
        const names = e.monitorName === 'conmon' ? ['conmon'] : ['containerd-shim', 'containerd-shim-runc-v2'];
        const monitors = names.flatMap((n) => pidsByName(n)).filter((p) => !before.has(p));
        const total = monitors.reduce((s, p) => s + rssKb(p), 0) / 1024;
        ok(await e.docker(['rm', '-f', ...ids]), 'rm -f');
        return total / ids.length;
      },
    },
  ];
}
