/**
 * Progress of a pull, push or load, in the terms of Docker's JSON message stream
 * (status / id / progressDetail / aux); the API layer renders it on the wire.
 */
export interface ProgressEvent {
  id?: string;
  status?: string;
  current?: number;
  total?: number;
  aux?: Record<string, unknown>;
  /** Plain text output (`docker load` prints "Loaded image: ..."). */
  stream?: string;
}

export type ProgressFn = (e: ProgressEvent) => void;

/** Rate-limit byte progress per id (at most every 100 ms), always letting the final count through. */
export function throttled(report: ProgressFn, id: string, status: string, total: number | undefined, intervalMs = 100): (n: number) => void {
  let last = 0;
  return (n: number) => {
    const now = Date.now();
    if (now - last < intervalMs && n !== total) return;
    last = now;
    report({ id, status, current: n, total });
  };
}

/** A pool running at most `limit` tasks at once. */
export function limiter(limit: number): <T>(fn: () => Promise<T>, onQueued?: () => void) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>, onQueued?: () => void): Promise<T> => {
    if (active >= limit) {
      onQueued?.();
      await new Promise<void>((r) => queue.push(r));
    }
    active++;
    try {
      return await fn();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}
