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
  const bridge = await hostBridge();
  try {
    // The default bridge is one made here (clients such as testcontainers use it), not docker0.
    const dk = await RealDockerd.start(['--insecure-registry', registry.host, '--bridge', bridge.name]);
    return makeTarget('dockerd', `unix://${dk.socket}`, join(dk.dir, 'cli'), registry, () => dk.log, async () => {
      await dk.stop();
      await bridge.remove();
    });
  } catch (e) {
    await registry.stop();
    await bridge.remove();
    return `dockerd cannot start here: ${(e as Error).message.slice(0, 300)}`;
  }
}

/** A bridge device with a free 10.254.N.0/24 subnet, for dockerd's default network. */
async function hostBridge(): Promise<{ name: string; remove: () => Promise<void> }> {
  const used = (await run('ip', ['-4', '-o', 'addr'])).stdout;
  let n = 1 + Math.floor(Math.random() * 200);
  while (used.includes(`10.254.${n}.`)) n++;
  const name = `bdk${process.pid % 100000}${n}`.slice(0, 15);
  for (const args of [['link', 'add', name, 'type', 'bridge'], ['addr', 'add', `10.254.${n}.1/24`, 'dev', name], ['link', 'set', name, 'up']]) {
    const r = await run('ip', args);
    if (r.code !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
  }
  return { name, remove: async () => void (await run('ip', ['link', 'del', name])) };
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
