/**
 * dockerode and testcontainers-node against DOCKER_HOST (berth or dockerd), run as a child process
 * so each daemon gets a fresh testcontainers runtime. Argv: <mode> <registry host:port> <busybox tar>
 * Modes: "main" (the client scenario), "reaper-session" (start one container and
 * exit without stopping it: the reaper named by RYUK_CONTAINER_IMAGE must remove it).
 * Prints "ok <step>" per step and "node clients scenario passed" at the end.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { extract } from 'tar-stream';
import { GenericContainer, Wait } from 'testcontainers';

const [mode, registry, busyboxTar] = process.argv.slice(2) as [string, string, string];
const step = (name: string) => console.log(`ok ${name}`);
const docker = new Docker();

function follow(stream: NodeJS.ReadableStream): Promise<{ error?: string }[]> {
  return new Promise((resolve, reject) => docker.modem.followProgress(stream, (err: Error | null, out: { error?: string }[]) => (err ? reject(err) : resolve(out))));
}

function httpGet(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    request({ host, port, path: '/' }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    })
      .on('error', reject)
      .end();
  });
}

/** One file out of a tar stream (what copyArchiveFromContainer returns). */
async function fileFromTar(stream: NodeJS.ReadableStream): Promise<string> {
  const ex = extract();
  let content = '';
  const done = new Promise<void>((resolve, reject) => {
    ex.on('entry', (_h, s, next) => {
      s.on('data', (d: Buffer) => (content += d.toString()));
      s.on('end', next);
      s.resume();
    });
    ex.on('finish', resolve);
    ex.on('error', reject);
  });
  stream.pipe(ex);
  await done;
  return content;
}

async function dockerode(): Promise<void> {
  assert.equal(String(await docker.ping()), 'OK');
  const version = await docker.version();
  assert.ok(version.ApiVersion);
  const info = await docker.info();
  assert.ok('Containers' in info && 'Images' in info);
  await follow(await docker.importImage(busyboxTar, { repo: 'busybox', tag: 'latest' }));
  assert.ok((await docker.listImages()).some((i) => i.RepoTags?.includes('busybox:latest')));
  step('dockerode ping/version/info/importImage/listImages');

  const c = await docker.createContainer({ Image: 'busybox:latest', Cmd: ['sh', '-c', 'echo out; echo err >&2; exit 3'], Labels: { scenario: 'dockerode' } });
  await c.start();
  assert.equal((await c.wait()).StatusCode, 3);
  const logs = (await c.logs({ stdout: true, stderr: true })) as unknown as Buffer;
  // stdcopy frames: stream byte, 3 zero bytes, big-endian length, payload
  const frames: string[] = [];
  for (let i = 0; i < logs.length; ) {
    const n = logs.readUInt32BE(i + 4);
    frames.push(`${logs[i]}:${logs.subarray(i + 8, i + 8 + n).toString()}`);
    i += 8 + n;
  }
  // stdout and stderr are separate pipes: their relative order is not defined.
  assert.deepEqual(frames.sort(), ['1:out\n', '2:err\n']);
  assert.equal((await docker.listContainers({ all: true, filters: { label: ['scenario=dockerode'] } })).length, 1);
  assert.equal((await docker.listContainers({ all: true, filters: JSON.stringify({ label: { 'scenario=dockerode': true } }) as never })).length, 1);
  await c.remove();
  await assert.rejects(c.inspect(), (e: { statusCode?: number }) => e.statusCode === 404);
  step('dockerode create/start/wait/logs/list (both filter forms)/remove/404');

  const net = await docker.createNetwork({ Name: 'dockerode-net', Labels: { scenario: 'dockerode' } });
  await docker.createVolume({ Name: 'dockerode-vol', Labels: { scenario: 'dockerode' } });
  assert.equal((await docker.listNetworks({ filters: { label: ['scenario=dockerode'] } })).length, 1);
  assert.equal((await docker.listVolumes({ filters: { label: ['scenario=dockerode'] } })).Volumes.length, 1);
  await net.remove();
  await docker.getVolume('dockerode-vol').remove();
  step('dockerode networks/volumes');

  // An image only in the registry: testcontainers must pull it.
  const remote = `${registry}/tc/pulled`;
  await docker.getImage('busybox:latest').tag({ repo: remote, tag: '1' });
  const pushStream = (await docker.getImage(`${remote}:1`).push({ authconfig: {} } as never)) as unknown as NodeJS.ReadableStream;
  const pushed = await follow(pushStream);
  assert.ok(!pushed.some((m) => m.error), JSON.stringify(pushed));
  await docker.getImage(`${remote}:1`).remove();
  assert.ok(!(await docker.listImages()).some((i) => i.RepoTags?.includes(`${remote}:1`)));
  step('dockerode tag/push/remove');
}

