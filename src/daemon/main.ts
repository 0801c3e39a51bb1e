import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { ApiServer } from '../api/server/api-server.js';
import { Engine } from '../engine/engine.js';
import { jsonLogger, type LogLevel } from './logger.js';

export const DEFAULT_SOCKET = '/run/berth/berth.sock';
export const DEFAULT_DATA_ROOT = '/var/lib/berth';

const HELP = `
Usage:  berth daemon [OPTIONS]

Run the berth daemon: serve the Docker Engine API on a unix socket.

Options:
  -H, --host string        Socket to listen on (default unix://${DEFAULT_SOCKET})
      --data-root string   Root of persistent state (default ${DEFAULT_DATA_ROOT})
      --exec-root string   Root of runtime state (default /run/berth, or a per-data-root directory)
      --runtime string     OCI runtime binary (default runc)
      --log-level string   debug, info, warn or error (default info)
  -D, --debug              Same as --log-level debug
`;

interface DaemonOptions {
  socket: string;
  dataRoot: string;
  execRoot: string;
  runtime: string;
  logLevel: LogLevel;
}

function parse(argv: string[]): DaemonOptions | 'help' {
  let socket = DEFAULT_SOCKET;
  let dataRoot = DEFAULT_DATA_ROOT;
  let execRoot: string | undefined;
  let runtime = 'runc';
  let logLevel: LogLevel = 'info';
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.includes('=') ? (argv[i]!.split(/=(.*)/s) as [string, string]) : [argv[i]!, undefined];
    const value = () => inline ?? argv[++i] ?? fail(`flag needs an argument: ${flag}`);
    switch (flag) {
      case '-H':
      case '--host': {
        const h = value();
        if (!h.startsWith('unix://') && !h.startsWith('/')) fail(`unsupported host ${h}: berth listens only on unix sockets`);
        socket = h.replace(/^unix:\/\//, '');
        break;
      }
      case '--data-root':
        dataRoot = resolve(value());
        break;
      case '--exec-root':
        execRoot = resolve(value());
        break;
      case '--runtime':
        runtime = value();
        break;
      case '--log-level':
        logLevel = value() as LogLevel;
        if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) fail(`invalid log level: ${logLevel}`);
        break;
      case '-D':
      case '--debug':
        logLevel = 'debug';
        break;
      case '-h':
      case '--help':
        return 'help';
      default:
        fail(`unknown flag: ${flag}`);
    }
  }
  // A non-default data root gets its own short exec root (attach socket paths are limited to 108 bytes).
  execRoot ??= dataRoot === DEFAULT_DATA_ROOT ? '/run/berth' : `/run/berth-${createHash('sha256').update(dataRoot).digest('hex').slice(0, 8)}`;
  return { socket, dataRoot, execRoot, runtime, logLevel };
}

function fail(msg: string): never {
  process.stderr.write(`berth daemon: ${msg}\nSee 'berth daemon --help'.\n`);
  process.exit(125);
}

export async function runDaemon(argv: string[]): Promise<void> {
  const opts = parse(argv);
  if (opts === 'help') {
    process.stdout.write(HELP);
    return;
  }
  if (process.getuid?.() !== 0) fail('the berth daemon must run as root');
  // Child processes (conmon, runc) inherit the working directory; keep it neutral.
  process.chdir('/');
  const log = jsonLogger(opts.logLevel);
  let engine: Engine;
  try {
    engine = await Engine.open({ dataRoot: opts.dataRoot, execRoot: opts.execRoot, log, runtime: opts.runtime });
  } catch (e) {
    process.stderr.write(`berth daemon: ${(e as Error).message}\n`);
    process.exit(1);
  }
  const server = new ApiServer(engine, log);
  try {
    await server.listen(opts.socket);
  } catch (e) {
    process.stderr.write(`berth daemon: ${(e as Error).message}\n`);
    await engine.close();
    process.exit(1);
  }
  log.info('berth daemon listening', { socket: opts.socket, dataRoot: opts.dataRoot, execRoot: opts.execRoot, pid: process.pid });
  let stopping = false;
  const shutdown = async (sig: string) => {
    if (stopping) return;
    stopping = true;
    // Containers keep running under their conmon monitors (live restore).
    log.info('shutting down', { signal: sig });
    await server.close();
    await engine.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
