import { describe, it } from 'node:test';
import { composeScenario } from './clients/compose-scenario.js';
import { TARGETS, startOrSkip } from './clients/targets.js';

/** docker-compose 1.29 (Debian) with a three-service project, against berth and a real dockerd. */
for (const target of TARGETS) {
  describe(`docker-compose 1.29 against ${target.name}`, () => {
    it('build, named volume, healthcheck, depends_on, published port, service DNS; up -d, ps, logs, exec, restart, down -v', async (t) => {
      const d = await startOrSkip(t, target.start);
      if (!d) return;
      try {
        await composeScenario(d);
      } finally {
        await d.stop();
      }
    });
  });
}
