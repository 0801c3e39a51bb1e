import { capabilitiesFromMask } from '../../oci/capabilities.js';
import type { NetworkChoice, SpecInput } from '../../oci/build-spec.js';
import type { EngineContext } from '../engine-context.js';
import type { ContainerRecord } from './container-record.js';

/** The parts of a runtime spec input that come from the host and the record, shared by create (validation) and start. */
export function specInputFor(
  ctx: EngineContext,
  c: Pick<ContainerRecord, 'id' | 'config' | 'hostConfig'>,
  rest: Pick<SpecInput, 'rootfs' | 'args' | 'env' | 'cwd' | 'user' | 'extraMounts'>,
  network?: NetworkChoice,
): SpecInput {
  const { host } = ctx;
  return {
    ...rest,
    hostname: c.config.Hostname,
    tty: c.config.Tty,
    config: c.config,
    hostConfig: c.hostConfig,
    cgroupsPath: `/berth/${c.id}`,
    cgroupVersion: host.cgroupVersion,
    network: network ?? (c.hostConfig.NetworkMode === 'host' ? { kind: 'host' } : { kind: 'new' }),
    init: c.hostConfig.Init && ctx.initBinary ? { hostPath: ctx.initBinary } : undefined,
    rlimitHardMax: host.rlimitHardMax,
    availableCapabilities: capabilitiesFromMask(host.capBoundingMask),
    kernelVersion: host.kernelVersion,
    swapLimitSupported: host.swapAccounting,
    hostCpus: host.ncpu,
  };
}
