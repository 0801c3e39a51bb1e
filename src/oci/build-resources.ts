import type { HostConfig } from '../core/container-types.js';
import { invalidArgument } from '../core/errors.js';
import type { LinuxCPU, LinuxDevice, LinuxDeviceCgroup, LinuxMemory, LinuxResources } from './runtime-spec.js';

/**
 * Docker's resource flags (HostConfig) to OCI linux.resources (config-linux.md#control-groups),
 * with the validation dockerd applies before it ever calls the runtime. Messages follow Docker's
 * wording, lower-cased.
 */

/** Docker's floor for --memory and --memory-reservation (dockerd's linuxMinMemory). */
export const MIN_MEMORY = 6 * 1024 * 1024;
/** CFS period used to express --cpus, as Docker does (100ms). */
export const NANO_CPUS_PERIOD = 100_000;

/** What a stat of a host device node tells us (the engine supplies it; this module does no I/O). */
export interface HostDeviceInfo {
  type: 'c' | 'b';
  major: number;
  minor: number;
  fileMode?: number;
  uid?: number;
  gid?: number;
}

export interface ResourceOptions {
  cgroupVersion: 1 | 2;
  privileged: boolean;
  /** Whether the host accounts swap (cgroup v1 memory.memsw.*). Docker drops swap limits when it does not. */
  swapLimitSupported?: boolean;
  /** Number of host CPUs, for Docker's --cpus range check; skipped when unknown. */
  hostCpus?: number;
  deviceInfo?: (pathOnHost: string) => HostDeviceInfo | undefined;
  /** Devices to create in a privileged container (Docker gives it every host device). */
  hostDevices?: LinuxDevice[];
}

const rule = (type: 'c' | 'b', major: number | undefined, minor: number | undefined, access: string): LinuxDeviceCgroup => {
  const r: LinuxDeviceCgroup = { allow: true, type, access };
  if (major !== undefined) r.major = major;
  if (minor !== undefined) r.minor = minor;
  return r;
};

/**
 * Docker's default device cgroup: deny everything, allow mknod of any node (a node is useless
 * without read/write access), and read/write the devices every container gets.
 */
export function defaultDeviceRules(): LinuxDeviceCgroup[] {
  return [
    { allow: false, access: 'rwm' },
    rule('c', undefined, undefined, 'm'),
    rule('b', undefined, undefined, 'm'),
    rule('c', 1, 3, 'rwm'), // /dev/null
    rule('c', 1, 5, 'rwm'), // /dev/zero
    rule('c', 1, 7, 'rwm'), // /dev/full
    rule('c', 1, 8, 'rwm'), // /dev/random
    rule('c', 1, 9, 'rwm'), // /dev/urandom
    rule('c', 5, 0, 'rwm'), // /dev/tty
    rule('c', 5, 1, 'rwm'), // /dev/console
    rule('c', 5, 2, 'rwm'), // /dev/ptmx
    rule('c', 136, undefined, 'rwm'), // /dev/pts/*
    rule('c', 10, 200, 'rwm'), // /dev/net/tun
  ];
}

/** One `--device-cgroup-rule` ("c 1:3 rwm", "b *:* m", "a *:* rwm"). */
export function parseDeviceCgroupRule(text: string): LinuxDeviceCgroup {
  const m = /^([acb]) ([0-9]+|\*):([0-9]+|\*) ([rwm]{1,3})$/.exec(text.trim());
  if (!m || new Set(m[4]).size !== m[4]!.length) throw invalidArgument(`invalid device cgroup rule ${JSON.stringify(text)}`);
  const r: LinuxDeviceCgroup = { allow: true, type: m[1] as 'a' | 'c' | 'b', access: m[4]! };
  if (m[2] !== '*') r.major = Number(m[2]);
  if (m[3] !== '*') r.minor = Number(m[3]);
  return r;
}

function int(name: string, v: number | null | undefined): number {
  if (v === null || v === undefined) return 0;
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw invalidArgument(`invalid value for ${name}: ${String(v)}`);
  return v;
}

/** "0-3,5" style list (cpuset.cpus / cpuset.mems syntax). */
function validateCpuset(flag: string, v: string): void {
  const ok = /^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(v) && v.split(',').every((part) => {
    const [lo, hi] = part.split('-').map(Number);
    return hi === undefined || lo! <= hi;
  });
  if (!ok) throw invalidArgument(`invalid value ${JSON.stringify(v)} for ${flag}`);
}

