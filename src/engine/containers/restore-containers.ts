import { readdir } from 'node:fs/promises';
import type { ContainerService } from './container-service.js';
import { readExitFile, recordExit } from './handle-exit.js';
import { removeLocked } from './remove-container.js';
import { unmountRootfs } from './rootfs.js';

/**
 * Live restore at daemon start. conmon kept every container's stdio and log
 * while the daemon was down; here each record is reconciled with reality:
 * still running → adopted; exited meanwhile → exit code from conmon's exit
 * file; gone without a trace (reboot) → exited 255, as dockerd reports it.
 */
export async function restoreContainers(svc: ContainerService): Promise<void> {
  const { ctx } = svc;
  const known = new Set<string>();
  for (const c of ctx.containers.all()) {
    known.add(c.id);
    await ctx.containers.locks.run(c.id, async () => {
      if (c.removing) return removeLocked(svc, c, { force: true });
      if (!c.state.Running) {
        unmountRootfs(ctx, c.id);
        return;
      }
      const code = await readExitFile(ctx.paths.exitDir, c.id);
      if (code !== undefined) return recordExit(svc, c, code);
      const st = await ctx.runc.state(c.id);
      if (st && (st.status === 'running' || st.status === 'paused')) {
        c.state.Pid = st.pid;
        c.state.Paused = st.status === 'paused';
        c.state.Status = st.status;
        svc.health.start(c, { keepState: true });
        ctx.log.info('adopted running container', { id: c.id, pid: st.pid });
        return;
      }
      await recordExit(svc, c, 255);
    });
    if (!c.state.Running && c.hostConfig.AutoRemove && ctx.containers.find(c.id)) {
      await ctx.containers.locks.run(c.id, () => removeLocked(svc, c, { force: false }));
    }
  }
  // runc state of containers berth no longer knows about (a crash mid-remove).
  for (const id of await readdir(ctx.paths.runcRoot).catch(() => [] as string[])) {
    if (!known.has(id)) await ctx.runc.delete(id, true).catch(() => {});
  }
}
