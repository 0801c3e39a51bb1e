export type WaitCondition = 'not-running' | 'next-exit' | 'removed';

export interface WaitResult {
  StatusCode: number;
  Error: { Message: string } | null;
}

/** Promises for "this container exited" and "this container was removed". */
export class ExitWaiters {
  private readonly exits = new Map<string, ((r: WaitResult) => void)[]>();
  private readonly removals = new Map<string, ((r: WaitResult) => void)[]>();

  nextExit(id: string): Promise<WaitResult> {
    return new Promise((r) => push(this.exits, id, r));
  }

  removed(id: string): Promise<WaitResult> {
    return new Promise((r) => push(this.removals, id, r));
  }

  exited(id: string, code: number): void {
    for (const r of take(this.exits, id)) r({ StatusCode: code, Error: null });
  }

  wasRemoved(id: string, code: number): void {
    for (const r of take(this.exits, id)) r({ StatusCode: code, Error: null });
    for (const r of take(this.removals, id)) r({ StatusCode: code, Error: null });
  }
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
