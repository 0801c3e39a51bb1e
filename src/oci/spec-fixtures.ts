import type { ContainerConfig, HostConfig } from '../core/container-types.js';
import type { SpecInput } from './build-spec.js';

/**
 * Shared test inputs: a HostConfig as `docker create` sends it with no flags, and a SpecInput
 * around it. Only tests import this module.
 */
export function hostConfig(overrides: Partial<HostConfig> = {}): HostConfig {
  return {
    Binds: null,
    ContainerIDFile: '',
    LogConfig: { Type: 'json-file', Config: {} },
    NetworkMode: 'default',
    PortBindings: {},
    RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
    AutoRemove: false,
    VolumeDriver: '',
    VolumesFrom: null,
    CapAdd: null,
    CapDrop: null,
    CgroupnsMode: '',
    Dns: [],
    DnsOptions: [],
    DnsSearch: [],
    ExtraHosts: null,
    GroupAdd: null,
    IpcMode: '',
    Cgroup: '',
    Links: null,
    OomScoreAdj: 0,
    PidMode: '',
    Privileged: false,
    PublishAllPorts: false,
    ReadonlyRootfs: false,
    SecurityOpt: null,
    UTSMode: '',
    UsernsMode: '',
    ShmSize: 0,
    Runtime: 'runc',
    Isolation: '',
    CpuShares: 0,
    Memory: 0,
    NanoCpus: 0,
    CgroupParent: '',
    BlkioWeight: 0,
    CpuPeriod: 0,
    CpuQuota: 0,
    CpuRealtimePeriod: 0,
    CpuRealtimeRuntime: 0,
    CpusetCpus: '',
    CpusetMems: '',
    Devices: [],
    DeviceCgroupRules: null,
    MemoryReservation: 0,
    MemorySwap: 0,
    MemorySwappiness: null,
    OomKillDisable: null,
    PidsLimit: null,
    Ulimits: null,
    Init: null,
    ...overrides,
  };
}

export function containerConfig(overrides: Partial<ContainerConfig> = {}): ContainerConfig {
  return {
    Hostname: 'c0ffee',
    Domainname: '',
    User: '',
    AttachStdin: false,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    OpenStdin: false,
    StdinOnce: false,
    Env: [],
    Cmd: ['sh'],
    Image: 'busybox',
    Volumes: null,
    WorkingDir: '',
    Entrypoint: null,
    OnBuild: null,
    Labels: {},
    ...overrides,
  };
}

export function specInput(overrides: Partial<SpecInput> = {}, hc: Partial<HostConfig> = {}): SpecInput {
  return {
    rootfs: '/var/lib/berth/rootfs/c0ffee',
    args: ['sh', '-c', 'true'],
    env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOSTNAME=c0ffee'],
    cwd: '/',
    user: { uid: 0, gid: 0, additionalGids: [] },
    hostname: 'c0ffee',
    tty: false,
    config: containerConfig(),
    hostConfig: hostConfig(hc),
    cgroupsPath: '/berth/c0ffee',
    cgroupVersion: 1,
    network: { kind: 'new' },
    extraMounts: [],
    arch: 'x64',
    ...overrides,
  };
}
