import { arch } from 'node:os';
import { invalidArgument } from '../../../core/errors.js';
import type { EngineEvent } from '../../../engine/events.js';
import { API_VERSION, MIN_API_VERSION } from '../api-version.js';
import { qfilters, sendJson, type RequestContext } from '../request-context.js';
import type { Router } from '../router.js';
import { matchLabels } from '../../../engine/containers/filter-containers.js';
import { BERTH_VERSION, DOCKER_COMPAT_VERSION } from '../../../core/version.js';

export function goArch(): string {
  const a = arch();
  return a === 'x64' ? 'amd64' : a === 'ia32' ? '386' : a;
}

async function ping(ctx: RequestContext): Promise<void> {
  ctx.res.writeHead(200, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-cache, no-store, must-revalidate',
    Pragma: 'no-cache',
    'Builder-Version': '1',
    'Content-Length': 2,
  });
  ctx.res.end(ctx.req.method === 'HEAD' ? undefined : 'OK');
}

async function version(ctx: RequestContext): Promise<void> {
  const host = ctx.engine.ctx.host;
  sendJson(ctx, 200, {
    Platform: { Name: `berth ${BERTH_VERSION}` },
    Components: [
      {
        Name: 'Engine',
        Version: DOCKER_COMPAT_VERSION,
        Details: { ApiVersion: API_VERSION, MinAPIVersion: MIN_API_VERSION, Os: 'linux', Arch: goArch(), KernelVersion: host.kernelVersion, Experimental: 'false', GitCommit: 'berth', GoVersion: `node${process.versions.node}`, BuildTime: '' },
      },
      { Name: 'berth', Version: BERTH_VERSION, Details: {} },
    ],
    Version: DOCKER_COMPAT_VERSION,
    ApiVersion: API_VERSION,
    MinAPIVersion: MIN_API_VERSION,
    GitCommit: 'berth',
    GoVersion: `node${process.versions.node}`,
    Os: 'linux',
    Arch: goArch(),
    KernelVersion: host.kernelVersion,
    BuildTime: '',
  });
}

async function info(ctx: RequestContext): Promise<void> {
  const { engine } = ctx;
  const h = engine.ctx.host;
  const all = engine.containers.list();
  const running = all.filter((c) => c.state.Running && !c.state.Paused).length;
  const paused = all.filter((c) => c.state.Paused).length;
  sendJson(ctx, 200, {
    ID: `berth-${h.hostname}`,
    Containers: all.length,
    ContainersRunning: running,
    ContainersPaused: paused,
    ContainersStopped: all.length - running - paused,
    Images: engine.ctx.images.list().length,
    Driver: engine.ctx.snapshotter.driver,
    DriverStatus: [['Backing Filesystem', 'extfs'], ['Supports d_type', 'true'], ['Using metacopy', 'false'], ['Native Overlay Diff', 'true']],
    Plugins: { Volume: ['local'], Network: ['bridge', 'host', 'none'], Authorization: null, Log: ['json-file', 'local', 'k8s-file'] },
    MemoryLimit: true,
    SwapLimit: h.swapAccounting,
    KernelMemory: false,
    KernelMemoryTCP: false,
    CpuCfsPeriod: true,
    CpuCfsQuota: true,
    CPUShares: true,
    CPUSet: true,
    PidsLimit: true,
    OomKillDisable: h.cgroupVersion === 1,
    IPv4Forwarding: true,
    BridgeNfIptables: false,
    BridgeNfIp6tables: false,
    Debug: false,
    NFd: 0,
    NGoroutines: 0,
    SystemTime: new Date().toISOString(),
    LoggingDriver: 'json-file',
    CgroupDriver: 'cgroupfs',
    CgroupVersion: String(h.cgroupVersion),
    NEventsListener: 0,
    KernelVersion: h.kernelVersion,
    OperatingSystem: h.operatingSystem,
    OSVersion: '',
    OSType: 'linux',
    Architecture: arch() === 'x64' ? 'x86_64' : arch(),
    IndexServerAddress: 'https://index.docker.io/v1/',
    RegistryConfig: { AllowNondistributableArtifactsCIDRs: [], AllowNondistributableArtifactsHostnames: [], InsecureRegistryCIDRs: ['127.0.0.0/8'], IndexConfigs: {}, Mirrors: [] },
    NCPU: h.ncpu,
    MemTotal: h.memTotal,
    GenericResources: null,
    DockerRootDir: engine.ctx.paths.dataRoot,
    HttpProxy: process.env.HTTP_PROXY ?? '',
    HttpsProxy: process.env.HTTPS_PROXY ?? '',
    NoProxy: process.env.NO_PROXY ?? '',
    Name: h.hostname,
    Labels: [],
    ExperimentalBuild: false,
    ServerVersion: DOCKER_COMPAT_VERSION,
    Runtimes: { runc: { path: engine.ctx.runc.binary } },
    DefaultRuntime: 'runc',
    Swarm: { NodeID: '', NodeAddr: '', LocalNodeState: 'inactive', ControlAvailable: false, Error: '', RemoteManagers: null },
    LiveRestoreEnabled: true,
    Isolation: '',
    InitBinary: engine.ctx.initBinary ?? '',
    ContainerdCommit: { ID: '', Expected: '' },
    RuncCommit: { ID: '', Expected: '' },
    InitCommit: { ID: '', Expected: '' },
    SecurityOptions: ['name=seccomp,profile=builtin', ...(h.cgroupVersion === 2 ? ['name=cgroupns'] : [])],
    Warnings: [],
  });
}

