import { invalidArgument } from '../../../core/errors.js';
import { filterNetworks, pruneKeep } from '../../../engine/networks/filter-networks.js';
import type { NetworkCreateRequest } from '../../../engine/networks/network-create.js';
import { qfilters, readJson, sendEmpty, sendJson, type RequestContext } from '../request-context.js';
import type { Router } from '../router.js';
import { networkView } from '../views/network-view.js';

async function list(ctx: RequestContext): Promise<void> {
  const { networks } = ctx.engine;
  const rows = filterNetworks(networks.list(), qfilters(ctx), (n) => networks.attached(n).length > 0);
  sendJson(ctx, 200, rows.map((n) => networkView(ctx.engine, n, false)));
}

async function inspect(ctx: RequestContext): Promise<void> {
  const n = ctx.engine.networks.get(ctx.params.id!);
  sendJson(ctx, 200, networkView(ctx.engine, n, true));
}

async function create(ctx: RequestContext): Promise<void> {
  const body = await readJson<NetworkCreateRequest>(ctx);
  if (!body) throw invalidArgument('network create: missing request body');
  const r = await ctx.engine.networks.create(body);
  sendJson(ctx, 201, { Id: r.id, Warning: r.warning });
}

async function remove(ctx: RequestContext): Promise<void> {
  await ctx.engine.networks.remove(ctx.params.id!);
  sendEmpty(ctx, 204);
}

interface ConnectBody {
  Container?: string;
  EndpointConfig?: Record<string, unknown> | null;
  Force?: boolean;
}

async function connect(ctx: RequestContext): Promise<void> {
  const body = (await readJson<ConnectBody>(ctx)) ?? {};
  if (!body.Container) throw invalidArgument('no container specified');
  await ctx.engine.networks.connect(ctx.params.id!, body.Container, body.EndpointConfig);
  sendEmpty(ctx, 200);
}

async function disconnect(ctx: RequestContext): Promise<void> {
  const body = (await readJson<ConnectBody>(ctx)) ?? {};
  if (!body.Container) throw invalidArgument('no container specified');
  await ctx.engine.networks.disconnect(ctx.params.id!, body.Container, Boolean(body.Force));
  sendEmpty(ctx, 200);
}

async function prune(ctx: RequestContext): Promise<void> {
  const deleted = await ctx.engine.networks.prune(pruneKeep(qfilters(ctx)));
  // Go's nil slice: dockerd answers null, not [], when nothing was deleted.
  sendJson(ctx, 200, { NetworksDeleted: deleted.length ? deleted : null });
}

export function networkRoutes(r: Router): void {
  r.add('GET', '/networks', list);
  r.add('POST', '/networks/create', create);
  r.add('POST', '/networks/prune', prune);
  r.add('GET', '/networks/{id}', inspect);
  r.add('DELETE', '/networks/{id}', remove);
  r.add('POST', '/networks/{id}/connect', connect);
  r.add('POST', '/networks/{id}/disconnect', disconnect);
}
