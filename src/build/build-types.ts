import type { Digest } from '../core/digest.js';
import { EngineError } from '../core/errors.js';
import type { Reference } from '../core/reference.js';
import type { IgnoreMatcher } from '../core/dockerignore.js';

/** Where the context lives once the daemon has it: a directory (extracted tar, or the client's own). */
export interface ContextSource {
  root: string;
  ignore: IgnoreMatcher;
  /** Names that are not part of the context (a Dockerfile the client added under a random name). */
  hidden: Set<string>;
  /** Remove what was extracted for this build (nothing for a client directory). */
  release(): Promise<void>;
}

export interface BuildOptions {
  dockerfile: string;
  context: ContextSource;
  tags: Reference[];
  /** --build-arg; null means "take the value from the client's environment" (already resolved by then). */
  buildArgs: Record<string, string | null>;
  labels: Record<string, string>;
  noCache: boolean;
  pull: boolean;
  /** RUN's network: default, bridge, none, host. */
  network: string;
  target?: string;
  platform?: string;
  secrets: Map<string, Buffer>;
  extraHosts: string[];
  signal?: AbortSignal;
}

/** What a build reports while it runs: Docker's `stream` lines and `aux` objects. */
export interface BuildProgress {
  stream(text: string): void;
  aux(value: Record<string, unknown>): void;
}

export interface BuildResult {
  id: Digest;
  warnings: string[];
}

/** A RUN whose command exited non-zero: Docker reports the code in errorDetail. */
export class CommandFailedError extends EngineError {
  constructor(
    command: string,
    readonly exitCode: number,
  ) {
    super('FailedPrecondition', `The command '${command}' returned a non-zero code: ${exitCode}`);
  }
}

/** Build arguments Docker passes to RUN without a declaration, and keeps out of the history. */
export const PREDEFINED_ARGS = new Set([
  'HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy',
]);
