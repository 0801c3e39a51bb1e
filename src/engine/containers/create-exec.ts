import { invalidArgument } from '../../core/errors.js';
import { parseDetachKeys } from '../../core/detach-keys.js';
import { newId } from '../../core/ids.js';
import type { ExecService } from './exec-service.js';
import type { ExecConfig, ExecRecord } from './exec-record.js';
import { guards } from './state-guards.js';

/** `POST /containers/{id}/exec`: register an exec instance in a running container. */
export function createExec(svc: ExecService, ref: string, body: Partial<ExecConfig>): ExecRecord {
  const c = svc.containers.get(ref);
  guards.exec(c);
  const cmd = body.Cmd ?? [];
  if (!Array.isArray(cmd) || cmd.length === 0 || cmd.some((a) => typeof a !== 'string')) throw invalidArgument('No exec command specified');
  if (body.DetachKeys) {
    try {
      parseDetachKeys(body.DetachKeys);
    } catch (e) {
      throw invalidArgument((e as Error).message);
    }
  }
  const size = body.ConsoleSize;
  if (size && (!Array.isArray(size) || size.length !== 2 || size.some((n) => !Number.isInteger(n) || n < 0))) {
    throw invalidArgument('invalid ConsoleSize: expected [height, width]');
  }
  const rec: ExecRecord = {
    id: newId(),
    containerId: c.id,
    config: {
      User: body.User ?? '',
      Privileged: Boolean(body.Privileged),
      Tty: Boolean(body.Tty),
      AttachStdin: Boolean(body.AttachStdin),
      AttachStdout: Boolean(body.AttachStdout),
      AttachStderr: Boolean(body.AttachStderr),
      DetachKeys: body.DetachKeys ?? '',
      Env: body.Env ?? [],
      WorkingDir: body.WorkingDir ?? '',
      Cmd: cmd,
      ConsoleSize: size ?? null,
    },
    started: false,
    running: false,
    exitCode: null,
    pid: 0,
  };
  svc.store.add(rec);
  c.execIds.push(rec.id);
  return rec;
}
