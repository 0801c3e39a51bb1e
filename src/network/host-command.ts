import { spawn } from 'node:child_process';
import { EngineError, internal } from '../core/errors.js';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run a host program (ip, iptables, unshare, a CNI plugin) to completion; no shell. */
export function runCommand(file: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => reject(internal(`cannot run ${file}: ${e.message}`, e)));
    child.on('close', (code, sig) =>
      resolve({ code: code ?? (sig ? 128 : 1), stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }),
    );
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input);
  });
}

/** Like runCommand, but a non-zero exit is an Internal error quoting the program's stderr. */
export async function mustRun(file: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  const r = await runCommand(file, args, opts);
  if (r.code !== 0) {
    throw new EngineError('Internal', `${file} ${args.join(' ')}: ${(r.stderr.trim() || r.stdout.trim() || `exit status ${r.code}`).split('\n').filter((l) => !l.startsWith('# Warning')).join(' ')}`);
  }
  return r.stdout;
}
