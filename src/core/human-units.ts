/**
 * Human-readable durations and container status text as Docker prints them
 * (go-units HumanDuration, moby's State.String()). The daemon uses them for the
 * STATUS field of GET /containers/json; the CLI for its CREATED columns.
 */

/** units.HumanDuration of a duration in milliseconds: "Less than a second" ... "2 years". */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(ms / 60000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  // Hours are rounded (half away from zero), unlike seconds and minutes.
  const hours = Math.floor((ms + 1800000) / 3600000);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(Math.trunc(ms / 3600000) / 24 / 365)} years`;
}

export type TimeLike = Date | string | number;

/** Milliseconds since the epoch; undefined for Go's zero time ("0001-01-01T00:00:00Z") or "". */
export function epochMs(t: TimeLike | undefined): number | undefined {
  if (t === undefined || t === '') return undefined;
  const ms = t instanceof Date ? t.getTime() : typeof t === 'number' ? t : Date.parse(t);
  if (Number.isNaN(ms) || ms <= -62135596800000) return undefined; // year 1 or earlier: zero time
  return ms;
}

export interface ContainerStateLike {
  /** Docker's State.Status: created, running, paused, restarting, removing, exited, dead. */
  Status: string;
  ExitCode?: number;
  StartedAt?: TimeLike;
  FinishedAt?: TimeLike;
  Health?: { Status: string } | null;
}

/** The STATUS column (moby's State.String()): "Up 3 seconds (healthy)", "Exited (0) 4 seconds ago". */
export function containerStatus(state: ContainerStateLike, now: TimeLike = Date.now()): string {
  const nowMs = epochMs(now) ?? 0;
  const since = (t: TimeLike | undefined): string => humanDuration(nowMs - (epochMs(t) ?? 0));
  const code = state.ExitCode ?? 0;
  switch (state.Status) {
    case 'running': {
      const h = state.Health?.Status;
      // moby's Health.String(): "starting" reads "health: starting"; others print as they are.
      if (h && h !== 'none') return `Up ${since(state.StartedAt)} (${h === 'starting' ? 'health: starting' : h})`;
      return `Up ${since(state.StartedAt)}`;
    }
    case 'paused': return `Up ${since(state.StartedAt)} (Paused)`;
    case 'restarting': return `Restarting (${code}) ${since(state.FinishedAt)} ago`;
    case 'removing': return 'Removal In Progress';
    case 'dead': return 'Dead';
  }
  if (epochMs(state.StartedAt) === undefined) return 'Created';
  if (epochMs(state.FinishedAt) === undefined) return '';
  return `Exited (${code}) ${since(state.FinishedAt)} ago`;
}

