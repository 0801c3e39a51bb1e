import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { dockerCliScenario } from './clients/docker-cli-scenario.js';
import { TARGETS, startOrSkip } from './clients/targets.js';

/**
 * docker CLI 28 (a static binary in /usr/local/bin on machines that have one; Debian 12 does not
 * package it) and 20.10 (Debian's docker.io, /usr/bin).
 */
const CLIS = [
  { path: '/usr/local/bin/docker', name: 'docker CLI 28', missing: 'no docker 28 CLI at /usr/local/bin/docker (Debian 12 packages only 20.10; nothing to test)' },
  { path: '/usr/bin/docker', name: 'docker CLI 20.10', missing: 'no /usr/bin/docker: scripts/test.sh installs Debian docker.io' },
];

for (const cli of CLIS) {
  for (const target of TARGETS) {
    describe(`${cli.name} against ${target.name}`, () => {
      it('run, exec, logs, build, push/pull, network, volume, cp, templates, events, save/load, df, prune', { skip: existsSync(cli.path) ? false : cli.missing }, async (t) => {
        const d = await startOrSkip(t, target.start);
        if (!d) return;
        try {
          await dockerCliScenario(d, cli.path);
        } finally {
          await d.stop();
        }
      });
    });
  }
}
