import { nowNs } from '../core/clock.js';

/**
 * Docker-shaped events (https://docs.docker.com/engine/api/v1.41/#operation/SystemEvents):
 * a live fan-out plus a bounded in-memory history for --since/--until replay.
 */
export interface EngineEvent {
  Type: 'container' | 'image' | 'volume' | 'network' | 'daemon' | 'plugin' | 'node' | 'service' | 'secret' | 'config' | 'builder';
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: 'local';
  time: number;
  timeNano: number;
}

type Listener = (e: EngineEvent) => void;

export class EventBus {
  private readonly history: EngineEvent[] = [];
  private readonly listeners = new Set<Listener>();

  constructor(private readonly capacity = 1024) {}

  publish(type: EngineEvent['Type'], action: string, id: string, attributes: Record<string, string> = {}): EngineEvent {
    const ns = nowNs();
    const e: EngineEvent = {
      Type: type,
      Action: action,
      Actor: { ID: id, Attributes: attributes },
      scope: 'local',
      time: Number(ns / 1_000_000_000n),
      timeNano: Number(ns),
    };
    this.history.push(e);
    if (this.history.length > this.capacity) this.history.shift();
    for (const l of this.listeners) l(e);
    return e;
  }

  /** Events recorded so far (oldest first). */
  past(): readonly EngineEvent[] {
    return this.history;
  }

  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
}
