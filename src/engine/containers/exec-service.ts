import { watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { conflict } from '../../core/errors.js';
import { execExitFile, resizeConsole } from '../../runtime/conmon-driver.js';
import type { ContainerService } from './container-service.js';
import { createExec } from './create-exec.js';
import { ExecStore, type ExecConfig, type ExecRecord } from './exec-record.js';
import { checkExecStart, startExec, type ExecStartOptions, type ExecStarted } from './start-exec.js';

/** How long an exited exec stays inspectable (dockerd collects them after about as long). */
const KEEP_EXITED_MS = 5 * 60_000;

/**
 * Exec instances: `docker exec` create, start, resize, inspect, and their recovery after
 * a daemon restart. Each started exec has its own conmon; see start-exec.ts.
 */
export class ExecService {
  readonly store: ExecStore;
  private readonly exitWaiters = new Map<string, (() => void)[]>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(readonly containers: ContainerService) {
    this.store = new ExecStore(join(containers.ctx.paths.execRoot, 'exec'));
    containers.onRemove(async (c) => {
      for (const rec of this.store.forContainer(c.id)) await this.store.delete(rec.id);
    });
  }

  create(containerRef: string, config: Partial<ExecConfig>): ExecRecord {
    return createExec(this, containerRef, config);
  }

  start(ref: string, opts: ExecStartOptions): Promise<ExecStarted> {
    return startExec(this, ref, opts);
  }

  /** Throws the error a start would fail with before anything runs (for the API, before it hijacks). */
  checkStart(ref: string): ExecRecord {
    return checkExecStart(this, ref).rec;
  }

  get(ref: string): ExecRecord {
    return this.store.get(ref);
  }

  async resize(ref: string, height: number, width: number): Promise<void> {
    const rec = this.store.get(ref);
    // Clients resize right after the start request, which may still be setting the process up.
    for (let i = 0; i < 250 && rec.started && !rec.running && rec.exitCode === null; i++) await new Promise((r) => setTimeout(r, 20));
    if (!rec.running) throw conflict(`exec ${rec.id} is not running`);
    if (!rec.config.Tty) return;
    await resizeConsole(this.store.dir(rec.id), height, width);
  }

  /** Resolves once the exec has exited (at once if it has). */
  exited(rec: ExecRecord): Promise<void> {
    if (rec.exitCode !== null) return Promise.resolve();
    return new Promise((r) => {
      const list = this.exitWaiters.get(rec.id) ?? [];
      list.push(r);
      this.exitWaiters.set(rec.id, list);
    });
  }

  /** Follow a started exec to its exit: conmon's report on the sync pipe, else its exit file. */
  watch(rec: ExecRecord, reported: Promise<number | undefined>): void {
    void reported
      .then(async (code) => this.finish(rec, code ?? (await this.readExit(rec)) ?? 255))
      .catch((e: unknown) => this.containers.ctx.log.warn('recording an exec exit failed', { id: rec.id, error: String(e) }));
  }

  /** Record the exit of an exec and tell whoever waits for it. */
  async finish(rec: ExecRecord, code: number, error?: string): Promise<void> {
    if (rec.exitCode !== null && !rec.running) return;
    rec.running = false;
    rec.exitCode = code;
    if (error) rec.error = error;
    if (this.store.get(rec.id) === rec) await this.store.save(rec).catch(() => {});
    this.exitedNow(rec);
  }

  /** Wake waiters and schedule the record's removal. */
  exitedNow(rec: ExecRecord): void {
    for (const r of this.exitWaiters.get(rec.id) ?? []) r();
    this.exitWaiters.delete(rec.id);
    const t = setTimeout(() => {
      this.timers.delete(t);
      const c = this.containers.ctx.containers.find(rec.containerId);
      if (c) c.execIds = c.execIds.filter((x) => x !== rec.id);
      void this.store.delete(rec.id).catch(() => {});
    }, KEEP_EXITED_MS);
    t.unref();
    this.timers.add(t);
  }

  async readExit(rec: ExecRecord): Promise<number | undefined> {
    const text = await readFile(execExitFile(this.store.dir(rec.id), rec.containerId), 'utf8').catch(() => undefined);
    const n = text === undefined ? NaN : Number.parseInt(text.trim(), 10);
    return Number.isFinite(n) ? n : undefined;
  }

  /**
   * After a daemon restart: execs whose conmon is still running are followed through their
   * exit file; those that ended meanwhile get the code conmon recorded; an exec whose monitor
   * vanished without a record is reported as exited 255 with an error saying so.
   */
  async restore(): Promise<void> {
    for (const rec of await this.store.loadPersisted()) {
      const c = this.containers.ctx.containers.find(rec.containerId);
      if (!c) {
        await this.store.delete(rec.id);
        continue;
      }
      this.store.add(rec);
      if (!c.execIds.includes(rec.id)) c.execIds.push(rec.id);
      if (!rec.running) continue;
      const code = await this.readExit(rec);
      if (code !== undefined) await this.finish(rec, code);
      else if (rec.pid > 0 && alive(rec.pid)) this.followExitFile(rec);
      else await this.finish(rec, 255, 'the exec process was lost while the daemon was down');
    }
  }

  private followExitFile(rec: ExecRecord): void {
    const exitDir = join(this.store.dir(rec.id), 'exit');
    const check = async () => {
      const code = await this.readExit(rec);
      if (code !== undefined) {
        w.close();
        await this.finish(rec, code);
      } else if (!alive(rec.pid)) {
        // conmon writes the file right after the process exits; give it a moment.
        setTimeout(() => void this.readExit(rec).then((c) => (w.close(), this.finish(rec, c ?? 255))), 500).unref();
      }
    };
    const w = watch(exitDir, () => void check());
    w.unref();
    void check();
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
