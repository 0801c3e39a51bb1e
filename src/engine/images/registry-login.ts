import type { AuthConfig } from '../../distribution/registry-auth.js';
import { checkLogin } from '../../distribution/registry-login.js';
import type { EngineContext } from '../engine-context.js';

export type { AuthConfig };

/** `docker login` (POST /auth): check credentials against the registry they name. */
export async function registryLogin(ctx: EngineContext, creds: AuthConfig, signal?: AbortSignal): Promise<void> {
  await checkLogin(ctx.registries, creds, signal);
  ctx.log.info('registry login succeeded', { registry: creds.serveraddress ?? 'docker.io', user: creds.username ?? '' });
}
