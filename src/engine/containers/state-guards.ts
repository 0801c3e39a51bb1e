import { conflict, EngineError } from '../../core/errors.js';
import type { ContainerRecord } from './container-record.js';

/**
 * The container state machine's guards, in one place: every verb asks here
 * whether it may act, and gets Docker's error when it may not.
 */
export const guards = {
  start(c: ContainerRecord): 'ok' | 'already-running' {
    if (c.state.Paused) throw conflict(`cannot start a paused container, try unpause instead`);
    if (c.state.Running) return 'already-running';
    if (c.removing) throw conflict(`container is marked for removal and cannot be started`);
    if (c.state.Dead) throw conflict(`container is marked for removal and cannot be started`);
    return 'ok';
  },
  kill(c: ContainerRecord): void {
    if (!c.state.Running) throw conflict(`Cannot kill container: ${c.id}: Container ${c.id} is not running`);
  },
  stop(c: ContainerRecord): 'ok' | 'not-running' {
    return c.state.Running ? 'ok' : 'not-running';
  },
  remove(c: ContainerRecord, force: boolean): void {
    if (c.state.Restarting && !force) {
      throw conflict(`You cannot remove a restarting container ${c.id}. Stop the container before attempting removal or force remove`);
    }
    if (c.state.Running && !force) {
      const what = c.state.Paused ? 'paused' : 'running';
      throw conflict(
        `You cannot remove a ${what} container ${c.id}. ${c.state.Paused ? 'Unpause and then stop' : 'Stop'} the container before attempting removal or force remove`,
      );
    }
  },
  pause(c: ContainerRecord): void {
    if (!c.state.Running) throw conflict(`Container ${c.id} is not running`);
    if (c.state.Paused) throw conflict(`Container ${c.id} is already paused`);
  },
  unpause(c: ContainerRecord): void {
    if (!c.state.Paused) throw conflict(`Container ${c.id} is not paused`);
  },
  exec(c: ContainerRecord): void {
    if (!c.state.Running) throw conflict(`container ${c.id} is not running`);
    if (c.state.Paused) throw conflict(`Container ${c.id} is paused, unpause the container before exec`);
  },
  resize(c: ContainerRecord): void {
    if (!c.state.Running) throw conflict(`Container ${c.id} is not running`);
  },
  attach(c: ContainerRecord): void {
    if (c.state.Paused) throw conflict(`You cannot attach to a paused container, unpause it first`);
    if (!c.state.Running && c.state.Status !== 'created') throw conflict(`You cannot attach to a stopped container, start it first`);
  },
};

export function isConflict(e: unknown): e is EngineError {
  return e instanceof EngineError && e.code === 'Conflict';
}