async function testcontainers(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-tc-'));
  try {
    writeFileSync(join(dir, 'from-host.txt'), 'bound from the host\n');
    const logWait = await new GenericContainer(`${registry}/tc/pulled:1`)
      .withCommand(['sh', '-c', 'mkdir -p /www; echo hi > /www/index.html; echo booting; sleep 1; httpd -p 8080 -h /www && echo "server ready" && exec sleep 3600'])
      .withExposedPorts(8080)
      .withBindMounts([{ source: dir, target: '/host', mode: 'ro' }])
      .withWaitStrategy(Wait.forLogMessage('server ready'))
      .start();
    assert.equal(await httpGet(logWait.getHost(), logWait.getMappedPort(8080)), 'hi\n');
    step('testcontainers pull from the local registry, log wait strategy, mapped port');

    await logWait.copyContentToContainer([{ content: 'copied in\n', target: '/tmp/copied.txt' }]);
    assert.equal(await fileFromTar(await logWait.copyArchiveFromContainer('/tmp/copied.txt')), 'copied in\n');
    assert.equal(await fileFromTar(await logWait.copyArchiveFromContainer('/host/from-host.txt')), 'bound from the host\n');
    step('testcontainers copyContentToContainer, withBindMounts');

    const r = await logWait.exec(['cat', '/host/from-host.txt']);
    assert.equal(r.exitCode, 0);
    assert.equal(r.output, 'bound from the host\n');
    assert.equal((await logWait.exec(['sh', '-c', 'exit 4'])).exitCode, 4);
    step('testcontainers exec');
    await logWait.stop();

    // Wait.forListeningPorts checks the host port and, through exec, the port inside the container.
    const ports = await new GenericContainer('busybox:latest')
      .withCommand(['sh', '-c', 'sleep 1; mkdir /www; echo port > /www/index.html; exec httpd -f -p 8080 -h /www'])
      .withExposedPorts(8080)
      .withWaitStrategy(Wait.forListeningPorts())
      .start();
    assert.equal(await httpGet(ports.getHost(), ports.getMappedPort(8080)), 'port\n');
    await ports.stop();
    step('testcontainers port wait strategy');

    const http = await new GenericContainer('busybox:latest')
      .withCommand(['sh', '-c', 'sleep 1; mkdir /www; echo http > /www/index.html; exec httpd -f -p 8080 -h /www'])
      .withExposedPorts(8080)
      .withWaitStrategy(Wait.forHttp('/', 8080))
      .start();
    assert.equal(await httpGet(http.getHost(), http.getMappedPort(8080)), 'http\n');
    await http.stop();
    step('testcontainers HTTP wait strategy');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function reaperSession(): Promise<void> {
  const c = await new GenericContainer('busybox:latest').withCommand(['sleep', '300']).withLabels({ scenario: 'reaped' }).start();
  console.log(`left running ${c.getId()}`);
}

if (mode === 'reaper-session') await reaperSession();
else {
  await dockerode();
  await testcontainers();
}
console.log('node clients scenario passed');
