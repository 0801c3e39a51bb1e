import type { RestartPolicy } from '../../core/container-types.js';
import { ZERO_TIME } from '../../core/container-types.js';
import type { ContainerRecord } from './container-record.js';
import type { ContainerService } from './container-service.js';
import { startLocked } from './start-container.js';

/** Docker's restart manager constants (moby restartmanager): 100 ms, doubling, at most a minute. */
export const BACKOFF_START_MS = 100;
export const BACKOFF_MAX_MS = 60_000;
/** A container that ran this long starts its backoff again from the beginning. */
export const BACKOFF_RESET_AFTER_MS = 10_000;

/**
 * Does this exit call for a restart? Docker's rule: `always` restarts unless the restart was
 * cancelled by a stop; `unless-stopped` also not after the user stopped or killed it;
 * `on-failure[:N]` restarts a non-zero exit while fewer than N restarts happened (0 = no limit).
 */
export function shouldRestart(policy: RestartPolicy | undefined, exitCode: number, manuallyStopped: boolean, restartCount: number): boolean {
  switch (policy?.Name) {
    case 'always':
      return true;
    case 'unless-stopped':
      return !manuallyStopped;
    case 'on-failure': {
      const max = policy.MaximumRetryCount;
      return exitCode !== 0 && (max === 0 || restartCount < max);
    }
    default:
      return false;
  }
}

/** The next backoff delay: reset after a long enough run, else double (capped). */
export function nextDelay(previousMs: number | undefined, ranForMs: number): number {
  if (previousMs === undefined || ranForMs >= BACKOFF_RESET_AFTER_MS) return BACKOFF_START_MS;
  return Math.min(previousMs * 2, BACKOFF_MAX_MS);
}

/**
 * Restart policies: after each exit a container whose policy says so is marked `restarting` and
 * started again after the backoff delay. A user's stop (or rm) cancels what is pending and
 * keeps the exit it causes from restarting the container; a user's start clears that again.
 */
export class RestartPolicies {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly delays = new Map<string, number>();
  private readonly cancelled = new Set<string>();

  constructor(private readonly svc: ContainerService) {}

  /** A user started or restarted the container: its policy applies again, from a fresh backoff and count. */
  reset(c: ContainerRecord): void {
    this.cancelled.delete(c.id);
    this.delays.delete(c.id);
    c.restartCount = 0;
  }

  /** A user stopped or removed the container: no restart for the exit this causes. */
  async cancel(c: ContainerRecord): Promise<void> {
    this.cancelled.add(c.id);
    const t = this.timers.get(c.id);
    if (t) clearTimeout(t);
    this.timers.delete(c.id);
    if (c.state.Restarting) {
      c.state = { ...c.state, Restarting: false, Status: 'exited' };
      await this.svc.ctx.containers.save(c);
    }
  }

  forget(id: string): void {
    this.cancelled.delete(id);
    this.delays.delete(id);
    const t = this.timers.get(id);
    if (t) clearTimeout(t);
    this.timers.delete(id);
  }

  close(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  /** The exit hook: schedule a restart when the policy asks for one. */
  async onExit(c: ContainerRecord): Promise<void> {
    if (this.cancelled.has(c.id) || !this.svc.ctx.containers.find(c.id)) return;
    if (!shouldRestart(c.hostConfig.RestartPolicy, c.state.ExitCode, c.manuallyStopped, c.restartCount)) return;
    const ranFor = Date.parse(c.state.FinishedAt) - Date.parse(c.state.StartedAt);
    const delay = nextDelay(this.delays.get(c.id), Number.isFinite(ranFor) ? ranFor : 0);
    this.delays.set(c.id, delay);
    // dockerd counts the restart when it decides on it, so inspect shows it during the wait.
    c.restartCount++;
    c.state = { ...c.state, Restarting: true, Status: 'restarting' };
    await this.svc.ctx.containers.save(c);
    this.schedule(c, delay);
  }

  /**
   * At daemon start: containers the policy wants running come back (dockerd's AutoRestart):
   * `always` even after a user's stop, `unless-stopped` only if the user did not stop it,
   * and one whose restart was pending when the daemon went down.
   */
  restore(): void {
    for (const c of this.svc.ctx.containers.all()) {
      if (c.state.Running || c.state.StartedAt === ZERO_TIME || c.removing) continue;
      const p = c.hostConfig.RestartPolicy;
      const want = p?.Name === 'always' || (!c.manuallyStopped && shouldRestart(p, c.state.ExitCode, false, c.restartCount));
      if (!want) continue;
      this.schedule(c, 0);
    }
  }

  private schedule(c: ContainerRecord, delay: number): void {
    const old = this.timers.get(c.id);
    if (old) clearTimeout(old);
    const timer = setTimeout(() => {
      this.timers.delete(c.id);
      void this.restartNow(c);
    }, delay);
    timer.unref();
    this.timers.set(c.id, timer);
  }

  private async restartNow(c: ContainerRecord): Promise<void> {
    const { ctx } = this.svc;
    try {
      await ctx.containers.locks.run(c.id, async () => {
        if (this.cancelled.has(c.id) || !ctx.containers.find(c.id) || c.state.Running || c.removing) return;
        await startLocked(this.svc, c);
      });
    } catch (e) {
      // dockerd gives up when a policy restart fails to start, and records why.
      ctx.log.warn('restart policy: starting the container failed', { id: c.id, error: String(e) });
      c.state = { ...c.state, Restarting: false, Status: 'exited' };
      await ctx.containers.save(c).catch(() => {});
    }
  }
}
