import { readFileSync } from 'node:fs';
import { UsageError, type FlagSpec, type FlagValues } from '../../flags.js';
import { parseBytes } from '../../format/human.js';
import { HEALTH_FLAGS, healthcheckField } from './health-flags.js';
import { NETWORK_FLAGS, networkFields } from './network-flags.js';

/** The flags `run` and `create` share (docker run --help). */
export const CREATE_FLAGS: FlagSpec[] = [
  { name: 'add-host', type: 'list', value: 'list', description: 'Add a custom host-to-IP mapping (host:ip)' },
  { name: 'attach', short: 'a', type: 'list', value: 'list', description: 'Attach to STDIN, STDOUT or STDERR' },
  { name: 'cap-add', type: 'list', value: 'list', description: 'Add Linux capabilities' },
  { name: 'cap-drop', type: 'list', value: 'list', description: 'Drop Linux capabilities' },
  { name: 'cidfile', type: 'string', description: 'Write the container ID to the file' },
  { name: 'cpu-period', type: 'int', description: 'Limit CPU CFS (Completely Fair Scheduler) period' },
  { name: 'cpu-quota', type: 'int', description: 'Limit CPU CFS (Completely Fair Scheduler) quota' },
  { name: 'cpu-shares', short: 'c', type: 'int', description: 'CPU shares (relative weight)' },
  { name: 'cpus', type: 'string', value: 'decimal', description: 'Number of CPUs' },
  { name: 'cpuset-cpus', type: 'string', description: 'CPUs in which to allow execution (0-3, 0,1)' },
  { name: 'cpuset-mems', type: 'string', description: 'MEMs in which to allow execution (0-3, 0,1)' },
  { name: 'dns', type: 'list', value: 'list', description: 'Set custom DNS servers' },
  { name: 'dns-option', type: 'list', value: 'list', description: 'Set DNS options' },
  { name: 'dns-search', type: 'list', value: 'list', description: 'Set custom DNS search domains' },
  { name: 'entrypoint', type: 'string', description: 'Overwrite the default ENTRYPOINT of the image' },
  { name: 'env', short: 'e', type: 'list', value: 'list', description: 'Set environment variables' },
  { name: 'env-file', type: 'list', value: 'list', description: 'Read in a file of environment variables' },
  { name: 'group-add', type: 'list', value: 'list', description: 'Add additional groups to join' },
  { name: 'hostname', short: 'h', type: 'string', description: 'Container host name' },
  { name: 'init', type: 'bool', description: 'Run an init inside the container that forwards signals and reaps processes' },
  { name: 'interactive', short: 'i', type: 'bool', description: 'Keep STDIN open even if not attached' },
  { name: 'label', short: 'l', type: 'list', value: 'list', description: 'Set meta data on a container' },
  { name: 'label-file', type: 'list', value: 'list', description: 'Read in a line delimited file of labels' },
  { name: 'log-driver', type: 'string', description: 'Logging driver for the container' },
  { name: 'log-opt', type: 'list', value: 'list', description: 'Log driver options' },
  { name: 'memory', short: 'm', type: 'string', value: 'bytes', description: 'Memory limit' },
  { name: 'memory-reservation', type: 'string', value: 'bytes', description: 'Memory soft limit' },
  { name: 'memory-swap', type: 'string', value: 'bytes', description: "Swap limit equal to memory plus swap: '-1' to enable unlimited swap" },
  { name: 'memory-swappiness', type: 'int', default: -1, description: 'Tune container memory swappiness (0 to 100)' },
  { name: 'name', type: 'string', description: 'Assign a name to the container' },
  { name: 'network', type: 'string', value: 'network', description: 'Connect a container to a network' },
  { name: 'net', type: 'string', hidden: true, description: 'Connect a container to a network' },
  { name: 'oom-kill-disable', type: 'bool', description: 'Disable OOM Killer' },
  { name: 'oom-score-adj', type: 'int', description: "Tune host's OOM preferences (-1000 to 1000)" },
  { name: 'pids-limit', type: 'int', description: 'Tune container pids limit (set -1 for unlimited)' },
  { name: 'platform', type: 'string', description: 'Set platform if server is multi-platform capable' },
  { name: 'privileged', type: 'bool', description: 'Give extended privileges to this container' },
  { name: 'pull', type: 'string', default: 'missing', description: 'Pull image before running ("always", "missing", "never")' },
  { name: 'quiet', short: 'q', type: 'bool', description: 'Suppress the pull output' },
  { name: 'read-only', type: 'bool', description: "Mount the container's root filesystem as read only" },
  { name: 'restart', type: 'string', default: 'no', description: 'Restart policy to apply when a container exits' },
  { name: 'rm', type: 'bool', description: 'Automatically remove the container and its associated anonymous volumes when it exits' },
  { name: 'security-opt', type: 'list', value: 'list', description: 'Security Options' },
  { name: 'shm-size', type: 'string', value: 'bytes', description: 'Size of /dev/shm' },
  { name: 'stop-signal', type: 'string', description: 'Signal to stop the container' },
  { name: 'stop-timeout', type: 'int', description: 'Timeout (in seconds) to stop a container' },
  { name: 'sysctl', type: 'list', value: 'map', description: 'Sysctl options' },
  { name: 'tmpfs', type: 'list', value: 'list', description: 'Mount a tmpfs directory' },
  { name: 'tty', short: 't', type: 'bool', description: 'Allocate a pseudo-TTY' },
  { name: 'ulimit', type: 'list', value: 'ulimit', description: 'Ulimit options' },
  { name: 'user', short: 'u', type: 'string', description: 'Username or UID (format: <name|uid>[:<group|gid>])' },
  { name: 'workdir', short: 'w', type: 'string', description: 'Working directory inside the container' },
];
CREATE_FLAGS.push(...NETWORK_FLAGS, ...HEALTH_FLAGS);
CREATE_FLAGS.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

