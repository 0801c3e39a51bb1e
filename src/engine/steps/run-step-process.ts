/**
 * Run one build step's process (a Dockerfile RUN) to completion in a step snapshot.
 * The container gets the same OCI spec as `docker run` would give it (capabilities, seccomp,
 * masked paths, /etc files), but no conmon monitor: a build step lives exactly as long as the
 * request that runs it, so `runc run` in the foreground is enough, and its output comes
 * straight from the pipes. A cancelled step is killed and deleted before this returns.
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { canceled, errnoCode } from '../../core/errors.js';
import type { ExtraMount } from '../../oci/build-spec.js';
import { buildSpec } from '../../oci/build-spec.js';
import { specToJson } from '../../oci/runtime-spec.js';
import { secureJoin } from '../../sys/secure-join.js';
import { defaultConfig, defaultHostConfig } from '../containers/config-defaults.js';
import type { ContainerRecord } from '../containers/container-record.js';
import { writeEtcFiles } from '../containers/etc-files.js';
import { resolveUser } from '../containers/resolve-user.js';
import { specInputFor } from '../containers/spec-input.js';
import type { EngineContext } from '../engine-context.js';
import type { MountTarget, StepSnapshot } from './step-snapshot.js';

export interface StepProcessOptions {
  args: string[];
  /** The image env plus build args; PATH, HOSTNAME and HOME are added when missing. */
  env: string[];
  cwd: string;
  user: string;
  network: 'default' | 'bridge' | 'none' | 'host';
  /** Mounts for RUN --mount (cache dirs, binds, tmpfs, secrets). */
  extraMounts: (ExtraMount & { kind: 'dir' | 'file' })[];
  onOutput: (stream: 'stdout' | 'stderr', data: Buffer) => void;
  signal?: AbortSignal;
}

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** What runc mounts over in every container (files: the /etc binds). */
const BASE_TARGETS: MountTarget[] = [
  { path: '/proc', kind: 'dir' },
  { path: '/dev', kind: 'dir' },
  { path: '/sys', kind: 'dir' },
  { path: '/etc/hosts', kind: 'file' },
  { path: '/etc/hostname', kind: 'file' },
  { path: '/etc/resolv.conf', kind: 'file' },
];

/** Run the step's process; resolves with its exit code. */
export async function runStepProcess(ctx: EngineContext, snap: StepSnapshot, o: StepProcessOptions): Promise<number> {
  if (o.signal?.aborted) throw canceled('build step canceled');
  const id = snap.key;
  const hostname = id.slice(-12);
  const targets = [...BASE_TARGETS, ...o.extraMounts.map((m) => ({ path: m.destination, kind: m.kind }))];
  const t0 = performance.now();
  const rootfs = await snap.mount(targets);
  // The working directory is real content (Docker creates it in the container, so it is in the layer).
  await mkdir(await secureJoin(rootfs, o.cwd), { recursive: true, mode: 0o755 });
  const user = await resolveUser(rootfs, o.user);
  const hostConfig = { ...defaultHostConfig(), NetworkMode: o.network === 'host' ? 'host' : o.network === 'none' ? 'none' : 'default' };
  const config = { ...defaultConfig(), Hostname: hostname, User: o.user, Env: o.env, WorkingDir: o.cwd };
  const record = { id, config, hostConfig } as ContainerRecord;
  const etcMounts = await writeEtcFiles(record, snap.dir);
  const env = [...o.env];
  const has = (k: string) => env.some((e) => e.startsWith(`${k}=`));
  if (!has('PATH')) env.unshift(DEFAULT_PATH);
  if (!has('HOSTNAME')) env.splice(1, 0, `HOSTNAME=${hostname}`);
  if (!has('HOME')) env.push(`HOME=${user.home}`);
  const spec = buildSpec(
    specInputFor(ctx, record, {
      rootfs,
      args: o.args,
      env,
      cwd: o.cwd,
      user,
      extraMounts: [...etcMounts, ...o.extraMounts.map(({ kind: _k, ...m }) => m)],
    }),
  );
  await writeFile(join(snap.dir, 'config.json'), specToJson(spec));
  const t1 = performance.now();
  const child = spawn(ctx.runc.binary, [`--root=${ctx.paths.runcRoot}`, 'run', '--bundle', snap.dir, id], {
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: snap.dir,
  });
  child.stdout!.on('data', (d: Buffer) => o.onOutput('stdout', d));
  child.stderr!.on('data', (d: Buffer) => o.onOutput('stderr', d));
  const exited = new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, sig) => resolve(code ?? (sig ? 128 + 9 : 1)));
  });
  let aborted = false;
  let code: number | undefined;
  const onAbort = (): void => {
    aborted = true;
    void ctx.runc.kill(id, 'KILL').catch(() => {});
    // runc may not have created the container yet; make sure the foreground runc goes too.
    setTimeout(() => child.kill('SIGKILL'), 2000).unref();
  };
  o.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    code = await exited;
    ctx.log.debug('build step process', { id, prepareMs: Math.round(t1 - t0), runcMs: Math.round(performance.now() - t1) });
    if (aborted || o.signal?.aborted) throw canceled('build step canceled');
    return code;
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    // `runc run` deletes the container when its process exits; after a kill or a failure make sure.
    if (code === undefined || aborted || code >= 128) {
      await ctx.runc.delete(id, true).catch((e: unknown) => {
        if (errnoCode(e) !== 'ENOENT') ctx.log.warn('runc delete of a build step failed', { id, error: String(e) });
      });
    }
  }
}
