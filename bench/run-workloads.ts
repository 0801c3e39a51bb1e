import type { CmdResult } from './engines.js';
import { succeeded, type Workload } from './workload.js';


async function timed(run: Promise<CmdResult>, what: string): Promise<number> {
  return succeeded(await run, what).ms;
}

/** Container start-up workloads: one `run`, twenty at once, and a run/exec/remove cycle. */
export const runWorkloads: Workload[] = [
  {
    id: 'run-docker-cli',
    title: '`run --rm busybox true`, docker CLI 28 against each daemon',
    unit: 'ms',
    target: 0.3,
    measure: (e) => timed(e.docker(['run', '--rm', 'busybox', 'true']), 'run'),
    limit: 'conmon + `runc create` (runc alone is the floor below) and the exit path (exit file, unmount, removal) are most of it',
  },
  {
    id: 'run-own-cli',
    title: "same, berth's own CLI versus docker CLI + dockerd",
    unit: 'ms',
    target: 0.5,
    measure: (e) => timed(e.cli(['run', '--rm', 'busybox', 'true']), 'run'),
    limit: "node's own start-up (~40 ms) comes on top of the daemon's time",
  },
  {
    id: 'run-parallel-20',
    title: '20 × `run --rm true` in parallel, wall time',
    unit: 'ms',
    target: 0.5,
    maxRuns: 5,
    measure: async (e) => {
      const t0 = process.hrtime.bigint();
      const rs = await Promise.all(Array.from({ length: 20 }, () => e.docker(['run', '--rm', 'busybox', 'true'])));
      for (const r of rs) succeeded(r, 'parallel run');
      return Number(process.hrtime.bigint() - t0) / 1e6;
    },
    limit: 'two cores: the twenty conmon/runc/CNI process trees compete for CPU',
  },
  {
    id: 'run-exec-rm',
    title: '`run -d` + `exec true` + `rm -f`',
    unit: 'ms',
    target: 0.5,
    measure: async (e) => {
      const t0 = process.hrtime.bigint();
      const id = succeeded(await e.docker(['run', '-d', 'busybox', 'sleep', '60']), 'run -d').stdout.trim();
      succeeded(await e.docker(['exec', id, 'true']), 'exec');
      succeeded(await e.docker(['rm', '-f', id]), 'rm -f');
      return Number(process.hrtime.bigint() - t0) / 1e6;
    },
    limit: '`runc exec` and stopping the container (SIGKILL, then conmon reports the exit) dominate',
  },
];
