import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { ROOT, TestDaemon, run, type RunResult } from '../harness.js';
import { RealDockerd } from '../dockerd-harness.js';
import { LocalRegistry } from '../registry-harness.js';

export const CLIENTS_DIR = join(ROOT, 'test/e2e/clients');

/**
 * A daemon a client scenario runs against: berth (TestDaemon) or a real dockerd, with a loopback
 * registry beside it (there is no Docker Hub here). `env` points DOCKER_HOST at the daemon.
 */
export interface ClientTarget {
  name: 'berth' | 'dockerd';
  host: string;
  registry: LocalRegistry;
  env: NodeJS.ProcessEnv;
  /** Run a program with DOCKER_HOST pointing at this daemon. */
  exec(cmd: string, args: string[], opts?: { timeoutMs?: number; input?: string; env?: NodeJS.ProcessEnv; cwd?: string }): Promise<RunResult>;
  /** The daemon's log, for assertion messages. */
  log(): string;
  stop(): Promise<void>;
}

function makeTarget(name: ClientTarget['name'], host: string, configDir: string, registry: LocalRegistry, log: () => string, stop: () => Promise<void>): ClientTarget {
  const env = { ...process.env, DOCKER_HOST: host, DOCKER_CONFIG: configDir, DOCKER_BUILDKIT: '0', COMPOSE_DOCKER_CLI_BUILD: '0' };
  return {
    name,
    host,
    registry,
    env,
    exec: (cmd, args, opts = {}) => run(cmd, args, { ...opts, env: { ...env, ...opts.env } }),
    log,
    stop: async () => {
      await stop();
      await registry.stop();
    },
  };
}

export async function berthTarget(): Promise<ClientTarget> {
  const registry = await LocalRegistry.start();
  const d = await TestDaemon.start({ busybox: false });
  return makeTarget('berth', d.host, join(d.dir, 'docker-config'), registry, () => d.log, () => d.cleanup());
}

/** A real dockerd with its own roots; undefined (and the reason) when it cannot start here. */
export async function dockerdTarget(): Promise<ClientTarget | string> {
  const registry = await LocalRegistry.start();
  try {
    const dk = await RealDockerd.start(['--insecure-registry', registry.host]);
    return makeTarget('dockerd', `unix://${dk.socket}`, join(dk.dir, 'cli'), registry, () => dk.log, () => dk.stop());
  } catch (e) {
    await registry.stop();
    return `dockerd cannot start here: ${(e as Error).message.slice(0, 300)}`;
  }
}

/** Both daemons, dockerd skipped with its reason when it cannot start. */
export const TARGETS: { name: ClientTarget['name']; start: () => Promise<ClientTarget | string> }[] = [
  { name: 'berth', start: berthTarget },
  { name: 'dockerd', start: dockerdTarget },
];

/** Start a target inside a test; skip the test with the reason when the target cannot start. */
export async function startOrSkip(t: TestContext, start: () => Promise<ClientTarget | string>): Promise<ClientTarget | undefined> {
  const r = await start();
  if (typeof r === 'string') {
    t.skip(r);
    return undefined;
  }
  return r;
}
