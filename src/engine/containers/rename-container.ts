import { invalidArgument } from '../../core/errors.js';
import type { ContainerService } from './container-service.js';
import { eventAttributes } from './event-attributes.js';

/** `POST /containers/{id}/rename?name=`: Docker's checks and messages, then a `rename` event with oldName. */
export async function renameContainer(svc: ContainerService, ref: string, newName: string): Promise<void> {
  const { ctx } = svc;
  const c = ctx.containers.get(ref);
  const wanted = newName.replace(/^\//, '');
  if (!wanted) throw invalidArgument('Neither old nor new names may be empty');
  const full = `/${wanted}`;
  await ctx.containers.locks.run(c.id, async () => {
    const old = c.name;
    if (full === old) throw invalidArgument('Renaming a container with the same name as its current name');
    ctx.containers.reserveName(full, c.id);
    c.name = full;
    svc.extendRename(c, old);
    try {
      await ctx.containers.save(c);
    } catch (e) {
      c.name = old;
      svc.extendRename(c, full);
      ctx.containers.releaseName(full);
      throw e;
    }
    ctx.containers.releaseName(old);
    ctx.events.publish('container', 'rename', c.id, eventAttributes(c, { oldName: old }));
  });
}
