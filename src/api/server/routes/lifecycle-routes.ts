import type { ContainerConfig } from '../../../core/container-types.js';
import { invalidArgument } from '../../../core/errors.js';
import type { UpdateRequest } from '../../../engine/containers/update-container.js';
import type { StatsSample } from '../../../engine/containers/stats-container.js';
import { qbool, readJson, sendEmpty, sendJson, type RequestContext } from '../request-context.js';
import type { Router } from '../router.js';

async function pause(ctx: RequestContext): Promise<void> {
  await ctx.engine.containers.pause(ctx.params.id!);
  sendEmpty(ctx, 204);
}

async function unpause(ctx: RequestContext): Promise<void> {
  await ctx.engine.containers.unpause(ctx.params.id!);
  sendEmpty(ctx, 204);
}

async function rename(ctx: RequestContext): Promise<void> {
  await ctx.engine.containers.rename(ctx.params.id!, ctx.query.get('name') ?? '');
  sendEmpty(ctx, 204);
}

async function top(ctx: RequestContext): Promise<void> {
  sendJson(ctx, 200, await ctx.engine.containers.top(ctx.params.id!, ctx.query.get('ps_args') ?? undefined));
}

async function update(ctx: RequestContext): Promise<void> {
  const body = (await readJson<UpdateRequest>(ctx)) ?? {};
  const r = await ctx.engine.containers.update(ctx.params.id!, body);
  sendJson(ctx, 200, { Warnings: r.warnings });
}

/** docker's stats JSON: the sample plus the previous one's read time and CPU figures. */
function statsJson(cur: StatsSample, prev: StatsSample | undefined): Record<string, unknown> {
  const { read, cpu_stats, ...rest } = cur;
  return {
    read,
    preread: prev?.read ?? '0001-01-01T00:00:00Z',
    ...rest,
    cpu_stats,
    precpu_stats: prev?.cpu_stats ?? { cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 }, throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 } },
  };
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((res) => {
    const t = setTimeout(res, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), res()), { once: true });
  });

/** `GET /containers/{id}/stats`: a sample a second (stream), or one (stream=false; one-shot skips the pre-sample). */
async function stats(ctx: RequestContext): Promise<void> {
  const { containers } = ctx.engine;
  const id = containers.get(ctx.params.id!).id;
  const stream = ctx.query.get('stream') === null ? true : qbool(ctx, 'stream');
  if (!stream) {
    let prev: StatsSample | undefined;
    if (!qbool(ctx, 'one-shot')) {
      prev = await containers.stats(id);
      await sleep(500, ctx.signal);
    }
    sendJson(ctx, 200, statsJson(await containers.stats(id), prev));
    return;
  }
  ctx.res.writeHead(200, { 'Content-Type': 'application/json' });
  ctx.res.flushHeaders();
  let prev: StatsSample | undefined;
  while (!ctx.signal.aborted) {
    let cur: StatsSample;
    try {
      cur = await containers.stats(id);
    } catch {
      break; // removed meanwhile
    }
    ctx.res.write(`${JSON.stringify(statsJson(cur, prev))}\n`);
    prev = cur;
    await sleep(1000, ctx.signal);
  }
  ctx.res.end();
}

async function changes(ctx: RequestContext): Promise<void> {
  const list = await ctx.engine.containers.changes(ctx.params.id!);
  // dockerd answers null, not [], for a container without changes.
  sendJson(ctx, 200, list.length ? list : null);
}

async function commit(ctx: RequestContext): Promise<void> {
  const container = ctx.query.get('container');
  if (!container) throw invalidArgument('No container name or ID supplied');
  const repo = ctx.query.get('repo') ?? '';
  const tag = ctx.query.get('tag') ?? '';
  if (!repo && tag) throw invalidArgument('tag requires a repository');
  const config = (await readJson<Partial<ContainerConfig>>(ctx)) ?? undefined;
  const id = await ctx.engine.containers.commit(container, {
    reference: repo ? (tag ? `${repo}:${tag}` : repo) : undefined,
    comment: ctx.query.get('comment') ?? undefined,
    author: ctx.query.get('author') ?? undefined,
    pause: ctx.query.get('pause') === null ? true : qbool(ctx, 'pause'),
    changes: ctx.query.getAll('changes').flatMap((c) => c.split('\n')),
    config,
  });
  sendJson(ctx, 201, { Id: id });
}

/** The lifecycle verbs beyond start/stop: pause, unpause, rename, top, stats, update, changes, commit. */
export function lifecycleRoutes(r: Router): void {
  r.add('POST', '/containers/{id}/pause', pause);
  r.add('POST', '/containers/{id}/unpause', unpause);
  r.add('POST', '/containers/{id}/rename', rename);
  r.add('GET', '/containers/{id}/top', top);
  r.add('GET', '/containers/{id}/stats', stats);
  r.add('GET', '/containers/{id}/changes', changes);
  r.add('POST', '/commit', commit);
  r.add('POST', '/containers/{id}/update', update);
}
