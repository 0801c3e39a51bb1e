/**
 * The same Dockerfiles built by berth and by a real dockerd (Debian's docker.io, its classic
 * builder): the image configs and history entries must agree. dockerd runs on its own socket,
 * data root and exec root, without networking, and is stopped afterwards.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BUSYBOX_TAR, TestDaemon, ping, run, until } from './harness.js';

const DOCKER = '/usr/bin/docker';
const DOCKERD = '/usr/sbin/dockerd';

class Dockerd {
  proc?: ChildProcess;
  log = '';
  readonly dir = mkdtempSync('/tmp/bd-');
  readonly socket = join(this.dir, 'd.sock');
  readonly dataRoot = join(this.dir, 'data');

  async start(): Promise<void> {
    this.proc = spawn(DOCKERD, [
      '--data-root', this.dataRoot, '--exec-root', join(this.dir, 'x'), '--pidfile', join(this.dir, 'd.pid'),
      '-H', `unix://${this.socket}`, '--bridge', 'none', '--iptables=false', '--ip-masq=false', '--storage-driver', 'overlay2',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stdout!.on('data', (d: Buffer) => (this.log += d.toString()));
    this.proc.stderr!.on('data', (d: Buffer) => (this.log += d.toString()));
    await until(async () => {
      if (this.proc!.exitCode !== null) throw new Error(`dockerd exited: ${this.log.slice(-2000)}`);
      return ping(this.socket);
    }, 30_000, 'dockerd to answer');
  }

  docker(args: string[], input?: string) {
    return run(DOCKER, args, { input, env: { ...process.env, DOCKER_HOST: `unix://${this.socket}`, DOCKER_BUILDKIT: '0', DOCKER_CONFIG: join(this.dir, 'cfg') }, timeoutMs: 120_000 });
  }

  /** The raw image config blob, as dockerd stored it. */
  config(id: string): Record<string, unknown> {
    return JSON.parse(readFileSync(join(this.dataRoot, 'image/overlay2/imagedb/content/sha256', id.replace('sha256:', '')), 'utf8'));
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (p && p.exitCode === null) {
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (p.exitCode === null) p.kill('SIGKILL');
    }
    await run('sh', ['-c', `grep -o "${this.dir}[^ ]*" /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l`]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const FIELDS = ['Env', 'Cmd', 'Entrypoint', 'WorkingDir', 'User', 'ExposedPorts', 'Volumes', 'Labels', 'Healthcheck', 'StopSignal', 'OnBuild', 'Shell'];

/** The parts of a config that the builders must agree on; COPY source hashes are builder-specific. */
function comparable(c: Record<string, unknown>): unknown {
  const cfg = (c.config ?? {}) as Record<string, unknown>;
  const fields = Object.fromEntries(FIELDS.map((f) => [f, emptyToNull(cfg[f])]));
  const history = ((c.history ?? []) as { created_by?: string; empty_layer?: boolean; author?: string }[]).slice(1).map((h) => ({
    created_by: (h.created_by ?? '').replace(/\b(file|dir|multi):[0-9a-f]{64}/g, '$1:<hash>'),
    empty_layer: h.empty_layer ?? false,
    author: h.author ?? '',
  }));
  return { fields, history, layers: ((c.rootfs as { diff_ids: string[] }).diff_ids ?? []).length, author: c.author ?? '' };
}

function emptyToNull(v: unknown): unknown {
  if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0) || (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0)) return null;
  return v;
}

const DOCKERFILES: Record<string, string> = {
  everything: [
    'ARG BASE=busybox',
    'FROM $BASE AS base',
    'LABEL a=b "c d"="e f"',
    'ENV A=1 B="two words"',
    'ENV C 3',
    'ARG V=9',
    'ARG W',
    'ARG NOVALUE',
    'RUN echo hi $V > /hi',
    'RUN true',
    'RUN ["sh", "-c", "echo exec"]',
    'WORKDIR /app',
    'WORKDIR sub',
    'WORKDIR /app',
    'COPY a.txt /app/',
    'COPY dir /d/',
    'ADD a.txt dir /multi/',
    'USER nobody:nogroup',
    'EXPOSE 80 90/udp 100-101',
    'VOLUME /data ["/v2"]',
    'STOPSIGNAL SIGINT',
    'HEALTHCHECK --interval=5s --timeout=3s --retries=3 CMD echo ok',
    'ONBUILD RUN echo trigger',
    'SHELL ["/bin/sh", "-ec"]',
    'CMD echo cmd',
    'ENTRYPOINT ["/bin/echo"]',
    'MAINTAINER me',
    '',
  ].join('\n'),
  stages: [
    'FROM busybox AS builder',
    'RUN echo built > /artifact',
    'ENTRYPOINT ["/bin/sh"]',
    'FROM busybox',
    'COPY --from=builder /artifact /artifact',
    'HEALTHCHECK NONE',
    'ENTRYPOINT echo shell-form',
    'CMD ["a"]',
    '',
  ].join('\n'),
};

describe('berth and dockerd build the same configs', { skip: !existsSync(DOCKERD) && 'dockerd is not installed (scripts/test.sh installs docker.io)' }, () => {
  let d: TestDaemon;
  const dockerd = new Dockerd();
  let ctxDir = '';
  before(async () => {
    d = await TestDaemon.start();
    await dockerd.start();
    const imp = await dockerd.docker(['import', BUSYBOX_TAR, 'busybox']);
    assert.equal(imp.code, 0, imp.stderr);
    ctxDir = join(d.dir, 'cmp');
    mkdirSync(join(ctxDir, 'dir/sub'), { recursive: true });
    writeFileSync(join(ctxDir, 'a.txt'), 'hello\n');
    writeFileSync(join(ctxDir, 'dir/x'), 'x\n');
    writeFileSync(join(ctxDir, 'dir/sub/y'), 'y\n');
  });
  after(async () => {
    await dockerd.stop();
    await d.cleanup();
  });

  for (const [name, text] of Object.entries(DOCKERFILES)) {
    it(`agrees on "${name}"`, async () => {
      writeFileSync(join(ctxDir, `${name}.Dockerfile`), text);
      const args = ['build', '-q', '-f', join(ctxDir, `${name}.Dockerfile`), '--build-arg', 'W=w', ctxDir];
      const theirs = await dockerd.docker(args);
      assert.equal(theirs.code, 0, theirs.stderr);
      const ours = await d.docker(args, { binary: DOCKER, env: { DOCKER_BUILDKIT: '0' } });
      assert.equal(ours.code, 0, ours.stderr);
      const mine = JSON.parse(readFileSync(join(d.dataRoot, 'content/blobs/sha256', ours.stdout.trim().replace('sha256:', '')), 'utf8'));
      const expected = comparable(dockerd.config(theirs.stdout.trim())) as { history: unknown[] };
      assert.ok(expected.history.length >= text.split('\n').filter((l) => l && !l.startsWith('FROM') && !l.startsWith('ARG BASE')).length - 4, 'dockerd recorded the steps');
      assert.deepEqual(comparable(mine), expected);
    });
  }
});
