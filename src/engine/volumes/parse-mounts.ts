/**
 * A container's mounts as the API describes them — HostConfig.Binds (`-v src:dst:mode`),
 * HostConfig.Mounts (`--mount`), and Config.Volumes (image VOLUME, `-v /dst`) — parsed and
 * checked with dockerd's rules and messages. Pure: no volume is created here.
 */
import { existsSync } from 'node:fs';
import { posix } from 'node:path';
import type { MountSpec } from '../../core/container-types.js';
import { invalidArgument } from '../../core/errors.js';
import type { MountPoint } from '../containers/container-record.js';
import { validVolumeName } from './volume-service.js';

/** A mount as recorded in ContainerRecord.mounts: Docker's MountPoint plus what start needs. */
export interface PlannedMount extends MountPoint {
  /** --mount volume-nocopy / -v :nocopy: do not seed the volume from the image. */
  noCopy?: boolean;
  /** Created for this container (rm -v removes it). */
  anonymous?: boolean;
  /** tmpfs: size=, mode= options. */
  tmpfsOptions?: string[];
  /** bind: bind-nonrecursive. */
  nonRecursive?: boolean;
  /** bind from -v: a missing host path is created (with --mount it is an error). */
  createSource?: boolean;
  /** volume from --mount: labels and driver options to create it with. */
  volumeLabels?: Record<string, string>;
  driverOpts?: Record<string, string>;
}

const PROPAGATION = new Set(['shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate']);
const BIND_MODES = new Set(['ro', 'rw', 'z', 'Z', 'nocopy', ...PROPAGATION]);

export function cleanTarget(p: string): string {
  return posix.normalize(p).replace(/(.)\/+$/, '$1');
}

function checkTarget(type: string, target: string | undefined, spec?: string): string {
  const prefix = spec ? `invalid volume specification: '${spec}': ` : '';
  if (!target) throw invalidArgument(`${prefix}invalid mount config for type "${type}": field Target must not be empty`);
  if (!target.startsWith('/')) throw invalidArgument(`${prefix}invalid mount config for type "${type}": invalid mount path: '${target}' mount path must be absolute`);
  const t = cleanTarget(target);
  if (t === '/') throw invalidArgument(`${prefix}invalid mount config for type "${type}": invalid specification: destination can't be '/'`);
  return t;
}

function invalidName(name: string): Error {
  return invalidArgument(
    `create ${name}: "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`,
  );
}

/** One `-v` / HostConfig.Binds entry: `name:/dst[:mode]`, `/host:/dst[:mode]` or `/dst`. */
export function parseBind(spec: string): PlannedMount {
  const parts = spec.split(':');
  if (parts.length > 3 || parts.some((p) => p === '')) throw invalidArgument(`invalid volume specification: '${spec}'`);
  if (parts.length === 1) {
    const dst = checkTarget('volume', parts[0], spec);
    return { Type: 'volume', Name: '', Source: '', Destination: dst, Driver: 'local', Mode: '', RW: true, Propagation: '', anonymous: true };
  }
  const [src, rawDst, mode = ''] = parts as [string, string, string?];
  const modes = mode ? mode.split(',') : [];
  for (const m of modes) if (!BIND_MODES.has(m)) throw invalidArgument(`invalid mode: ${mode}`);
  if (modes.includes('ro') && modes.includes('rw')) throw invalidArgument(`invalid mode: ${mode}`);
  if (modes.filter((m) => PROPAGATION.has(m)).length > 1) throw invalidArgument(`invalid mode: ${mode}`);
  const rw = !modes.includes('ro');
  const propagation = modes.find((m) => PROPAGATION.has(m)) ?? '';
  if (src.startsWith('/')) {
    if (modes.includes('nocopy')) throw invalidArgument(`invalid mode: ${mode}`);
    const dst = checkTarget('bind', rawDst, spec);
    return { Type: 'bind', Source: posix.normalize(src), Destination: dst, Mode: mode, RW: rw, Propagation: propagation || 'rprivate', createSource: true };
  }
  if (!validVolumeName(src)) throw invalidName(src);
  if (propagation) throw invalidArgument(`invalid volume specification: '${spec}': propagation can only be set on bind mounts`);
  const dst = checkTarget('volume', rawDst, spec);
  return {
    Type: 'volume',
    Name: src,
    Source: '',
    Destination: dst,
    Driver: 'local',
    Mode: mode || 'z',
    RW: rw,
    Propagation: '',
    noCopy: modes.includes('nocopy'),
  };
}

