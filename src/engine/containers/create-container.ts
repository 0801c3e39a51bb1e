import { mkdir } from 'node:fs/promises';
import type { ContainerConfig, HostConfig } from '../../core/container-types.js';
import { ZERO_TIME } from '../../core/container-types.js';
import { invalidArgument } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { buildSpec } from '../../oci/build-spec.js';
import { defaultConfig, defaultHostConfig, withDefaults } from './config-defaults.js';
import type { ContainerRecord } from './container-record.js';
import { mergeImageConfig, processArgs } from './merge-config.js';
import { randomName } from './random-name.js';
import type { ContainerService } from './container-service.js';
import { eventAttributes } from './event-attributes.js';
import { specInputFor } from './spec-input.js';
import { nowRfc3339Nano } from '../../core/clock.js';

export interface CreateOptions {
  name?: string;
  config: Partial<ContainerConfig> & { Image: string };
  hostConfig?: Partial<HostConfig>;
  /** The API's NetworkingConfig: per-network endpoint settings (aliases, --ip). */
  networkingConfig?: { EndpointsConfig?: Record<string, Record<string, unknown> | null> | null } | null;
}

const RESTART_NAMES = new Set(['', 'no', 'always', 'unless-stopped', 'on-failure']);
/** conmon writes one log format; Docker's file drivers are accepted as names for it. */
const LOG_DRIVERS = new Set(['', 'k8s-file', 'json-file', 'local']);

/** `--log-opt max-size`: a number with an optional k/m/g unit (Docker's units.FromHumanSize style). */
export function logSizeBytes(v: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)b?$/i.exec(v.trim());
  if (!m) return undefined;
  const mult = { '': 1, k: 1e3, m: 1e6, g: 1e9 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.round(Number(m[1]) * mult);
}

/** `POST /containers/create`: record a container; nothing runs until start. */
export async function createContainer(svc: ContainerService, opts: CreateOptions): Promise<{ id: string; warnings: string[] }> {
  const { ctx } = svc;
  const image = await svc.images.resolve(opts.config.Image);
  const hostConfig = withDefaults(defaultHostConfig(), opts.hostConfig);
  validateHostConfig(hostConfig);
  validateHealthcheck(opts.config.Healthcheck);
  const id = newId();
  const config = mergeImageConfig(withDefaults(defaultConfig(), opts.config), image.config.config ?? {});
  if (!config.Hostname) config.Hostname = hostConfig.NetworkMode === 'host' ? ctx.host.hostname : id.slice(0, 12);
  if (!hostConfig.ShmSize) hostConfig.ShmSize = 64 * 1024 * 1024;
  if (!hostConfig.LogConfig?.Type) hostConfig.LogConfig = { Type: 'json-file', Config: hostConfig.LogConfig?.Config ?? {} };
  const args = processArgs(config);
  if (hostConfig.Init && !ctx.initBinary) throw invalidArgument('--init is not available: no init binary (tini) is installed on the host');
  // Build the runtime spec once now, so every invalid limit, capability, ulimit or
  // security option fails here, at create time, as it does with Docker.
  buildSpec(
    specInputFor(ctx, { id, config, hostConfig }, {
      rootfs: '/',
      args,
      env: config.Env,
      cwd: config.WorkingDir || '/',
      user: { uid: 0, gid: 0, additionalGids: [] },
      extraMounts: [],
    }),
  );

  const name = opts.name ? (opts.name.startsWith('/') ? opts.name : `/${opts.name}`) : `/${randomName((n) => ctx.containers.nameTaken(n))}`;
  ctx.containers.reserveName(name, id);
  try {
    const record: ContainerRecord = {
      id,
      name,
      created: nowRfc3339Nano(),
      path: args[0]!,
      args: args.slice(1),
      image: image.record.id,
      config,
      hostConfig,
      state: {
        Status: 'created',
        Running: false,
        Paused: false,
        Restarting: false,
        OOMKilled: false,
        Dead: false,
        Pid: 0,
        ExitCode: 0,
        Error: '',
        StartedAt: ZERO_TIME,
        FinishedAt: ZERO_TIME,
      },
      restartCount: 0,
      mounts: [],
      snapshotParent: svc.images.topLayer(image.config),
      execIds: [],
      manuallyStopped: false,
    };
    await mkdir(ctx.containers.dir(id), { recursive: true, mode: 0o700 });
    await ctx.snapshotter.prepare(id, record.snapshotParent);
    try {
      await svc.extendCreate(record, opts);
    } catch (e) {
      await svc.extendRemove(record, { force: true, volumes: true }).catch(() => {});
      throw e;
    }
    await ctx.containers.save(record);
    ctx.events.publish('container', 'create', id, eventAttributes(record));
    return { id, warnings: [] };
  } catch (e) {
    ctx.containers.releaseName(name);
    await ctx.snapshotter.removeActive(id).catch(() => {});
    throw e;
  }
}

function validateHostConfig(hc: HostConfig): void {
  validateRestartPolicy(hc);
  if (!LOG_DRIVERS.has(hc.LogConfig?.Type ?? '')) throw invalidArgument(`logger: no log driver named '${hc.LogConfig.Type}' is registered`);
  const maxSize = hc.LogConfig?.Config?.['max-size'];
  if (maxSize !== undefined && logSizeBytes(maxSize) === undefined) throw invalidArgument(`invalid value for log-opt max-size: ${maxSize}`);
}

/** dockerd's healthcheck checks: durations 0 (inherit) or at least 1 ms, retries not negative. */
function validateHealthcheck(hc: ContainerConfig['Healthcheck']): void {
  if (!hc) return;
  for (const k of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval'] as const) {
    const v = hc[k] ?? 0;
    if (v !== 0 && v < 1e6) throw invalidArgument(`${k} in Healthcheck cannot be less than 1ms`);
  }
  if ((hc.Retries ?? 0) < 0) throw invalidArgument('Retries in Healthcheck cannot be negative');
}

/** Docker's restart policy checks (also applied by update). */
export function validateRestartPolicy(hc: HostConfig): void {
  const rp = hc.RestartPolicy ?? { Name: 'no', MaximumRetryCount: 0 };
  if (!RESTART_NAMES.has(rp.Name)) throw invalidArgument(`invalid restart policy: unknown policy '${rp.Name}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'`);
  if (rp.MaximumRetryCount < 0) throw invalidArgument('invalid restart policy: maximum retry count cannot be negative');
  if (rp.MaximumRetryCount > 0 && rp.Name !== 'on-failure') {
    throw invalidArgument(`invalid restart policy: maximum retry count can only be used with 'on-failure'`);
  }
  if (hc.AutoRemove && rp.Name !== '' && rp.Name !== 'no') {
    throw invalidArgument(`can't create 'AutoRemove' container with restart policy`);
  }
}