function memoryResources(hc: HostConfig, opts: ResourceOptions): LinuxMemory | undefined {
  const memory = int('memory', hc.Memory);
  const swap = int('memory-swap', hc.MemorySwap);
  const reservation = int('memory-reservation', hc.MemoryReservation);
  const swappiness = hc.MemorySwappiness === null || hc.MemorySwappiness === undefined ? -1 : int('memory-swappiness', hc.MemorySwappiness);

  if (memory < 0 || (memory > 0 && memory < MIN_MEMORY)) throw invalidArgument('minimum memory limit allowed is 6MB');
  if (swap < -1) throw invalidArgument(`invalid value for memory-swap: ${swap}`);
  if (swap > 0 && memory === 0) throw invalidArgument('you should always set the memory limit when using memoryswap limit, see usage');
  if (swap > 0 && swap < memory) throw invalidArgument('minimum memoryswap limit should be larger than memory limit, see usage');
  if (swappiness !== -1 && (swappiness < 0 || swappiness > 100)) {
    throw invalidArgument(`invalid value: ${swappiness}, valid memory swappiness range is 0-100`);
  }
  if (reservation < 0 || (reservation > 0 && reservation < MIN_MEMORY)) throw invalidArgument('minimum memory reservation allowed is 6MB');
  if (memory > 0 && reservation > memory) {
    throw invalidArgument('minimum memory limit can not be less than memory reservation limit, see usage');
  }

  const m: LinuxMemory = {};
  if (memory > 0) m.limit = memory;
  if (reservation > 0) m.reservation = reservation;
  if (opts.swapLimitSupported !== false) {
    // The OCI value is memory+swap. Docker: unset (0) means "swap as large as memory", i.e. twice
    // the memory limit; -1 means unlimited swap.
    if (swap !== 0) m.swap = swap;
    else if (memory > 0) m.swap = memory * 2;
  }
  // cgroup v2 has neither memory.swappiness nor an OOM-killer switch; Docker ignores both there.
  if (opts.cgroupVersion === 1) {
    if (swappiness !== -1) m.swappiness = swappiness;
    if (hc.OomKillDisable === true) m.disableOOMKiller = true;
  }
  return Object.keys(m).length > 0 ? m : undefined;
}

function cpuResources(hc: HostConfig, opts: ResourceOptions): LinuxCPU | undefined {
  const nano = int('cpus', hc.NanoCpus);
  const period = int('cpu-period', hc.CpuPeriod);
  const quota = int('cpu-quota', hc.CpuQuota);
  const shares = int('cpu-shares', hc.CpuShares);
  const rtPeriod = int('cpu-rt-period', hc.CpuRealtimePeriod);
  const rtRuntime = int('cpu-rt-runtime', hc.CpuRealtimeRuntime);

  if (nano < 0) throw invalidArgument(`invalid value for cpus: ${nano / 1e9} (must not be negative)`);
  if (opts.hostCpus !== undefined && nano > opts.hostCpus * 1e9) {
    throw invalidArgument(`range of cpus is from 0.01 to ${opts.hostCpus}.00, as there are only ${opts.hostCpus} cpus available`);
  }
  if (nano > 0 && period > 0) throw invalidArgument('conflicting options: nano cpus and cpu period cannot both be set');
  if (nano > 0 && quota > 0) throw invalidArgument('conflicting options: nano cpus and cpu quota cannot both be set');
  if (period !== 0 && (period < 1000 || period > 1_000_000)) {
    throw invalidArgument('cpu cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)');
  }
  if (quota < -1) throw invalidArgument(`invalid value for cpu-quota: ${quota}`);
  if (quota > 0 && quota < 1000) throw invalidArgument('cpu cfs quota can not be less than 1ms (i.e. 1000)');
  if (shares < 0) throw invalidArgument(`invalid cpu shares (${shares}): value must be a positive integer`);
  if (rtPeriod < 0 || rtRuntime < 0) throw invalidArgument('cpu real-time period and runtime must not be negative');
  if (rtPeriod > 0 && rtRuntime > rtPeriod) throw invalidArgument('cpu real-time runtime cannot be higher than cpu real-time period');
  if ((rtPeriod > 0 || rtRuntime > 0) && opts.cgroupVersion === 2) {
    throw invalidArgument('cpu real-time period and runtime are not supported on cgroup v2');
  }
  if (hc.CpusetCpus) validateCpuset('cpuset-cpus', hc.CpusetCpus);
  if (hc.CpusetMems) validateCpuset('cpuset-mems', hc.CpusetMems);

  const c: LinuxCPU = {};
  if (shares > 0) c.shares = shares;
  if (nano > 0) {
    // --cpus N is CFS bandwidth N*period per period (Docker: quota = NanoCPUs * period / 1e9).
    c.period = NANO_CPUS_PERIOD;
    c.quota = Math.floor((nano * NANO_CPUS_PERIOD) / 1e9);
  } else {
    if (quota !== 0) c.quota = quota;
    if (period !== 0) c.period = period;
  }
  if (rtPeriod > 0) c.realtimePeriod = rtPeriod;
  if (rtRuntime > 0) c.realtimeRuntime = rtRuntime;
  if (hc.CpusetCpus) c.cpus = hc.CpusetCpus;
  if (hc.CpusetMems) c.mems = hc.CpusetMems;
  return Object.keys(c).length > 0 ? c : undefined;
}