/** since/until: unix seconds with an optional fraction, or RFC 3339. Returns epoch nanoseconds. */
export function parseEventTime(v: string | null): bigint | undefined {
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) {
    const [s, frac = ''] = v.split('.');
    return BigInt(s!) * 1_000_000_000n + BigInt((frac + '000000000').slice(0, 9));
  }
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) throw invalidArgument(`invalid timestamp: ${v}`);
  return BigInt(ms) * 1_000_000n;
}

/** Docker's event JSON: the modern fields plus the legacy status/id/from. */
export function eventJson(e: EngineEvent): Record<string, unknown> {
  const legacy = e.Type === 'container' || e.Type === 'image' ? { status: e.Action, id: e.Actor.ID, ...(e.Type === 'container' ? { from: e.Actor.Attributes.image } : {}) } : {};
  return { ...legacy, Type: e.Type, Action: e.Action, Actor: e.Actor, scope: e.scope, time: e.time, timeNano: e.timeNano };
}

export function eventMatches(e: EngineEvent, f: Record<string, string[]>): boolean {
  const any = (vals: string[] | undefined, pred: (v: string) => boolean) => !vals || vals.length === 0 || vals.some(pred);
  const a = e.Actor.Attributes;
  return (
    any(f.type, (v) => v === e.Type) &&
    any(f.event, (v) => v === e.Action || e.Action.startsWith(`${v}:`)) &&
    any(f.container, (v) => e.Type === 'container' && (e.Actor.ID.startsWith(v) || a.name === v)) &&
    any(f.image, (v) => a.image === v || e.Actor.ID === v || a.name === v) &&
    any(f.network, (v) => e.Type === 'network' && (e.Actor.ID.startsWith(v) || a.name === v)) &&
    any(f.volume, (v) => e.Type === 'volume' && (e.Actor.ID === v || a.name === v)) &&
    (!f.label || matchLabels(a, f.label)) &&
    any(f.scope, (v) => v === 'local')
  );
}

async function events(ctx: RequestContext): Promise<void> {
  const since = parseEventTime(ctx.query.get('since'));
  const until = parseEventTime(ctx.query.get('until'));
  const filters = qfilters(ctx);
  const bus = ctx.engine.events;
  ctx.res.writeHead(200, { 'Content-Type': 'application/json' });
  ctx.res.flushHeaders();
  const send = (e: EngineEvent) => {
    const ns = BigInt(e.timeNano);
    if (since !== undefined && ns < since) return;
    if (until !== undefined && ns > until) return;
    if (eventMatches(e, filters)) ctx.res.write(`${JSON.stringify(eventJson(e))}\n`);
  };
  if (since !== undefined) for (const e of bus.past()) send(e);
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  if (until !== undefined && until <= nowNs) return void ctx.res.end();
  const unsubscribe = bus.subscribe(send);
  await new Promise<void>((resolve) => {
    const done = () => {
      unsubscribe();
      clearTimeout(timer);
      resolve();
    };
    const timer = until !== undefined ? setTimeout(done, Number((until - nowNs) / 1_000_000n)) : undefined;
    ctx.signal.addEventListener('abort', done);
  });
  ctx.res.end();
}

export function systemRoutes(r: Router): void {
  r.add('GET', '/_ping', ping);
  r.add('HEAD', '/_ping', ping);
  r.add('GET', '/version', version);
  r.add('GET', '/info', info);
  r.add('GET', '/events', events);
}
