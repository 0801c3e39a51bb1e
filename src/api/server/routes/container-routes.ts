import type { ContainerConfig, HostConfig } from '../../../core/container-types.js';
import { invalidArgument } from '../../../core/errors.js';
import { formatTimeNs, type LogEntry } from '../../../engine/containers/container-logs.js';
import { filterContainers } from '../../../engine/containers/filter-containers.js';
import type { CreateOptions } from '../../../engine/containers/create-container.js';
import { DEFAULT_DETACH_KEYS, parseDetachKeys } from '../../../core/detach-keys.js';
import { resizeContainer } from '../../../engine/containers/resize-container.js';
import { hijack, streamContentType } from '../hijack.js';
import { sizeParams } from './exec-routes.js';
import { qbool, qfilters, qint, readJson, sendEmpty, sendJson, type RequestContext } from '../request-context.js';
import type { Router } from '../router.js';
import { frame, StdStream } from '../stdcopy.js';
import { inspectContainer, summarizeContainer } from '../views/container-view.js';
import { parseEventTime } from './system-routes.js';

type CreateBody = Partial<ContainerConfig> & { HostConfig?: Partial<HostConfig>; NetworkingConfig?: unknown };

async function create(ctx: RequestContext): Promise<void> {
  const body = await readJson<CreateBody>(ctx);
  if (!body) throw invalidArgument('config cannot be empty in order to create a container');
  const { HostConfig: hostConfig, NetworkingConfig: networkingConfig, ...config } = body;
  if (!config.Image) throw invalidArgument('no image specified');
  const name = ctx.query.get('name') || undefined;
  const r = await ctx.engine.containers.create({
    name,
    config: config as CreateBody & { Image: string },
    hostConfig,
    networkingConfig: networkingConfig as CreateOptions['networkingConfig'],
  });
  sendJson(ctx, 201, { Id: r.id, Warnings: r.warnings });
}

async function list(ctx: RequestContext): Promise<void> {
  const { engine } = ctx;
  let rows = filterContainers(engine.containers.list(), qfilters(ctx), {
    all: qbool(ctx, 'all'),
    resolveImage: (ref) => engine.images.find(ref)?.id,
    find: (ref) => engine.ctx.containers.find(ref),
  }).sort((a, b) => (a.created < b.created ? 1 : -1));
  const limit = qint(ctx, 'limit');
  if (limit !== undefined && limit > 0) rows = rows.slice(0, limit);
  const now = Date.now();
  sendJson(ctx, 200, rows.map((c) => summarizeContainer(c, now)));
}

async function inspect(ctx: RequestContext): Promise<void> {
  sendJson(ctx, 200, inspectContainer(ctx.engine, ctx.engine.containers.get(ctx.params.id!)));
}

async function start(ctx: RequestContext): Promise<void> {
  const started = await ctx.engine.containers.start(ctx.params.id!);
  sendEmpty(ctx, started ? 204 : 304);
}

async function stop(ctx: RequestContext): Promise<void> {
  const stopped = await ctx.engine.containers.stop(ctx.params.id!, { timeout: qint(ctx, 't'), signal: ctx.query.get('signal') ?? undefined });
  sendEmpty(ctx, stopped ? 204 : 304);
}

async function restart(ctx: RequestContext): Promise<void> {
  await ctx.engine.containers.restart(ctx.params.id!, { timeout: qint(ctx, 't'), signal: ctx.query.get('signal') ?? undefined });
  sendEmpty(ctx, 204);
}

async function kill(ctx: RequestContext): Promise<void> {
  await ctx.engine.containers.kill(ctx.params.id!, ctx.query.get('signal') ?? undefined);
  sendEmpty(ctx, 204);
}

async function remove(ctx: RequestContext): Promise<void> {
  await ctx.engine.containers.remove(ctx.params.id!, { force: qbool(ctx, 'force'), volumes: qbool(ctx, 'v') });
  sendEmpty(ctx, 204);
}

async function wait(ctx: RequestContext): Promise<void> {
  const result = ctx.engine.containers.wait(ctx.params.id!, ctx.query.get('condition') ?? undefined, ctx.signal);
  // Headers go out at once (clients wait for them before starting the container); the body on exit.
  ctx.res.writeHead(200, { 'Content-Type': 'application/json' });
  ctx.res.flushHeaders();
  const r = await Promise.race([result, new Promise<null>((res) => ctx.signal.addEventListener('abort', () => res(null)))]);
  if (r) ctx.res.end(JSON.stringify(r));
}

