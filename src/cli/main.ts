import { ApiClient, ApiError, ConnectError } from '../api/client/api-client.js';
import { StatusError, type CliEnv, type Command } from './command.js';
import { autostartDaemon } from './daemon-autostart.js';
import { helpText, parseFlags, UsageError } from './flags.js';
import { DEFAULT_HOST, socketPathOf } from './host.js';
import { COMMANDS, TOP_LEVEL_HELP } from './registry.js';

/** Global flags come before the command name, as with docker. */
function splitGlobal(argv: string[]): { host?: string; debug: boolean; rest: string[]; version: boolean; help: boolean } {
  let host: string | undefined;
  let debug = false;
  let version = false;
  let help = false;
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-H' || a === '--host') host = argv[++i];
    else if (a.startsWith('--host=')) host = a.slice(7);
    else if (a.startsWith('-H') && a.length > 2) host = a.slice(2);
    else if (a === '-D' || a === '--debug') debug = true;
    else if (a === '-v' || a === '--version') version = true;
    else if (a === '-h' || a === '--help') help = true;
    else if (a === '--log-level' || a === '-l') i++;
    else break;
  }
  return { host, debug, rest: argv.slice(i), version, help };
}

async function resolveCommand(words: string[]): Promise<{ cmd: Command; path: string[]; rest: string[] } | undefined> {
  for (const n of [3, 2, 1]) {
    const key = words.slice(0, n).join(' ');
    const loader = COMMANDS[key];
    if (words.length >= n && loader) return { cmd: (await loader()).default, path: words.slice(0, n), rest: words.slice(n) };
  }
  return undefined;
}

export async function main(argv: string[]): Promise<number> {
  const g = splitGlobal(argv);
  const stderr = process.stderr;
  if (g.version && g.rest.length === 0) {
    const { BERTH_VERSION } = await import('../core/version.js');
    process.stdout.write(`berth version ${BERTH_VERSION}\n`);
    return 0;
  }
  if (g.rest.length === 0 || (g.help && g.rest.length === 0) || g.rest[0] === 'help') {
    process.stdout.write(TOP_LEVEL_HELP);
    return 0;
  }
  const found = await resolveCommand(g.rest);
  if (!found) {
    stderr.write(`berth: '${g.rest[0]}' is not a berth command.\nSee 'berth --help'\n`);
    return 1;
  }
  const { cmd, path, rest } = found;
  const commandPath = `berth ${path.join(' ')}`;
  const explicitHost = g.host ?? process.env.BERTH_HOST;
  const host = explicitHost ?? DEFAULT_HOST;
  try {
    const socketPath = socketPathOf(host);
    const specs = [...cmd.flags, { name: 'help', type: 'bool' as const, description: 'Print usage', hidden: true }];
    const parsed = parseFlags(rest, specs, { interspersed: cmd.interspersed });
    if (parsed.flags.help) {
      process.stdout.write(helpText(`${commandPath} ${cmd.usage}`, cmd.description, cmd.flags));
      return 0;
    }
    if (cmd.minArgs !== undefined && parsed.args.length < cmd.minArgs) {
      throw new UsageError(`"${commandPath}" requires ${cmd.minArgs === 1 ? 'at least 1 argument' : `at least ${cmd.minArgs} arguments`}.`);
    }
    if (cmd.maxArgs !== undefined && parsed.args.length > cmd.maxArgs) {
      throw new UsageError(`"${commandPath}" accepts ${cmd.maxArgs === 0 ? 'no arguments' : `at most ${cmd.maxArgs} argument${cmd.maxArgs > 1 ? 's' : ''}`}.`);
    }
    // Only the default socket gets a daemon started on demand; an explicit host is the user's business.
    const client = new ApiClient(socketPath, explicitHost ? undefined : () => autostartDaemon(socketPath, stderr));
    const env: CliEnv = { client, commandPath, stdout: process.stdout, stderr, stdin: process.stdin, debug: g.debug };
    return await cmd.run(env, parsed);
  } catch (e) {
    const prefix = cmd.failureExit === 125 ? 'berth: ' : '';
    if (e instanceof UsageError) {
      stderr.write(`${prefix}${e.message}\nSee '${commandPath} --help'.\n`);
      return 125;
    }
    if (e instanceof ApiError) {
      stderr.write(`${prefix}Error response from daemon: ${e.message}\n`);
      if (cmd.failureExit === 125) stderr.write(`See '${commandPath} --help'.\n`);
      return cmd.failureExit ?? 1;
    }
    if (e instanceof StatusError) {
      if (e.message) stderr.write(`${e.message}\n`);
      return e.status;
    }
    if (e instanceof ConnectError) {
      stderr.write(`${e.message}\n`);
      return cmd.failureExit ?? 1;
    }
    stderr.write(`${prefix}${g.debug && e instanceof Error ? e.stack : e instanceof Error ? e.message : String(e)}\n`);
    return cmd.failureExit ?? 1;
  }
}