/** --device entries: nodes to create (linux.devices) and their cgroup allow rules. */
function userDevices(hc: HostConfig, opts: ResourceOptions): { devices: LinuxDevice[]; rules: LinuxDeviceCgroup[] } {
  const devices: LinuxDevice[] = [];
  const rules: LinuxDeviceCgroup[] = [];
  for (const d of hc.Devices ?? []) {
    const perms = d.CgroupPermissions || 'rwm';
    if (!/^[rwm]{1,3}$/.test(perms) || new Set(perms).size !== perms.length) {
      throw invalidArgument(`invalid device cgroup permissions ${JSON.stringify(perms)} for ${d.PathOnHost}`);
    }
    const inContainer = d.PathInContainer || d.PathOnHost;
    if (!d.PathOnHost?.startsWith('/') || !inContainer.startsWith('/')) {
      throw invalidArgument(`device path must be absolute: ${JSON.stringify(d.PathOnHost)}`);
    }
    if (!opts.deviceInfo) throw invalidArgument(`cannot add device ${d.PathOnHost}: no device lookup available`);
    const info = opts.deviceInfo(d.PathOnHost);
    if (!info) throw invalidArgument(`error gathering device information while adding custom device ${JSON.stringify(d.PathOnHost)}: not a device node`);
    const dev: LinuxDevice = { path: inContainer, type: info.type, major: info.major, minor: info.minor };
    if (info.fileMode !== undefined) dev.fileMode = info.fileMode;
    if (info.uid !== undefined) dev.uid = info.uid;
    if (info.gid !== undefined) dev.gid = info.gid;
    devices.push(dev);
    rules.push(rule(info.type, info.major, info.minor, perms));
  }
  return { devices, rules };
}

/** linux.resources and linux.devices for a container. */
export function buildResources(hc: HostConfig, opts: ResourceOptions): { resources: LinuxResources; devices: LinuxDevice[] } {
  const user = userDevices(hc, opts);
  const cgroupRules = (hc.DeviceCgroupRules ?? []).map(parseDeviceCgroupRule);
  const resources: LinuxResources = {
    // A privileged container may use every device (Docker: "a *:* rwm").
    devices: opts.privileged ? [{ allow: true, access: 'rwm' }] : [...defaultDeviceRules(), ...user.rules, ...cgroupRules],
  };
  const memory = memoryResources(hc, opts);
  if (memory) resources.memory = memory;
  const cpu = cpuResources(hc, opts);
  if (cpu) resources.cpu = cpu;

  // Docker: a PidsLimit of 0 or any negative value means unlimited.
  const pids = int('pids-limit', hc.PidsLimit);
  if (pids > 0) resources.pids = { limit: pids };

  const weight = int('blkio-weight', hc.BlkioWeight);
  if (weight !== 0 && (weight < 10 || weight > 1000)) throw invalidArgument('range of blkio weight is from 10 to 1000');
  if (weight > 0) resources.blockIO = { weight };

  // An explicit --device wins over the privileged copy of the same host node.
  const byPath = new Map<string, LinuxDevice>();
  for (const d of [...(opts.privileged ? opts.hostDevices ?? [] : []), ...user.devices]) byPath.set(d.path, d);
  return { resources, devices: [...byPath.values()] };
}
