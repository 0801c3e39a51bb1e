import { join } from 'node:path';
import { BERTH, ROOT, run, type TestDaemon } from './harness.js';

export type PtyStep = { wait: string } | { send: string } | { resize: [number, number] } | { sleep: number };

/** Run a command on a pseudo-terminal of the given size through test/e2e/pty-helper.py. */
export async function onPty(rows: number, cols: number, steps: PtyStep[], cmd: string[], env?: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  const r = await run('python3', [join(ROOT, 'test/e2e/pty-helper.py'), String(rows), String(cols), JSON.stringify(steps), '--', ...cmd], { env, timeoutMs: 90_000 });
  if (r.code !== 0) throw new Error(`pty helper failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { code: number; output: string };
}

/** berth CLI argv for a daemon, for onPty. */
export function berthArgv(d: TestDaemon, args: string[]): string[] {
  return [process.execPath, BERTH, '-H', d.host, ...args];
}

export function dockerEnv(d: TestDaemon): NodeJS.ProcessEnv {
  return { ...process.env, DOCKER_HOST: d.host, DOCKER_CONFIG: join(d.dir, 'docker-config') };
}
