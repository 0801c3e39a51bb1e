import { ApiError } from '../../../api/client/api-client.js';
import type { CliEnv } from '../../command.js';

/**
 * Apply an action to every named container, as docker's multi-target commands
 * do: print each name on success, each daemon error on stderr, exit 1 if any failed.
 */
export async function forEachTarget(env: CliEnv, targets: string[], action: (t: string) => Promise<void>, opts: { echo?: boolean } = {}): Promise<number> {
  let failed = false;
  for (const t of targets) {
    try {
      await action(t);
      if (opts.echo !== false) env.stdout.write(`${t}\n`);
    } catch (e) {
      failed = true;
      env.stderr.write(e instanceof ApiError ? `Error response from daemon: ${e.message}\n` : `${(e as Error).message}\n`);
    }
  }
  return failed ? 1 : 0;
}
