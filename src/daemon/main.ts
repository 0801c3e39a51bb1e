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
      --insecure-registry list       Registry (host[:port] or IPv4 CIDR) to reach over plain HTTP
      --registry-certs-dir string    Per-registry CA certificates <dir>/<host>/ca.crt (default /etc/berth/certs.d)
      --max-concurrent-downloads int Parallel layer downloads per pull (default 3)
      --max-layer-size bytes         Uncompressed size any layer may reach (default 1g); beyond it a layer
                                     may be at most 256 times its compressed size (decompression-bomb guard)
      --rollback-depth int           Previous targets per tag kept out of image prune (default 5)
  -D, --debug              Same as --log-level debug
`;

interface DaemonOptions {
  socket: string;
  dataRoot: string;
  execRoot: string;
  runtime: string;
  logLevel: LogLevel;
  insecureRegistries: string[];
  registryCertsDir?: string;
  imagePolicy: { maxLayerSize?: number; rollbackDepth?: number; maxConcurrentDownloads?: number };
}

function parseSize(flag: string, v: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(v.trim());
  if (!m) fail(`invalid size for ${flag}: ${v}`);
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return Math.floor(Number(m[1]) * mult);
}

function parseCount(flag: string, v: string, min: number): number {
  if (!/^\d+$/.test(v) || Number(v) < min) fail(`invalid value for ${flag}: ${v} (a whole number of at least ${min})`);
  return Number(v);
}

function parse(argv: string[]): DaemonOptions | 'help' {
  let socket = DEFAULT_SOCKET;
  let dataRoot = DEFAULT_DATA_ROOT;
  let execRoot: string | undefined;
  let runtime = 'runc';
  let logLevel: LogLevel = 'info';
  const insecureRegistries: string[] = [];
  let registryCertsDir: string | undefined;
  const imagePolicy: DaemonOptions['imagePolicy'] = {};
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
      case '--insecure-registry':
        insecureRegistries.push(value().replace(/^https?:\/\//, '').replace(/\/$/, ''));
        break;
      case '--registry-certs-dir':
        registryCertsDir = resolve(value());
        break;
      case '--max-concurrent-downloads':
        imagePolicy.maxConcurrentDownloads = parseCount(flag, value(), 1);
        break;
      case '--max-layer-size':
        imagePolicy.maxLayerSize = parseSize(flag, value());
        break;
      case '--rollback-depth':
        imagePolicy.rollbackDepth = parseCount(flag, value(), 0);
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
  return { socket, dataRoot, execRoot, runtime, logLevel, insecureRegistries, registryCertsDir, imagePolicy };
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
    engine = await Engine.open({
      dataRoot: opts.dataRoot,
      execRoot: opts.execRoot,
      log,
      runtime: opts.runtime,
      insecureRegistries: opts.insecureRegistries,
      registryCertsDir: opts.registryCertsDir,
      imagePolicy: opts.imagePolicy,
    });
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
