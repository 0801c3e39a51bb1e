import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { conflict, invalidArgument, notFound } from '../../core/errors.js';
import { readJson, writeJsonAtomic } from '../../store/atomic-file.js';
import { KeyLock } from '../../store/key-lock.js';
import type { ContainerRecord } from './container-record.js';

const NAME_RE = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/**
 * Container records: memory is the read path, `containers/<id>/container.json`
 * the durable copy. Holds the name index and the per-container lock.
 */
export class ContainerStore {
  private readonly byId = new Map<string, ContainerRecord>();
  private readonly byName = new Map<string, string>();
  readonly locks = new KeyLock();

  constructor(readonly root: string) {}

  dir(id: string): string {
    return join(this.root, id);
  }

  async init(): Promise<ContainerRecord[]> {
    await mkdir(this.root, { recursive: true, mode: 0o700 });
    const broken: string[] = [];
    for (const id of await readdir(this.root)) {
      const rec = await readJson<ContainerRecord>(join(this.root, id, 'container.json')).catch(() => undefined);
      if (!rec) {
        broken.push(id);
        continue;
      }
      this.byId.set(rec.id, rec);
      this.byName.set(rec.name, rec.id);
    }
    // A directory without a record is a create that crashed before it was committed.
    for (const id of broken) await rm(join(this.root, id), { recursive: true, force: true });
    return [...this.byId.values()];
  }

  all(): ContainerRecord[] {
    return [...this.byId.values()];
  }

  /** Docker's lookup order: full ID, exact name, then a unique ID prefix. */
  find(ref: string): ContainerRecord | undefined {
    const direct = this.byId.get(ref);
    if (direct) return direct;
    const byName = this.byName.get(ref.startsWith('/') ? ref : `/${ref}`);
    if (byName) return this.byId.get(byName);
    if (!/^[a-f0-9]+$/.test(ref)) return undefined;
    let found: ContainerRecord | undefined;
    for (const [id, rec] of this.byId) {
      if (id.startsWith(ref)) {
        if (found) throw invalidArgument(`multiple IDs found with provided prefix: ${ref}`);
        found = rec;
      }
    }
    return found;
  }

  get(ref: string): ContainerRecord {
    const rec = this.find(ref);
    if (!rec) throw notFound(`No such container: ${ref}`);
    return rec;
  }

  /** Reserve a name (with leading slash); 409 if another container holds it. */
  reserveName(name: string, id: string): void {
    if (!NAME_RE.test(name)) throw invalidArgument(`Invalid container name (${name.replace(/^\//, '')}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    const full = name.startsWith('/') ? name : `/${name}`;
    const holder = this.byName.get(full);
    if (holder && holder !== id) {
      throw conflict(
        `Conflict. The container name "${full}" is already in use by container "${holder}". You have to remove (or rename) that container to be able to reuse that name.`,
      );
    }
    this.byName.set(full, id);
  }

  releaseName(name: string): void {
    this.byName.delete(name);
  }

  nameTaken(name: string): boolean {
    return this.byName.has(name.startsWith('/') ? name : `/${name}`);
  }

  async save(rec: ContainerRecord): Promise<void> {
    this.byId.set(rec.id, rec);
    await writeJsonAtomic(join(this.root, rec.id, 'container.json'), rec);
  }

  async delete(rec: ContainerRecord): Promise<void> {
    this.byId.delete(rec.id);
    if (this.byName.get(rec.name) === rec.id) this.byName.delete(rec.name);
    await rm(join(this.root, rec.id), { recursive: true, force: true });
  }
}
