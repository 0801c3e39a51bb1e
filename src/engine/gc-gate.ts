/**
 * Leases against garbage collection: work that creates blobs or layers not yet
 * referenced by an image holds a lease, and collection waits until none is held,
 * so it can never delete what an import or pull is still assembling.
 */
export class GcGate {
  private active = 0;
  private collecting: Promise<void> | null = null;
  private idle: (() => void)[] = [];

  async lease<T>(fn: () => Promise<T>): Promise<T> {
    while (this.collecting) await this.collecting;
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      if (this.active === 0) for (const w of this.idle.splice(0)) w();
    }
  }

  /** Run `collect` when no lease is held; new leases wait until it finishes. */
  async exclusive(collect: () => Promise<void>): Promise<void> {
    while (this.collecting) await this.collecting;
    let done!: () => void;
    this.collecting = new Promise((r) => (done = r));
    try {
      if (this.active > 0) await new Promise<void>((r) => this.idle.push(r));
      await collect();
    } finally {
      this.collecting = null;
      done();
    }
  }
}
