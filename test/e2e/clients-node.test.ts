import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BUSYBOX_TAR, ROOT, run, until } from './harness.js';
import { CLIENTS_DIR, TARGETS, startOrSkip, type ClientTarget } from './clients/targets.js';

const SCENARIO = join(ROOT, 'dist/test/e2e/clients/node-clients-scenario.js');

function scenario(d: ClientTarget, mode: string, env: NodeJS.ProcessEnv) {
  const args = [SCENARIO, mode, d.registry.host, BUSYBOX_TAR];
  return d.exec(process.execPath, args, { timeoutMs: 240_000, env });
}

/** The Ryuk-like reaper (reaper/reaper.c), built statically and put in a busybox image. */
async function buildReaperImage(d: ClientTarget): Promise<string> {
  const ctx = mkdtempSync(join(tmpdir(), 'berth-reaper-'));
  try {
    const gcc = await run('gcc', ['-static', '-O2', '-o', join(ctx, 'reaper'), join(CLIENTS_DIR, 'reaper/reaper.c')]);
    assert.equal(gcc.code, 0, gcc.stderr);
    copyFileSync(join(CLIENTS_DIR, 'reaper/Dockerfile'), join(ctx, 'Dockerfile'));
    const b = await d.exec('/usr/bin/docker', ['build', '-q', '-t', 'local/reaper:1', ctx], { timeoutMs: 120_000 });
    assert.equal(b.code, 0, b.stderr);
    return 'local/reaper:1';
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
}

/** dockerode 4 and testcontainers-node (npm dev dependencies), against berth and a real dockerd. */
for (const target of TARGETS) {
  describe(`dockerode and testcontainers-node against ${target.name}`, () => {
    it('dockerode API calls; GenericContainer with log and port waits, exec, copyContentToContainer, withBindMounts, a pull from the local registry', async (t) => {
      const d = await startOrSkip(t, target.start);
      if (!d) return;
      try {
        const r = await scenario(d, 'main', { TESTCONTAINERS_RYUK_DISABLED: 'true' });
        assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}\n${d.log().slice(-3000)}`);
        assert.match(r.stdout, /node clients scenario passed\n$/);
      } finally {
        await d.stop();
      }
    });

    it('a locally built Ryuk-like reaper runs with the docker socket bind-mounted and removes a session\'s containers', async (t) => {
      const d = await startOrSkip(t, target.start);
      if (!d) return;
      try {
        await d.exec('/usr/bin/docker', ['import', BUSYBOX_TAR, 'busybox:latest']);
        const image = await buildReaperImage(d);
        const r = await scenario(d, 'reaper-session', { TESTCONTAINERS_RYUK_DISABLED: 'false', RYUK_CONTAINER_IMAGE: image });
        assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}\n${d.log().slice(-3000)}`);
        const left = /left running ([0-9a-f]{64})/.exec(r.stdout)![1]!;
        const reaper = (await d.exec('/usr/bin/docker', ['ps', '-aq', '--no-trunc', '--filter', 'ancestor=local/reaper:1'])).stdout.trim();
        assert.match(reaper, /^[0-9a-f]{64}$/, 'the reaper container was not created');
        const mounts = await d.exec('/usr/bin/docker', ['inspect', '-f', '{{range .Mounts}}{{.Source}}->{{.Destination}} {{end}}', reaper]);
        assert.match(mounts.stdout, /\.sock->\/var\/run\/docker\.sock /);
        // The scenario process exited, closing its connection: the reaper removes what it labelled.
        await until(async () => (await d.exec('/usr/bin/docker', ['ps', '-aq', '--no-trunc', '--filter', `id=${left}`])).stdout === '', 30_000, 'the reaper to remove the session container');
        // testcontainers creates the reaper with AutoRemove: once it has reaped, it is gone too.
        await until(async () => (await d.exec('/usr/bin/docker', ['ps', '-aq', '--no-trunc', '--filter', `id=${reaper}`])).stdout === '', 30_000, 'the reaper to exit and be auto-removed');
      } finally {
        await d.stop();
      }
    });
  });
}
