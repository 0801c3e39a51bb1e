import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Process, RuntimeSpec } from '../../oci/runtime-spec.js';
import type { EngineContext } from '../engine-context.js';

/**
 * The container's own OCI process from its bundle's config.json (user, env, cwd, capabilities,
 * security options), without its console size: the base every exec and health probe starts from.
 */
export async function readContainerProcess(ctx: EngineContext, id: string): Promise<Process> {
  const spec = JSON.parse(await readFile(join(ctx.containers.dir(id), 'config.json'), 'utf8')) as RuntimeSpec;
  const proc: Process = { ...spec.process };
  delete proc.consoleSize;
  return proc;
}
