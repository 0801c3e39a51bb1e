import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { notFound } from '../../core/errors.js';
import { readJson, writeJsonAtomic } from '../../store/atomic-file.js';

/** What `POST /containers/{id}/exec` asked for (Docker's ExecConfig). */
export interface ExecConfig {
  User: string;
  Privileged: boolean;
  Tty: boolean;
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  DetachKeys: string;
  Env: string[];
  WorkingDir: string;
  Cmd: string[];
  ConsoleSize?: [number, number] | null;
}

/** One exec instance. Kept while its container exists (and a while after it exits). */
export interface ExecRecord {
  id: string;
  containerId: string;
  config: ExecConfig;
  /** The process was started (or its start was attempted): an exec runs at most once. */
  started: boolean;
  running: boolean;
  /** null until the process exited. */
  exitCode: number | null;
  pid: number;
  /** Why the exec was lost or failed, when it was. */
  error?: string;
}

/**
 * The exec instances, in memory, each also persisted as `<execRoot>/exec/<id>/exec.json`
 * once started: conmon keeps an exec running when the daemon dies, and a restarted daemon
 * finds it there. Exec state does not survive a reboot, like the processes it describes.
 */
export class ExecStore {
  private readonly byId = new Map<string, ExecRecord>();

  constructor(readonly root: string) {}

  dir(id: string): string {
    return join(this.root, id);
  }

  add(rec: ExecRecord): void {
    this.byId.set(rec.id, rec);
  }

  /** By full ID or a unique prefix, as dockerd resolves exec IDs. */
  get(ref: string): ExecRecord {
    const exact = this.byId.get(ref);
    if (exact) return exact;
    const hits = ref.length >= 1 ? [...this.byId.values()].filter((r) => r.id.startsWith(ref)) : [];
    if (hits.length === 1) return hits[0]!;
    throw notFound(`No such exec instance: ${ref}`);
  }

  forContainer(containerId: string): ExecRecord[] {
    return [...this.byId.values()].filter((r) => r.containerId === containerId);
  }

  async save(rec: ExecRecord): Promise<void> {
    this.byId.set(rec.id, rec);
    await writeJsonAtomic(join(this.dir(rec.id), 'exec.json'), rec);
  }

  async delete(id: string): Promise<void> {
    this.byId.delete(id);
    await rm(this.dir(id), { recursive: true, force: true });
  }

  /** Records persisted by an earlier daemon (for restore). */
  async loadPersisted(): Promise<ExecRecord[]> {
    const out: ExecRecord[] = [];
    for (const name of await readdir(this.root).catch(() => [] as string[])) {
      const rec = await readJson<ExecRecord>(join(this.root, name, 'exec.json')).catch(() => undefined);
      if (rec && rec.id === name) out.push(rec);
      else await rm(join(this.root, name), { recursive: true, force: true });
    }
    return out;
  }
}