/** stdcopy frames, or raw bytes for a TTY; timestamps prefix each entry when asked. */
function logWriter(tty: boolean, timestamps: boolean, write: (b: Buffer) => void) {
  return (e: LogEntry) => {
    const data = timestamps ? Buffer.concat([Buffer.from(`${formatTimeNs(e.timeNs)} `), e.data]) : e.data;
    write(tty ? data : frame(e.stream === 'stdout' ? StdStream.stdout : StdStream.stderr, data));
  };
}

async function logs(ctx: RequestContext): Promise<void> {
  const c = ctx.engine.containers.get(ctx.params.id!);
  const stdout = qbool(ctx, 'stdout');
  const stderr = qbool(ctx, 'stderr');
  if (!stdout && !stderr) throw invalidArgument('Bad parameters: you must choose at least one stream');
  // dockerd reads `tail` with Atoi and shows everything for "all", a negative number or junk
  // (testcontainers sends tail=-1).
  const tailNum = Number(ctx.query.get('tail') ?? 'all');
  const tail = Number.isInteger(tailNum) && tailNum >= 0 ? tailNum : undefined;
  const sinceNs = parseEventTime(ctx.query.get('since') === '0' ? null : ctx.query.get('since'));
  const untilNs = parseEventTime(ctx.query.get('until') === '0' ? null : ctx.query.get('until'));
  ctx.res.writeHead(200, { 'Content-Type': streamContentType(ctx, c.config.Tty) });
  ctx.res.flushHeaders();
  await ctx.engine.containers.logs(
    c.id,
    { stdout, stderr, tail, sinceNs, untilNs, follow: qbool(ctx, 'follow'), signal: ctx.signal },
    logWriter(c.config.Tty, qbool(ctx, 'timestamps'), (b) => ctx.res.write(b)),
  );
  ctx.res.end();
}

async function attach(ctx: RequestContext): Promise<void> {
  const { containers } = ctx.engine;
  const c = containers.get(ctx.params.id!);
  containers.checkAttach(c);
  const wantStdout = qbool(ctx, 'stdout');
  const wantStderr = qbool(ctx, 'stderr');
  const tty = c.config.Tty;
  const wantStdin = qbool(ctx, 'stdin') && c.config.OpenStdin;
  // dockerd watches a TTY's input for the detach keys (ctrl-p,ctrl-q unless the client names others).
  const detachKeys = tty ? ctx.query.get('detachKeys') || DEFAULT_DETACH_KEYS : undefined;
  if (detachKeys) {
    try {
      parseDetachKeys(detachKeys);
    } catch (e) {
      throw invalidArgument((e as Error).message);
    }
  }
  const out = hijack(ctx, streamContentType(ctx, tty), { input: wantStdin });
  const write = (stream: 'stdout' | 'stderr', data: Buffer) =>
    out.write(tty ? data : frame(stream === 'stdout' ? StdStream.stdout : StdStream.stderr, data));
  if (qbool(ctx, 'logs')) {
    await containers.logs(c.id, { stdout: wantStdout, stderr: wantStderr, follow: false }, logWriter(tty, false, out.write));
  }
  if (!qbool(ctx, 'stream')) return out.end();
  try {
    const session = await containers.attachTo(c.id, {
      stdin: wantStdin,
      stdout: wantStdout,
      stderr: wantStderr,
      input: out.input,
      detachKeys,
      sink: { write, end: () => out.end() },
    });
    await out.closed;
    session.end();
  } catch (e) {
    out.write(tty ? Buffer.from(`${(e as Error).message}\n`) : frame(StdStream.systemErr, Buffer.from((e as Error).message)));
    out.end();
  }
}

async function resize(ctx: RequestContext): Promise<void> {
  const { h, w } = sizeParams(ctx);
  await resizeContainer(ctx.engine.containers, ctx.params.id!, h, w);
  sendEmpty(ctx, 200);
}

export function containerRoutes(r: Router): void {
  r.add('POST', '/containers/create', create);
  r.add('GET', '/containers/json', list);
  r.add('GET', '/containers/{id}/json', inspect);
  r.add('POST', '/containers/{id}/start', start);
  r.add('POST', '/containers/{id}/stop', stop);
  r.add('POST', '/containers/{id}/restart', restart);
  r.add('POST', '/containers/{id}/kill', kill);
  r.add('DELETE', '/containers/{id}', remove);
  r.add('POST', '/containers/{id}/wait', wait);
  r.add('GET', '/containers/{id}/logs', logs);
  r.add('POST', '/containers/{id}/attach', attach);
  r.add('POST', '/containers/{id}/resize', resize);
}
