import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { invalidArgument, notFound } from '../../core/errors.js';
import { isAtomicTemp, readJson, writeJsonAtomic } from '../../store/atomic-file.js';
import type { NetworkRecord } from './network-types.js';

/** Network records, one JSON file each under `<data-root>/network/networks/`; memory is the read path. */
export class NetworkStore {
  private readonly byId = new Map<string, NetworkRecord>();

  constructor(readonly root: string) {}

  async init(): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: 0o700 });
    for (const f of await readdir(this.root)) {
      if (isAtomicTemp(f)) {
        await rm(join(this.root, f), { force: true });
        continue;
      }
      if (!f.endsWith('.json')) continue;
      const rec = await readJson<NetworkRecord>(join(this.root, f)).catch(() => undefined);
      if (rec?.Id) this.byId.set(rec.Id, rec);
    }
  }

  all(): NetworkRecord[] {
    return [...this.byId.values()].sort((a, b) => (a.Created < b.Created ? -1 : a.Created > b.Created ? 1 : a.Name.localeCompare(b.Name)));
  }

  /** Docker's lookup order: full ID, exact name, then a unique ID prefix. */
  find(ref: string): NetworkRecord | undefined {
    const direct = this.byId.get(ref);
    if (direct) return direct;
    const named = this.all().find((n) => n.Name === ref);
    if (named) return named;
    if (!/^[a-f0-9]+$/.test(ref)) return undefined;
    const matches = this.all().filter((n) => n.Id.startsWith(ref));
    if (matches.length > 1) throw invalidArgument(`network ${ref} is ambiguous (${matches.length} matches found based on ID prefix)`);
    return matches[0];
  }

  get(ref: string): NetworkRecord {
    const n = this.find(ref);
    if (!n) throw notFound(`network ${ref} not found`);
    return n;
  }

  async save(n: NetworkRecord): Promise<void> {
    this.byId.set(n.Id, n);
    await writeJsonAtomic(join(this.root, `${n.Id}.json`), n);
  }

  async delete(n: NetworkRecord): Promise<void> {
    this.byId.delete(n.Id);
    await rm(join(this.root, `${n.Id}.json`), { force: true });
  }
}
