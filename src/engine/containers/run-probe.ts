import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RuncExecResult } from '../../runtime/runc-driver.js';
import type { EngineContext } from '../engine-context.js';
import type { ContainerRecord } from './container-record.js';
import { readContainerProcess } from './container-process.js';

export interface ProbeOptions {
  timeoutMs: number;
  /** Output kept (docker keeps 4096 bytes of a health check's output). */
  maxOutput?: number;
}

/**
 * Run a command inside a running container without attaching anyone to it (health checks):
 * the container's own process spec (user, env, cwd, capabilities, security options) with the
 * arguments replaced and no terminal, through `runc exec --process`.
 */
export async function runProbe(ctx: EngineContext, c: ContainerRecord, args: string[], opts: ProbeOptions): Promise<RuncExecResult> {
  const dir = ctx.containers.dir(c.id);
  const proc = { ...(await readContainerProcess(ctx, c.id)), args, terminal: false };
  const tag = randomBytes(6).toString('hex');
  const processPath = join(dir, `probe-${tag}.json`);
  const pidFile = join(dir, `probe-${tag}.pid`);
  await writeFile(processPath, JSON.stringify(proc), { mode: 0o600 });
  try {
    return await ctx.runc.exec(c.id, { processPath, pidFile, timeoutMs: opts.timeoutMs, maxOutput: opts.maxOutput ?? 4096 });
  } finally {
    await rm(processPath, { force: true });
    await rm(pidFile, { force: true });
  }
}
