import { ApiError } from '../../../api/client/api-client.js';
import { pullThroughDaemon } from '../registry/pull.js';
import { StatusError, type CliEnv } from '../../command.js';
import { isNoSuchImage } from './container-io.js';
import type { CreateRequest } from './create-flags.js';

/** Pull an image through the daemon, showing docker's progress on stderr. */
export async function pullImage(env: CliEnv, image: string, platform?: string, quiet = false): Promise<void> {
  await pullThroughDaemon(env, image, { platform, out: env.stderr, quiet, errorPrefix: 'berth: ', errorStatus: 125 });
}

/** `POST /containers/create`, pulling the image first when it is missing (docker's --pull=missing). */
export async function createContainer(env: CliEnv, req: CreateRequest, pull: string, quiet = false): Promise<string> {
  const create = () =>
    env.client.json<{ Id: string; Warnings?: string[] }>('POST', '/containers/create', { query: { name: req.name, platform: req.platform }, body: req.body });
  if (!['always', 'missing', 'never'].includes(pull)) throw new StatusError(`berth: invalid pull option: '${pull}': must be one of "always", "missing" or "never"`, 125);
  if (pull === 'always') await pullImage(env, req.image, req.platform, quiet);
  let r;
  try {
    r = await create();
  } catch (e) {
    if (!isNoSuchImage(e) || pull === 'never') throw e;
    env.stderr.write(`Unable to find image '${req.image.includes(':') || req.image.includes('@') ? req.image : `${req.image}:latest`}' locally\n`);
    try {
      await pullImage(env, req.image, req.platform, quiet);
    } catch (pe) {
      if (pe instanceof ApiError) throw new StatusError(`berth: Error response from daemon: ${pe.message}\nSee '${env.commandPath} --help'.`, 125);
      throw pe;
    }
    r = await create();
  }
  for (const w of r.Warnings ?? []) env.stderr.write(`WARNING: ${w}\n`);
  return r.Id;
}
