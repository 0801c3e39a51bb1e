import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BUSYBOX_TAR } from './harness.js';
import { CLIENTS_DIR, TARGETS, startOrSkip } from './clients/targets.js';

/** docker-py 5.0.3 (Debian python3-docker) with its high-level client; see clients/docker_py_scenario.py. */
for (const target of TARGETS) {
  describe(`docker-py against ${target.name}`, () => {
    it('containers, images (build, tag, push, pull, remove), networks, volumes, exec, prune, df', async (t) => {
      const d = await startOrSkip(t, target.start);
      if (!d) return;
      try {
        const args = [join(CLIENTS_DIR, 'docker_py_scenario.py'), d.registry.host, BUSYBOX_TAR];
        const r = await d.exec('/usr/bin/python3', args, { timeoutMs: 240_000 });
        assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}\n${d.log().slice(-3000)}`);
        assert.match(r.stdout, /docker-py scenario passed\n$/);
      } finally {
        await d.stop();
      }
    });
  });
}
