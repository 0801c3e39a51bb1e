import { UsageError, type FlagSpec, type FlagValues } from '../../flags.js';
import { parseDuration } from '../../format/human.js';

/** docker run's healthcheck flags (they override the image's HEALTHCHECK field by field). */
export const HEALTH_FLAGS: FlagSpec[] = [
  { name: 'health-cmd', type: 'string', description: 'Command to run to check health' },
  { name: 'health-interval', type: 'string', value: 'duration', description: 'Time between running the check (ms|s|m|h) (default 0s)' },
  { name: 'health-retries', type: 'int', description: 'Consecutive failures needed to report unhealthy' },
  { name: 'health-start-interval', type: 'string', value: 'duration', description: 'Time between running the check during the start period (ms|s|m|h) (default 0s)' },
  { name: 'health-start-period', type: 'string', value: 'duration', description: 'Start period for the container to initialize before starting health-retries countdown (ms|s|m|h) (default 0s)' },
  { name: 'health-timeout', type: 'string', value: 'duration', description: 'Maximum time to allow one check to run (ms|s|m|h) (default 0s)' },
  { name: 'no-healthcheck', type: 'bool', description: 'Disable any container-specified HEALTHCHECK' },
];

function durationNs(flags: FlagValues, name: string): number {
  const v = flags[name] as string | undefined;
  if (v === undefined || v === '') return 0;
  let ms: number;
  try {
    ms = parseDuration(v);
  } catch (e) {
    throw new UsageError(`invalid argument "${v}" for "--${name}" flag: ${(e as Error).message}`);
  }
  if (ms < 0) throw new UsageError(`--${name} cannot be negative`);
  return Math.round(ms * 1e6);
}

/** The create body's `Healthcheck` field, or nothing when no health flag was given. */
export function healthcheckField(flags: FlagValues): { Healthcheck?: Record<string, unknown> } {
  const cmd = flags['health-cmd'] as string | undefined;
  const interval = durationNs(flags, 'health-interval');
  const timeout = durationNs(flags, 'health-timeout');
  const startPeriod = durationNs(flags, 'health-start-period');
  const startInterval = durationNs(flags, 'health-start-interval');
  const retries = (flags['health-retries'] as number | undefined) ?? 0;
  if (retries < 0) throw new UsageError('--health-retries cannot be negative');
  const any = cmd !== undefined || interval || timeout || startPeriod || startInterval || retries;
  if (flags['no-healthcheck']) {
    if (any) throw new UsageError('--no-healthcheck conflicts with --health-* options');
    return { Healthcheck: { Test: ['NONE'] } };
  }
  if (!any) return {};
  return {
    Healthcheck: {
      Test: cmd ? ['CMD-SHELL', cmd] : [],
      Interval: interval,
      Timeout: timeout,
      StartPeriod: startPeriod,
      ...(startInterval ? { StartInterval: startInterval } : {}),
      Retries: retries,
    },
  };
}
