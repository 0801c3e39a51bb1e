import { conflict, EngineError, invalidArgument } from '../../core/errors.js';
import { execFile } from '../../runtime/exec-file.js';
import type { ContainerService } from './container-service.js';

export interface TopResult {
  Titles: string[];
  Processes: string[][];
}

/**
 * `GET /containers/{id}/top?ps_args=`: run the host's `ps` with the user's arguments and keep
 * the rows whose PID belongs to the container, as dockerd does.
 */
export async function topContainer(svc: ContainerService, ref: string, psArgs = '-ef'): Promise<TopResult> {
  const { ctx } = svc;
  const c = ctx.containers.get(ref);
  if (!c.state.Running) throw conflict(`Container ${c.id} is not running`);
  if (c.state.Restarting) throw conflict(`Container ${c.id} is restarting, wait until the container is running`);
  const pids = new Set(await ctx.runc.ps(c.id));
  const args = psArgs.trim() ? psArgs.trim().split(/\s+/) : [];
  const r = await execFile('ps', args);
  if (r.code !== 0) throw new EngineError('Internal', `ps: ${r.stderr.trim() || `exit status ${r.code}`}`);
  return parsePs(r.stdout, pids);
}

/** Split `ps` output into titles and rows (the last column keeps its spaces), keeping the given PIDs. */
export function parsePs(output: string, pids: Set<number>): TopResult {
  const lines = output.split('\n').filter((l) => l.trim());
  const Titles = (lines[0] ?? '').trim().split(/\s+/);
  const pidIndex = Titles.indexOf('PID');
  if (pidIndex < 0) throw invalidArgument(`Couldn't find PID field in ps output`);
  const Processes: string[][] = [];
  for (const line of lines.slice(1)) {
    const fields = line.trim().split(/\s+/);
    const pid = Number(fields[pidIndex]);
    if (!Number.isInteger(pid)) throw invalidArgument(`Unexpected pid '${fields[pidIndex]}': invalid ps output`);
    if (!pids.has(pid)) continue;
    const head = fields.slice(0, Titles.length - 1);
    Processes.push([...head, fields.slice(Titles.length - 1).join(' ')]);
  }
  return { Titles, Processes };
}
