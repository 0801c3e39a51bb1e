import type { CmdResult, Engine } from './engines.js';

/** What every workload may use: a scratch directory and the shared loopback registry. */
export interface BenchContext {
  work: string;
  /** host:port of the loopback registry both engines pull from. */
  registry: string;
  quick: boolean;
}

export interface Workload {
  id: string;
  title: string;
  unit: 'ms' | 'MB';
  /** Target ratio berth/docker (lower is better). */
  target: number;
  /** At most this many measured runs per engine (slow workloads). */
  maxRuns?: number;
  /** Prepare once per engine before the warm-up. */
  setup?: (e: Engine, ctx: BenchContext) => Promise<void>;
  /** One measurement: milliseconds, or MiB for memory workloads. */
  measure: (e: Engine, ctx: BenchContext) => Promise<number>;
  /** What limits berth here, for the report when the target is missed. */
  limit?: string;
}

/** The command's result, or an error quoting its last line of output. */
export function succeeded(r: CmdResult, what: string): CmdResult {
  if (r.code !== 0) throw new Error(`${what}: ${(r.stderr || r.stdout).trim().split('\n').pop()}`);
  return r;
}
