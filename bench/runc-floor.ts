import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { must, sh } from './engines.js';

/**
 * The physical floor of a container start: a bare `runc run` of a busybox bundle (the same
 * rootfs the engines use), no engine, no monitor, no network. Returns the measured times.
 */
export async function runcFloor(work: string, busyboxTar: string, runs: number): Promise<number[]> {
  const bundle = join(work, 'floor');
  await mkdir(join(bundle, 'rootfs'), { recursive: true });
  await must('tar', ['-C', join(bundle, 'rootfs'), '-xf', busyboxTar]);
  await must('runc', ['spec', '--bundle', bundle]);
  const spec = JSON.parse(await readFile(join(bundle, 'config.json'), 'utf8')) as { process: { terminal: boolean; args: string[] } };
  spec.process.terminal = false;
  spec.process.args = ['true'];
  await writeFile(join(bundle, 'config.json'), JSON.stringify(spec));
  const times: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const r = await sh('runc', ['--root', join(work, 'runc-floor'), 'run', '--bundle', bundle, `berth-floor-${process.pid}-${i}`]);
    if (r.code !== 0) throw new Error(`runc run: ${r.stderr.trim()}`);
    if (i > 0) times.push(r.ms); // the first run is the warm-up
  }
  return times;
}
