import type { HealthLogEntry, HealthState } from '../../core/container-types.js';
import type { HealthConfig } from '../../core/image-types.js';
import type { ContainerRecord } from './container-record.js';
import type { ContainerService } from './container-service.js';
import { eventAttributes } from './event-attributes.js';
import { runProbe } from './run-probe.js';
import { newId } from '../../core/ids.js';
import { nowRfc3339Nano } from '../../core/clock.js';

/** Docker's defaults (https://docs.docker.com/reference/dockerfile/#healthcheck). */
const DEFAULT_INTERVAL_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_RETRIES = 3;
/** Interval while still `starting` inside the start period (Dockerfile reference: --start-interval). */
const DEFAULT_START_INTERVAL_MS = 5_000;
/** State.Health.Log keeps the last five probes. */
const LOG_KEEP = 5;

/** The probe command of a HEALTHCHECK, or undefined when there is none (absent, empty or NONE). */
export function probeArgs(hc: HealthConfig | undefined, shell: string[] | undefined): string[] | undefined {
  const test = hc?.Test ?? [];
  switch (test[0]) {
    case 'CMD':
      return test.length > 1 ? test.slice(1) : undefined;
    case 'CMD-SHELL':
      return test.length > 1 ? [...(shell?.length ? shell : ['/bin/sh', '-c']), test.slice(1).join(' ')] : undefined;
    default:
      return undefined;
  }
}

/** Go's time.Duration String() for the whole-millisecond values health checks use ("30s", "1.5s", "500ms", "1m0s"). */
export function goDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`;
}

/**
 * Apply one probe result to the health state, Docker's way: success makes the container healthy
 * and clears the streak; a failure inside the start period (while not yet healthy) is logged but
 * not counted; otherwise `retries` consecutive failures make it unhealthy.
 */
export function applyProbe(h: HealthState, entry: HealthLogEntry, retries: number, inStartPeriod: boolean): HealthState {
  const Log = [...h.Log, entry].slice(-LOG_KEEP);
  if (entry.ExitCode === 0) return { Status: 'healthy', FailingStreak: 0, Log };
  if (inStartPeriod && h.Status !== 'healthy') return { ...h, Log };
  const FailingStreak = h.FailingStreak + 1;
  return { Status: FailingStreak >= retries ? 'unhealthy' : h.Status, FailingStreak, Log };
}

/** One health-check loop per running container that has a healthcheck. */
export class HealthMonitors {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly svc: ContainerService) {}

  /** Begin probing (at start: a fresh `starting` state; when adopting after a daemon restart: keep it). */
  start(c: ContainerRecord, opts: { keepState?: boolean } = {}): void {
    this.stop(c.id);
    const args = probeArgs(c.config.Healthcheck, c.config.Shell);
    if (!args) {
      if (!opts.keepState) delete c.state.Health;
      return;
    }
    if (!opts.keepState || !c.state.Health) c.state.Health = { Status: 'starting', FailingStreak: 0, Log: [] };
    this.schedule(c, args);
  }

  stop(id: string): void {
    const t = this.timers.get(id);
    if (t) clearTimeout(t);
    this.timers.delete(id);
  }

  close(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  /** The wait before the next probe: the start interval while starting inside the start period, else the interval. */
  private interval(c: ContainerRecord): number {
    const hc = c.config.Healthcheck ?? {};
    const inStartPeriod = Date.now() - Date.parse(c.state.StartedAt) < nsToMs(hc.StartPeriod);
    if (inStartPeriod && c.state.Health?.Status === 'starting') return nsToMs(hc.StartInterval) || DEFAULT_START_INTERVAL_MS;
    return nsToMs(hc.Interval) || DEFAULT_INTERVAL_MS;
  }

  private schedule(c: ContainerRecord, args: string[]): void {
    const interval = this.interval(c);
    const timer = setTimeout(() => {
      void this.probe(c, args).finally(() => {
        if (this.timers.get(c.id) === timer) this.schedule(c, args);
      });
    }, interval);
    timer.unref();
    this.timers.set(c.id, timer);
  }

  private async probe(c: ContainerRecord, args: string[]): Promise<void> {
    const { ctx } = this.svc;
    // A frozen container cannot run a probe; dockerd skips them while paused too.
    if (!c.state.Running || c.state.Paused || !c.state.Health) return;
    const hc = c.config.Healthcheck ?? {};
    const timeoutMs = nsToMs(hc.Timeout) || DEFAULT_TIMEOUT_MS;
    const start = nowRfc3339Nano();
    // dockerd runs probes as execs, and clients see them as exec events.
    const execID = newId();
    const command = args.join(' ');
    ctx.events.publish('container', `exec_create: ${command}`, c.id, eventAttributes(c, { execID }));
    ctx.events.publish('container', `exec_start: ${command}`, c.id, eventAttributes(c, { execID }));
    let entry: HealthLogEntry;
    try {
      const r = await runProbe(ctx, c, args, { timeoutMs });
      ctx.events.publish('container', 'exec_die', c.id, eventAttributes(c, { execID, exitCode: String(r.timedOut ? 137 : r.code) }));
      entry = {
        Start: start,
        End: nowRfc3339Nano(),
        ExitCode: r.code,
        Output: r.timedOut ? `Health check exceeded timeout (${goDuration(timeoutMs)})` : r.output,
      };
    } catch (e) {
      entry = { Start: start, End: nowRfc3339Nano(), ExitCode: -1, Output: String((e as Error)?.message ?? e) };
    }
    // The container may have stopped (and its monitor with it) while the probe ran.
    if (!this.timers.has(c.id) || !c.state.Running || !c.state.Health) return;
    const before = c.state.Health.Status;
    const inStartPeriod = Date.now() - Date.parse(c.state.StartedAt) < nsToMs(hc.StartPeriod);
    c.state.Health = applyProbe(c.state.Health, entry, hc.Retries || DEFAULT_RETRIES, inStartPeriod);
    await ctx.containers.save(c).catch((e: unknown) => ctx.log.warn('saving health state failed', { id: c.id, error: String(e) }));
    if (c.state.Health.Status !== before) {
      ctx.events.publish('container', `health_status: ${c.state.Health.Status}`, c.id, eventAttributes(c));
    }
  }
}

function nsToMs(ns: number | undefined): number {
  return ns ? Math.round(ns / 1e6) : 0;
}