/** One HostConfig.Mounts entry (`--mount type=...`). */
export function parseMountSpec(m: MountSpec): PlannedMount {
  const type = m.Type as string;
  if (type !== 'bind' && type !== 'volume' && type !== 'tmpfs') {
    throw invalidArgument(type ? `invalid mount config: mount type unknown: ${JSON.stringify(type)}` : 'invalid mount config: mount type unknown');
  }
  const target = checkTarget(type, m.Target);
  const bad = (msg: string) => invalidArgument(`invalid mount config for type "${type}": ${msg}`);
  if (type !== 'bind' && m.BindOptions) throw bad(`BindOptions must not be specified`);
  if (type !== 'volume' && m.VolumeOptions) throw bad(`VolumeOptions must not be specified`);
  if (type !== 'tmpfs' && m.TmpfsOptions) throw bad(`TmpfsOptions must not be specified`);
  const rw = !m.ReadOnly;
  if (type === 'bind') {
    if (!m.Source) throw bad('field Source must not be empty');
    if (!m.Source.startsWith('/')) throw bad(`invalid mount path: '${m.Source}' mount path must be absolute`);
    if (!existsSync(m.Source)) throw bad(`bind source path does not exist: ${m.Source}`);
    const prop = m.BindOptions?.Propagation || 'rprivate';
    if (!PROPAGATION.has(prop)) throw bad(`invalid propagation mode: ${prop}`);
    return {
      Type: 'bind',
      Source: posix.normalize(m.Source),
      Destination: target,
      Mode: '',
      RW: rw,
      Propagation: prop,
      nonRecursive: Boolean(m.BindOptions?.NonRecursive),
    };
  }
  if (type === 'tmpfs') {
    if (m.Source) throw bad('Source must not be specified');
    const opts: string[] = [];
    const size = m.TmpfsOptions?.SizeBytes;
    if (size !== undefined && size !== 0) {
      if (!Number.isSafeInteger(size) || size < 0) throw bad(`invalid tmpfs size ${size}`);
      opts.push(`size=${size}`);
    }
    const mode = m.TmpfsOptions?.Mode;
    if (mode) opts.push(`mode=${(mode & 0o7777).toString(8)}`);
    return { Type: 'tmpfs', Source: '', Destination: target, Mode: '', RW: rw, Propagation: '', tmpfsOptions: opts };
  }
  const name = m.Source ?? '';
  if (name && !validVolumeName(name)) throw invalidName(name);
  const driver = m.VolumeOptions?.DriverConfig?.Name || 'local';
  return {
    Type: 'volume',
    Name: name,
    Source: '',
    Destination: target,
    Driver: driver,
    Mode: '',
    RW: rw,
    Propagation: '',
    noCopy: Boolean(m.VolumeOptions?.NoCopy),
    anonymous: !name,
    volumeLabels: m.VolumeOptions?.Labels ?? undefined,
    driverOpts: m.VolumeOptions?.DriverConfig?.Options ?? undefined,
  };
}

/** `--volumes-from name[:ro|rw]`. */
export function parseVolumesFrom(spec: string): { ref: string; mode: '' | 'ro' | 'rw' } {
  const i = spec.lastIndexOf(':');
  if (i < 0) return { ref: spec, mode: '' };
  const mode = spec.slice(i + 1);
  if (mode !== 'ro' && mode !== 'rw') throw invalidArgument(`invalid mode: ${mode}`);
  return { ref: spec.slice(0, i), mode };
}
