import { invalidArgument } from '../../../core/errors.js';
import type { PathStat } from '../../../layers/index.js';
import { bodyStream, qbool, sendEmpty, type RequestContext } from '../request-context.js';
import type { Router } from '../router.js';

const STAT_HEADER = 'X-Docker-Container-Path-Stat';

function pathParam(ctx: RequestContext): string {
  const p = ctx.query.get('path');
  if (!p) throw invalidArgument('bad parameter: path cannot be empty');
  return p;
}

function statHeader(s: PathStat): string {
  return Buffer.from(JSON.stringify(s)).toString('base64');
}

/** HEAD (stat only) and GET (the tar) of `/containers/{id}/archive?path=`. */
async function getArchive(ctx: RequestContext): Promise<void> {
  const path = pathParam(ctx);
  const { archive } = ctx.engine;
  if (ctx.req.method === 'HEAD') {
    const st = await archive.stat(ctx.params.id!, path);
    ctx.res.writeHead(200, { [STAT_HEADER]: statHeader(st), 'Content-Type': 'application/json' });
    ctx.res.end();
    return;
  }
  await archive.get(
    ctx.params.id!,
    path,
    ctx.res,
    (st) => {
      ctx.res.writeHead(200, { [STAT_HEADER]: statHeader(st), 'Content-Type': 'application/x-tar' });
      ctx.res.flushHeaders();
    },
    ctx.signal,
  );
}

/** PUT: extract the request body (a tar, possibly compressed) into the directory at `path`. */
async function putArchive(ctx: RequestContext): Promise<void> {
  const path = pathParam(ctx);
  await ctx.engine.archive.put(ctx.params.id!, path, bodyStream(ctx), {
    noOverwriteDirNonDir: qbool(ctx, 'noOverwriteDirNonDir'),
    copyUIDGID: qbool(ctx, 'copyUIDGID'),
    signal: ctx.signal,
  });
  sendEmpty(ctx, 200);
}

export function archiveRoutes(r: Router): void {
  r.add('GET', '/containers/{id}/archive', getArchive);
  r.add('PUT', '/containers/{id}/archive', putArchive);
}
