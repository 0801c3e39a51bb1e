import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CmdResult } from './engines.js';
import { succeeded, type Workload } from './workload.js';

const ms = (r: CmdResult, what: string) => succeeded(r, what).ms;

const small = (work: string) => join(work, 'ctx-small');
const big = (work: string) => join(work, 'ctx-big');

/**
 * Builds: berth's builder through its own CLI against BuildKit through docker CLI 20.10
 * (DOCKER_BUILDKIT=1). BuildKit runs RUN steps with its own network setup (a fresh
 * namespace per step, no bridge), berth runs them like containers on the default bridge.
 */
export const buildWorkloads: Workload[] = [
  {
    id: 'build-nocache',
    title: 'build, 5 small RUN steps, `--no-cache` (vs BuildKit)',
    unit: 'ms',
    target: 0.5,
    maxRuns: 5,
    setup: async (_e, { work }) => {
      await mkdir(small(work), { recursive: true });
      const steps = [1, 2, 3, 4, 5].map((i) => `RUN echo step${i} > /step${i}`);
      await writeFile(join(small(work), 'Dockerfile'), ['FROM busybox', ...steps].join('\n') + '\n');
    },
    measure: async (e, { work }) => ms(await e.build(['build', '--no-cache', '-q', '-t', 'bench-small', small(work)]), 'build'),
    limit: 'each RUN step is a full container start (conmon + runc + a layer diff and commit)',
  },
  {
    id: 'build-cached-100mb',
    title: 'build, fully cached rebuild with a 100 MB context (vs BuildKit)',
    unit: 'ms',
    target: 1.5,
    maxRuns: 5,
    setup: async (e, { work }) => {
      await mkdir(big(work), { recursive: true });
      for (let i = 0; i < 100; i++) await writeFile(join(big(work), `f${i}`), randomBytes(1 << 20));
      await writeFile(join(big(work), 'Dockerfile'), 'FROM busybox\nCOPY . /ctx\nRUN ls /ctx | wc -l\n');
      ms(await e.build(['build', '-q', '-t', 'bench-big', big(work)]), 'first build');
    },
    measure: async (e, { work }) => ms(await e.build(['build', '-q', '-t', 'bench-big', big(work)]), 'cached build'),
    limit: 'the 100 MB context is sent as a tar and hashed on every build (BuildKit syncs only changed files)',
  },
];