export interface CreateRequest {
  name?: string;
  platform?: string;
  image: string;
  body: Record<string, unknown>;
}

export function bytesFlag(flags: FlagValues, name: string): number | undefined {
  const v = flags[name] as string | undefined;
  if (v === undefined || v === '') return undefined;
  if (name === 'memory-swap' && v === '-1') return -1;
  try {
    return parseBytes(v);
  } catch (e) {
    throw new UsageError(`invalid argument "${v}" for "--${name}" flag: ${(e as Error).message}`);
  }
}

/** `-e VAR` without a value takes VAR from the client's environment, as docker does. */
export function envValue(e: string): string {
  if (e.includes('=')) return e;
  const v = process.env[e];
  return v === undefined ? e : `${e}=${v}`;
}

/** The non-blank, non-comment lines of an env or label file (`--env-file`, `--label-file`). */
export function readLines(path: string, what: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`);
  }
  return text.split(/\r?\n/).map((l) => l.trimStart()).filter((l) => l && !l.startsWith('#'));
}

function parseUlimit(s: string): { Name: string; Soft: number; Hard: number } {
  const m = /^([a-z]+)=(-?\d+)(?::(-?\d+))?$/.exec(s);
  if (!m) throw new UsageError(`invalid argument "${s}" for "--ulimit" flag: invalid ulimit argument: ${s}`);
  const soft = Number(m[2]);
  const hard = m[3] === undefined ? soft : Number(m[3]);
  return { Name: m[1]!, Soft: soft, Hard: hard };
}

export function parseCpus(s: string): number {
  if (!/^\d*\.?\d+$/.test(s)) throw new UsageError(`invalid argument "${s}" for "--cpus" flag: failed to parse ${s} as a rational number`);
  return Math.round(Number(s) * 1e9);
}

export function parseRestart(s: string): { Name: string; MaximumRetryCount: number } {
  const [name = '', max] = s.split(':');
  if (max !== undefined && !/^\d+$/.test(max)) throw new UsageError(`invalid argument "${s}" for "--restart" flag: invalid restart policy format: maximum retry count must be an integer`);
  return { Name: name, MaximumRetryCount: max === undefined ? 0 : Number(max) };
}

/** Turn parsed `run`/`create` flags into the Engine API's create body. */
export function buildCreateRequest(flags: FlagValues, args: string[], detach: boolean): CreateRequest {
  const [image, ...cmd] = args;
  if (!image) throw new UsageError('requires at least 1 argument');
  const list = (n: string) => (flags[n] as string[] | undefined) ?? [];
  const env = [...list('env-file').flatMap((f) => readLines(f, 'env file')), ...list('env')].map(envValue);
  const labels: Record<string, string> = {};
  for (const l of [...list('label-file').flatMap((f) => readLines(f, 'label file')), ...list('label')]) {
    const i = l.indexOf('=');
    labels[i < 0 ? l : l.slice(0, i)] = i < 0 ? '' : l.slice(i + 1);
  }
  const interactive = Boolean(flags.interactive);
  const attach = list('attach').map((a) => a.toLowerCase());
  for (const a of attach) if (!['stdin', 'stdout', 'stderr'].includes(a)) throw new UsageError(`invalid argument "${a}" for "-a, --attach" flag: valid streams are STDIN, STDOUT and STDERR`);
  const attachAll = attach.length === 0;
  const tmpfs: Record<string, string> = {};
  for (const t of list('tmpfs')) {
    const i = t.indexOf(':');
    tmpfs[i < 0 ? t : t.slice(0, i)] = i < 0 ? '' : t.slice(i + 1);
  }
  const sysctls: Record<string, string> = {};
  for (const s of list('sysctl')) {
    const i = s.indexOf('=');
    if (i < 0) throw new UsageError(`invalid argument "${s}" for "--sysctl" flag: sysctl '${s}' is not allowed`);
    sysctls[s.slice(0, i)] = s.slice(i + 1);
  }
  const entrypoint = flags.entrypoint as string | undefined;
  const cpus = flags.cpus as string | undefined;
  const network = (flags.network ?? flags.net) as string | undefined;
  const body: Record<string, unknown> = {
    Hostname: flags.hostname ?? '',
    User: flags.user ?? '',
    AttachStdin: !detach && (attachAll ? interactive : attach.includes('stdin')),
    AttachStdout: !detach && (attachAll || attach.includes('stdout')),
    AttachStderr: !detach && (attachAll || attach.includes('stderr')),
    Tty: Boolean(flags.tty),
    OpenStdin: interactive,
    StdinOnce: interactive && !detach,
    Env: env,
    Cmd: cmd.length ? cmd : null,
    Image: image,
    WorkingDir: flags.workdir ?? '',
    Entrypoint: entrypoint === undefined ? null : entrypoint === '' ? [''] : [entrypoint],
    Labels: labels,
    ...(flags['stop-signal'] ? { StopSignal: flags['stop-signal'] } : {}),
    ...(flags['stop-timeout'] !== undefined ? { StopTimeout: flags['stop-timeout'] } : {}),
    ...healthcheckField(flags),
    HostConfig: {
      AutoRemove: Boolean(flags.rm),
      Privileged: Boolean(flags.privileged),
      ReadonlyRootfs: Boolean(flags['read-only']),
      CapAdd: list('cap-add'),
      CapDrop: list('cap-drop'),
      SecurityOpt: list('security-opt').map(readSeccompFile),
      NetworkMode: network ?? 'default',
      RestartPolicy: parseRestart(String(flags.restart ?? 'no')),
      Memory: bytesFlag(flags, 'memory') ?? 0,
      MemorySwap: bytesFlag(flags, 'memory-swap') ?? 0,
      MemoryReservation: bytesFlag(flags, 'memory-reservation') ?? 0,
      MemorySwappiness: flags['memory-swappiness'] === -1 ? null : flags['memory-swappiness'],
      OomKillDisable: flags['oom-kill-disable'] ? true : null,
      OomScoreAdj: flags['oom-score-adj'] ?? 0,
      NanoCpus: cpus ? parseCpus(cpus) : 0,
      CpuShares: flags['cpu-shares'] ?? 0,
      CpuQuota: flags['cpu-quota'] ?? 0,
      CpuPeriod: flags['cpu-period'] ?? 0,
      CpusetCpus: flags['cpuset-cpus'] ?? '',
      CpusetMems: flags['cpuset-mems'] ?? '',
      PidsLimit: flags['pids-limit'] ?? null,
      Ulimits: list('ulimit').map(parseUlimit),
      ShmSize: bytesFlag(flags, 'shm-size') ?? 0,
      Tmpfs: tmpfs,
      Sysctls: sysctls,
      GroupAdd: list('group-add'),
      Dns: list('dns'),
      DnsSearch: list('dns-search'),
      DnsOptions: list('dns-option'),
      ExtraHosts: list('add-host'),
      Init: flags.init ? true : null,
      LogConfig: { Type: flags['log-driver'] ?? '', Config: Object.fromEntries(list('log-opt').map((o) => o.split('=', 2))) },
    },
  };
  const net = networkFields(flags, network);
  Object.assign(body, net.config);
  Object.assign(body.HostConfig as Record<string, unknown>, net.hostConfig);
  if (net.networkingConfig) body.NetworkingConfig = net.networkingConfig;
  return { name: flags.name as string | undefined, platform: flags.platform as string | undefined, image, body };
}

/** docker sends `--security-opt seccomp=<file>` as the file's JSON text. */
function readSeccompFile(opt: string): string {
  const m = /^seccomp[=:](.+)$/.exec(opt);
  if (!m || m[1] === 'unconfined' || m[1]!.trimStart().startsWith('{')) return opt;
  try {
    return `seccomp=${readFileSync(m[1]!, 'utf8')}`;
  } catch (e) {
    throw new UsageError(`opening seccomp profile (${m[1]}) failed: ${(e as Error).message}`);
  }
}
