import { EngineError, notFound } from '../core/errors.js';
import { execFile } from './exec-file.js';

export interface RuncState {
  id: string;
  pid: number;
  status: 'creating' | 'created' | 'running' | 'paused' | 'stopped';
  bundle: string;
}

/**
 * Thin driver for runc (https://github.com/opencontainers/runc): each method is
 * one runc verb. No state machine lives here; the engine owns that.
 */
export class RuncDriver {
  constructor(
    readonly binary: string,
    readonly stateRoot: string,
  ) {}

  private args(verb: string[], ): string[] {
    return [`--root=${this.stateRoot}`, ...verb];
  }

  private async run(verb: string[], what: string, input?: string): Promise<string> {
    const r = await execFile(this.binary, this.args(verb), { input });
    if (r.code !== 0) {
      const msg = runtimeMessage(r.stderr) || `runc ${verb[0]} exited with status ${r.code}`;
      if (/does not exist|not found/i.test(msg)) throw notFound(`${what}: ${msg}`);
      throw new EngineError('Internal', `${what}: ${msg}`);
    }
    return r.stdout;
  }

  async state(id: string): Promise<RuncState | undefined> {
    const r = await execFile(this.binary, this.args(['state', id]));
    if (r.code !== 0) return undefined;
    return JSON.parse(r.stdout) as RuncState;
  }

  async start(id: string): Promise<void> {
    await this.run(['start', id], `cannot start container ${id}`);
  }

  async kill(id: string, signal: string, all = false): Promise<void> {
    await this.run(['kill', ...(all ? ['--all'] : []), id, signal], `cannot kill container ${id}`);
  }

  async delete(id: string, force = false): Promise<void> {
    const r = await execFile(this.binary, this.args(['delete', ...(force ? ['--force'] : []), id]));
    if (r.code !== 0 && !/does not exist|not found/i.test(r.stderr)) {
      throw new EngineError('Internal', `cannot delete container ${id} from runc: ${runtimeMessage(r.stderr)}`);
    }
  }

  async pause(id: string): Promise<void> {
    await this.run(['pause', id], `cannot pause container ${id}`);
  }

  async resume(id: string): Promise<void> {
    await this.run(['resume', id], `cannot unpause container ${id}`);
  }

  /** `runc update` with a linux.resources JSON document on stdin. */
  async update(id: string, resources: object): Promise<void> {
    await this.run(['update', '--resources', '-', id], `cannot update container ${id}`, JSON.stringify(resources));
  }

  async ps(id: string): Promise<number[]> {
    const out = await this.run(['ps', '--format', 'json', id], `cannot list processes of ${id}`);
    return (JSON.parse(out) as number[] | null) ?? [];
  }
}

/**
 * runc logs errors as logrus lines: time="..." level=error msg="...". Pull the
 * msg values out so users see runc's sentence, not its log framing.
 */
export function runtimeMessage(stderr: string): string {
  const msgs: string[] = [];
  for (const line of stderr.split('\n')) {
    const m = /msg="((?:[^"\\]|\\.)*)"/.exec(line);
    if (m) msgs.push(m[1]!.replace(/\\(.)/g, '$1'));
    else if (line.trim()) msgs.push(line.trim());
  }
  return msgs.join(': ');
}
