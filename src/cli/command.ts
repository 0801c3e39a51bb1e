import type { ApiClient } from '../api/client/api-client.js';
import type { FlagSpec, Parsed } from './flags.js';

/** What every command receives: a client for the daemon and the terminal streams. */
export interface CliEnv {
  client: ApiClient;
  /** e.g. "berth run", for messages like "See 'berth run --help'." */
  commandPath: string;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  debug: boolean;
}

export interface Command {
  usage: string;
  description: string;
  flags: FlagSpec[];
  /** false: flags end at the first argument (run, create, exec). */
  interspersed?: boolean;
  minArgs?: number;
  maxArgs?: number;
  /** Errors of this command exit 125, as `docker run`/`create` do (exec-style failures excepted). */
  failureExit?: number;
  run(env: CliEnv, p: Parsed): Promise<number>;
}

/** A command failed with a message to print and a status to exit with. */
export class StatusError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export function out(env: CliEnv, text: string): void {
  env.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`);
}
