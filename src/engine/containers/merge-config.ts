import type { ContainerConfig } from '../../core/container-types.js';
import { invalidArgument } from '../../core/errors.js';
import type { HealthConfig, ImageRunConfig } from '../../core/image-types.js';

/**
 * Docker's rule for `Env`: user values replace the image's in place, new ones
 * are appended, and a bare `KEY` (no `=`) removes the variable.
 */
export function mergeEnv(base: string[], overrides: string[]): string[] {
  const out = [...base];
  const key = (e: string) => e.split('=', 1)[0]!;
  for (const e of overrides) {
    const k = key(e);
    const i = out.findIndex((x) => key(x) === k);
    if (!e.includes('=')) {
      if (i >= 0) out.splice(i, 1);
      continue;
    }
    if (i >= 0) out[i] = e;
    else out.push(e);
  }
  return out;
}

/** Fill a container config from its image's config, the way dockerd merges them at create. */
export function mergeImageConfig(user: ContainerConfig, image: ImageRunConfig): ContainerConfig {
  const c: ContainerConfig = { ...user };
  c.Env = mergeEnv(image.Env ?? [], user.Env ?? []);
  if (!user.Entrypoint || user.Entrypoint.length === 0) {
    if (!user.Cmd || user.Cmd.length === 0) {
      c.Cmd = image.Cmd ?? null;
      if (image.ArgsEscaped !== undefined) c.ArgsEscaped = image.ArgsEscaped;
    }
    if (user.Entrypoint === null || user.Entrypoint === undefined) c.Entrypoint = image.Entrypoint ?? null;
  }
  if (!c.WorkingDir) c.WorkingDir = image.WorkingDir ?? '';
  if (!c.User) c.User = image.User ?? '';
  c.Labels = { ...(image.Labels ?? {}), ...(user.Labels ?? {}) };
  if (image.ExposedPorts || user.ExposedPorts) c.ExposedPorts = { ...(image.ExposedPorts ?? {}), ...(user.ExposedPorts ?? {}) };
  if (image.Volumes || user.Volumes) c.Volumes = { ...(image.Volumes ?? {}), ...(user.Volumes ?? {}) };
  if (!c.StopSignal && image.StopSignal) c.StopSignal = image.StopSignal;
  if (image.Healthcheck) c.Healthcheck = mergeHealthcheck(user.Healthcheck, image.Healthcheck);
  if (!c.Shell && image.Shell) c.Shell = image.Shell;
  c.OnBuild = image.OnBuild ?? null;
  return c;
}

/** dockerd's merge: the user's healthcheck fields win, unset (empty or zero) ones come from the image. */
function mergeHealthcheck(user: HealthConfig | undefined, image: HealthConfig): HealthConfig {
  if (!user) return image;
  return {
    ...user,
    Test: user.Test?.length ? user.Test : image.Test,
    Interval: user.Interval || image.Interval,
    Timeout: user.Timeout || image.Timeout,
    StartPeriod: user.StartPeriod || image.StartPeriod,
    StartInterval: user.StartInterval || image.StartInterval,
    Retries: user.Retries || image.Retries,
  };
}

/** The process a container runs: entrypoint then cmd; `--entrypoint ""` clears the entrypoint. */
export function processArgs(c: ContainerConfig): string[] {
  const entry = (c.Entrypoint ?? []).length === 1 && c.Entrypoint![0] === '' ? [] : (c.Entrypoint ?? []);
  const args = [...entry, ...(c.Cmd ?? [])];
  if (args.length === 0) throw invalidArgument('No command specified');
  return args;
}
