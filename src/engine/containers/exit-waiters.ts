export type WaitCondition = 'not-running' | 'next-exit' | 'removed';

export interface WaitResult {
  StatusCode: number;
  Error: { Message: string } | null;
}

/** Promises for "this container exited" and "this container was removed". */
export class ExitWaiters {
  private readonly exits = new Map<string, ((r: WaitResult) => void)[]>();
  private readonly removals = new Map<string, ((r: WaitResult) => void)[]>();

  /** With `signal`: a waiter that gives up (its client left) is dropped, so none accumulate. */
  nextExit(id: string, signal?: AbortSignal): Promise<WaitResult> {
    return waitIn(this.exits, id, signal);
  }

  removed(id: string, signal?: AbortSignal): Promise<WaitResult> {
    return waitIn(this.removals, id, signal);
  }

  /** Waiters registered (for leak checks). */
  get size(): number {
    let n = 0;
    for (const l of [...this.exits.values(), ...this.removals.values()]) n += l.length;
    return n;
  }

  exited(id: string, code: number): void {
    for (const r of take(this.exits, id)) r({ StatusCode: code, Error: null });
  }

  wasRemoved(id: string, code: number): void {
    for (const r of take(this.exits, id)) r({ StatusCode: code, Error: null });
    for (const r of take(this.removals, id)) r({ StatusCode: code, Error: null });
  }
}

function waitIn(m: Map<string, ((r: WaitResult) => void)[]>, id: string, signal?: AbortSignal): Promise<WaitResult> {
  return new Promise((resolve) => {
    if (signal?.aborted) return;
    push(m, id, resolve);
    signal?.addEventListener(
      'abort',
      () => {
        const list = m.get(id)?.filter((r) => r !== resolve) ?? [];
        if (list.length) m.set(id, list);
        else m.delete(id);
      },
      { once: true },
    );
  });
}

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

function take<T>(m: Map<string, T[]>, k: string): T[] {
  const list = m.get(k) ?? [];
  m.delete(k);
  return list;
}
