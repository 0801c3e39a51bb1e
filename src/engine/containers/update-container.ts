import type { HostConfig, RestartPolicy } from '../../core/container-types.js';
import { invalidArgument } from '../../core/errors.js';
import { buildSpec } from '../../oci/build-spec.js';
import { specToJson } from '../../oci/runtime-spec.js';
import type { ContainerService } from './container-service.js';
import { eventAttributes } from './event-attributes.js';
import { validateRestartPolicy } from './create-container.js';
import { specInputFor } from './spec-input.js';

/** The fields `POST /containers/{id}/update` may change (Docker's UpdateConfig). */
export const UPDATABLE = [
  'CpuShares', 'Memory', 'NanoCpus', 'CpuPeriod', 'CpuQuota', 'CpuRealtimePeriod', 'CpuRealtimeRuntime', 'CpusetCpus', 'CpusetMems',
  'BlkioWeight', 'MemoryReservation', 'MemorySwap', 'PidsLimit',
] as const;

export type UpdateRequest = Partial<Pick<HostConfig, (typeof UPDATABLE)[number]>> & { RestartPolicy?: RestartPolicy; KernelMemory?: number };

/**
 * `POST /containers/{id}/update`: new resource limits (and restart policy). The merged host
 * config is validated exactly as at create, saved, and applied to a running container with
 * `runc update`. Returns Docker's warnings.
 */
export async function updateContainer(svc: ContainerService, ref: string, req: UpdateRequest): Promise<{ warnings: string[] }> {
  const { ctx } = svc;
  const c = ctx.containers.get(ref);
  const warnings: string[] = [];
  return ctx.containers.locks.run(c.id, async () => {
    if (c.removing || c.state.Dead) throw invalidArgument(`Cannot update container ${c.id}: container is marked for removal and cannot be "update"`);
    const hc: HostConfig = { ...c.hostConfig };
    for (const k of UPDATABLE) {
      const v = req[k];
      // Zero means "unchanged" in Docker's update, except PidsLimit where it is a value too.
      if (v === undefined || v === null || (v === 0 && k !== 'PidsLimit') || v === '') continue;
      (hc as unknown as Record<string, unknown>)[k] = v;
    }
    if (req.NanoCpus && (req.CpuQuota || req.CpuPeriod)) throw invalidArgument('Conflicting options: Nano CPUs and CPU Period cannot both be set');
    if (req.NanoCpus) {
      hc.CpuQuota = 0;
      hc.CpuPeriod = 0;
    } else if (req.CpuQuota || req.CpuPeriod) hc.NanoCpus = 0;
    if (req.Memory && !req.MemorySwap && c.hostConfig.MemorySwap > 0 && req.Memory > c.hostConfig.MemorySwap) {
      throw invalidArgument('Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time');
    }
    if (req.KernelMemory) warnings.push('Kernel memory limit is not supported; the limit was ignored.');
    // An empty name leaves the policy as it is (docker 20.10's CLI always sends the field).
    if (req.RestartPolicy?.Name) {
      if (c.hostConfig.AutoRemove && req.RestartPolicy.Name !== 'no') {
        throw invalidArgument('Restart policy cannot be updated because AutoRemove is enabled for the container');
      }
      hc.RestartPolicy = { Name: req.RestartPolicy.Name, MaximumRetryCount: req.RestartPolicy.MaximumRetryCount ?? 0 };
      validateRestartPolicy(hc);
    }
    const spec = buildSpec(
      specInputFor(ctx, { id: c.id, config: c.config, hostConfig: hc }, {
        rootfs: '/',
        args: ['true'],
        env: [],
        cwd: '/',
        user: { uid: 0, gid: 0, additionalGids: [] },
        extraMounts: [],
      }),
    );
    if (c.state.Running) {
      const { memory, cpu, pids, blockIO } = spec.linux?.resources ?? {};
      await ctx.runc.update(c.id, specToJson({ memory, cpu, pids, blockIO } as never));
    }
    c.hostConfig = hc;
    await ctx.containers.save(c);
    ctx.events.publish('container', 'update', c.id, eventAttributes(c));
    return { warnings };
  });
}
