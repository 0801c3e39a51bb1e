import { invalidArgument } from '../../../core/errors.js';
import type { ExecConfig, ExecRecord } from '../../../engine/containers/exec-record.js';
import { hijack, streamContentType } from '../hijack.js';
import { qint, readJson, sendEmpty, sendJson, type RequestContext } from '../request-context.js';
import type { Router } from '../router.js';
import { frame, StdStream } from '../stdcopy.js';

async function create(ctx: RequestContext): Promise<void> {
  const body = (await readJson<Partial<ExecConfig>>(ctx)) ?? {};
  const rec = ctx.engine.execs.create(ctx.params.id!, body);
  sendJson(ctx, 201, { Id: rec.id });
}

interface StartBody {
  Detach?: boolean;
  Tty?: boolean;
  ConsoleSize?: [number, number] | null;
}

/**
 * `POST /exec/{id}/start`. Detached: 200 once the process runs. Otherwise the connection
 * is hijacked (stdcopy frames without a TTY, raw bytes with one) and ends when the
 * process's output does, after its exit code is recorded, so a client that inspects
 * the exec next sees it. A start failure is written into the stream, as dockerd does.
 */
async function start(ctx: RequestContext): Promise<void> {
  const body = (await readJson<StartBody>(ctx)) ?? {};
  const { execs } = ctx.engine;
  const rec = execs.checkStart(ctx.params.id!);
  if (body.Detach) {
    await execs.start(rec.id, { tty: body.Tty, consoleSize: body.ConsoleSize });
    return sendEmpty(ctx, 200);
  }
  const tty = body.Tty ?? rec.config.Tty;
  const out = hijack(ctx, streamContentType(ctx, tty), { input: rec.config.AttachStdin });
  const write = (stream: 'stdout' | 'stderr', data: Buffer) =>
    out.write(tty ? data : frame(stream === 'stdout' ? StdStream.stdout : StdStream.stderr, data));
  let outputEnded!: () => void;
  const ended = new Promise<void>((r) => (outputEnded = r));
  try {
    const { session } = await execs.start(rec.id, {
      tty,
      consoleSize: body.ConsoleSize,
      attach: { input: out.input, sink: { write, end: () => outputEnded() } },
    });
    await Promise.race([ended, out.closed]);
    if (session && !session.detached) await Promise.race([execs.exited(rec), out.closed]);
    session?.end();
  } catch (e) {
    write('stdout', Buffer.from(`${(e as Error).message}\r\n`));
  }
  out.end();
}

async function resize(ctx: RequestContext): Promise<void> {
  const { h, w } = sizeParams(ctx);
  await ctx.engine.execs.resize(ctx.params.id!, h, w);
  sendEmpty(ctx, 200);
}

/** `h` and `w` of a resize request, as dockerd validates them. */
export function sizeParams(ctx: RequestContext): { h: number; w: number } {
  const h = qint(ctx, 'h') ?? 0;
  const w = qint(ctx, 'w') ?? 0;
  if (!Number.isInteger(h) || !Number.isInteger(w) || h < 0 || w < 0) throw invalidArgument(`invalid resize dimensions: ${h}x${w}`);
  return { h, w };
}

/** Docker's ExecInspect shape. */
export function inspectExec(rec: ExecRecord): Record<string, unknown> {
  const [entrypoint = '', ...args] = rec.config.Cmd;
  return {
    ID: rec.id,
    Running: rec.running,
    ExitCode: rec.exitCode,
    ProcessConfig: { tty: rec.config.Tty, entrypoint, arguments: args, privileged: rec.config.Privileged, user: rec.config.User },
    OpenStdin: rec.config.AttachStdin,
    OpenStderr: rec.config.AttachStderr,
    OpenStdout: rec.config.AttachStdout,
    CanRemove: false,
    ContainerID: rec.containerId,
    DetachKeys: rec.config.DetachKeys,
    Pid: rec.pid,
  };
}

async function inspect(ctx: RequestContext): Promise<void> {
  sendJson(ctx, 200, inspectExec(ctx.engine.execs.get(ctx.params.id!)));
}

export function execRoutes(r: Router): void {
  r.add('POST', '/containers/{id}/exec', create);
  r.add('POST', '/exec/{id}/start', start);
  r.add('POST', '/exec/{id}/resize', resize);
  r.add('GET', '/exec/{id}/json', inspect);
}
