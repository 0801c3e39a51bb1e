import { arch } from 'node:os';
import { ConnectError } from '../../../api/client/api-client.js';
import { BERTH_VERSION } from '../../../core/version.js';
import { StatusError, type Command } from '../../command.js';
import { compileTemplate } from '../../format/go-template.js';

interface ServerVersion {
  Version: string;
  ApiVersion: string;
  MinAPIVersion: string;
  GitCommit: string;
  GoVersion: string;
  Os: string;
  Arch: string;
  KernelVersion: string;
  BuildTime?: string;
  Platform?: { Name: string };
}

const CLIENT_API = '1.50';

const command: Command = {
  usage: '[OPTIONS]',
  description: 'Show the berth version information',
  flags: [{ name: 'format', short: 'f', type: 'string', description: 'Format output using a custom template' }],
  maxArgs: 0,
  async run(env, p) {
    const client = {
      Platform: { Name: 'berth' },
      Version: BERTH_VERSION,
      ApiVersion: CLIENT_API,
      DefaultAPIVersion: CLIENT_API,
      GitCommit: 'berth',
      GoVersion: `node${process.versions.node}`,
      Os: 'linux',
      Arch: arch() === 'x64' ? 'amd64' : arch(),
      BuildTime: '',
      Context: 'default',
    };
    let server: ServerVersion | undefined;
    let serverError: Error | undefined;
    try {
      server = await env.client.json<ServerVersion>('GET', '/version');
    } catch (e) {
      serverError = e as Error;
    }
    const format = p.flags.format as string | undefined;
    if (format) {
      const out = format === 'json' ? JSON.stringify({ Client: client, Server: server ?? null }) : compileTemplate(format).execute({ Client: client, Server: server ?? null });
      env.stdout.write(`${out}\n`);
    } else {
      const lines = [
        'Client:',
        ` Version:           ${client.Version}`,
        ` API version:       ${client.ApiVersion}`,
        ` Go version:        ${client.GoVersion}`,
        ` Git commit:        ${client.GitCommit}`,
        ` OS/Arch:           ${client.Os}/${client.Arch}`,
        ` Context:           ${client.Context}`,
      ];
      if (server) {
        lines.push(
          '',
          `Server: ${server.Platform?.Name ?? ''}`.trimEnd(),
          ' Engine:',
          `  Version:          ${server.Version}`,
          `  API version:      ${server.ApiVersion} (minimum version ${server.MinAPIVersion})`,
          `  Go version:       ${server.GoVersion}`,
          `  Git commit:       ${server.GitCommit}`,
          `  OS/Arch:          ${server.Os}/${server.Arch}`,
          `  Kernel version:   ${server.KernelVersion}`,
        );
      }
      env.stdout.write(`${lines.join('\n')}\n`);
    }
    if (serverError) {
      if (serverError instanceof ConnectError) throw new StatusError(serverError.message, 1);
      throw serverError;
    }
    return 0;
  },
};

export default command;
