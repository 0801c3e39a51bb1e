import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { TestDaemon } from './harness.js';

interface Reply {
  status: number;
  text: string;
  json: () => any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

function call(socket: string, method: string, path: string, body?: unknown): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = request({ socketPath: socket, method, path, headers: data ? { 'Content-Type': 'application/json', 'Content-Length': data.length } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ status: res.statusCode!, text, json: () => JSON.parse(text) });
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** The filters parameter in its two historical forms. */
const both = (key: string, value: string) => [JSON.stringify({ [key]: [value] }), JSON.stringify({ [key]: { [value]: true } })].map(encodeURIComponent);

describe('the Engine API surface clients rely on', () => {
  let d: TestDaemon;
  const api = (method: string, path: string, body?: unknown) => call(d.socket, method, path, body);
  before(async () => {
    d = await TestDaemon.start();
    const r = await d.berth(['run', '-d', '--name', 'labelled', '--label', 'com.docker.compose.project=p1', '--label', 'com.docker.compose.service=web', 'busybox', 'sleep', '300']);
    assert.equal(r.code, 0, r.stderr);
    await d.berth(['create', '--name', 'stopped', '--label', 'com.docker.compose.project=p2', 'busybox', 'true']);
    await d.berth(['network', 'create', '--label', 'com.docker.compose.project=p1', 'p1net']);
    await d.berth(['volume', 'create', '--label', 'com.docker.compose.project=p1', 'p1vol']);
  });
  after(async () => {
    await d.cleanup();
  });

  it('serves unversioned paths and /v1.38, /v1.41, /v1.50; refuses newer versions with docker\'s 400', async () => {
    for (const prefix of ['', '/v1.24', '/v1.38', '/v1.41', '/v1.50']) {
      const r = await api('GET', `${prefix}/version`);
      assert.equal(r.status, 200, prefix);
      assert.equal(r.json().ApiVersion, '1.50');
      assert.equal(r.json().MinAPIVersion, '1.24');
    }
    const tooNew = await api('GET', '/v1.51/containers/json');
    assert.equal(tooNew.status, 400);
    assert.deepEqual(tooNew.json(), { message: 'client version 1.51 is too new. Maximum supported API version is 1.50' });
  });

  it('answers errors as {"message"} with docker\'s codes, 304 for starting a running container', async () => {
    const started = await api('POST', '/v1.41/containers/labelled/start');
    assert.equal(started.status, 304);
    assert.equal(started.text, '');
    const stopped = await api('POST', '/v1.41/containers/stopped/stop');
    assert.equal(stopped.status, 304);
    const missing = await api('GET', '/v1.41/containers/nope/json');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json(), { message: 'No such container: nope' });
    const busy = await api('DELETE', '/v1.41/containers/labelled');
    assert.equal(busy.status, 409);
    assert.match(busy.json().message, /^You cannot remove a running container [0-9a-f]{64}\. Stop the container before attempting removal or force remove$/);
    const badFilter = await api('GET', `/v1.41/containers/json?filters=${encodeURIComponent('{"nope":["x"]}')}`);
    assert.equal(badFilter.status, 400);
    assert.deepEqual(badFilter.json(), { message: "invalid filter 'nope'" });
    const badJson = await api('GET', '/v1.41/containers/json?filters=%7Bnot-json');
    assert.equal(badJson.status, 400);
    assert.ok(typeof badJson.json().message === 'string');
    const notImplemented = await api('GET', '/v1.41/images/search?term=x');
    assert.equal(notImplemented.status, 501);
    assert.match(notImplemented.json().message, /not implemented by berth/);
  });

  it('accepts both filter forms on every list endpoint', async () => {
    for (const f of both('label', 'com.docker.compose.project=p1')) {
      const cs = (await api('GET', `/containers/json?all=1&filters=${f}`)).json() as { Names: string[] }[];
      assert.deepEqual(cs.map((c) => c.Names[0]), ['/labelled']);
      const ns = (await api('GET', `/networks?filters=${f}`)).json() as { Name: string }[];
      assert.deepEqual(ns.map((n) => n.Name), ['p1net']);
      const vs = (await api('GET', `/volumes?filters=${f}`)).json() as { Volumes: { Name: string }[] };
      assert.deepEqual(vs.Volumes.map((v) => v.Name), ['p1vol']);
      assert.deepEqual((await api('GET', `/images/json?filters=${f}`)).json(), []);
    }
    for (const f of both('reference', 'busybox')) {
      const is = (await api('GET', `/images/json?filters=${f}`)).json() as { RepoTags: string[] }[];
      assert.deepEqual(is.map((i) => i.RepoTags), [['busybox:latest']]);
    }
    for (const f of both('label', 'nothing=here')) {
      for (const [path, key] of [['/containers/prune', 'ContainersDeleted'], ['/images/prune', 'ImagesDeleted'], ['/networks/prune', 'NetworksDeleted'], ['/volumes/prune', 'VolumesDeleted']] as const) {
        const r = await api('POST', `${path}?filters=${f}`);
        assert.equal(r.status, 200, `${path}: ${r.text}`);
        assert.equal(r.json()[key], null, path);
      }
    }
    for (const f of both('until', '1h')) assert.equal((await api('POST', `/build/prune?filters=${f}`)).status, 200);
  });

  it('streams GET /events with compose\'s label filter, in both forms', async () => {
    for (const f of both('label', 'com.docker.compose.project=p1')) {
      const r = await api('GET', `/events?since=0&until=${Math.ceil(Date.now() / 1000) + 1}&filters=${f}`);
      const events = r.text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { Type: string; Action: string; Actor: { Attributes: Record<string, string> } });
      const containerActions = events.filter((e) => e.Type === 'container').map((e) => e.Action);
      assert.deepEqual(containerActions.slice(0, 2), ['create', 'start'], r.text);
      assert.ok(events.every((e) => e.Actor.Attributes['com.docker.compose.project'] === 'p1' || e.Type !== 'container'));
      assert.ok(!events.some((e) => e.Actor.Attributes.name === 'stopped'), 'the p2 container leaked through the filter');
    }
  });

  it('reports disk usage with GET /system/df, narrowed by type', async () => {
    const all = (await api('GET', '/v1.41/system/df')).json();
    assert.ok(all.LayersSize > 0);
    assert.equal(all.Images.length, 1);
    assert.equal(all.Images[0].Containers, 2);
    assert.equal(all.Containers.length, 2);
    assert.ok(all.Containers.every((c: { SizeRw: number; SizeRootFs: number }) => c.SizeRw >= 0 && c.SizeRootFs >= c.SizeRw));
    assert.deepEqual(all.Volumes.map((v: { Name: string; UsageData: { RefCount: number } }) => [v.Name, v.UsageData.RefCount]), [['p1vol', 0]]);
    assert.deepEqual(all.BuildCache, []);
    assert.equal(all.BuilderSize, 0);
    const onlyVolumes = (await api('GET', '/v1.44/system/df?type=volume')).json();
    assert.deepEqual(Object.keys(onlyVolumes), ['Volumes']);
    assert.equal((await api('GET', '/v1.44/system/df?type=nope')).status, 400);
  });

  it('has the info fields SDKs read', async () => {
    const info = (await api('GET', '/v1.41/info')).json();
    for (const k of ['ID', 'Containers', 'ContainersRunning', 'ContainersPaused', 'ContainersStopped', 'Images', 'Driver', 'OperatingSystem', 'OSType', 'Architecture', 'NCPU', 'MemTotal', 'ServerVersion', 'KernelVersion', 'DockerRootDir', 'Name', 'Labels', 'Runtimes', 'DefaultRuntime', 'SecurityOptions', 'CgroupDriver', 'CgroupVersion', 'IndexServerAddress', 'RegistryConfig', 'Swarm', 'Plugins', 'LoggingDriver', 'HttpProxy', 'HttpsProxy', 'NoProxy', 'Warnings']) {
      assert.ok(k in info, k);
    }
    assert.equal(info.Containers, 2);
    assert.equal(info.ContainersRunning, 1);
    assert.equal(info.Swarm.LocalNodeState, 'inactive');
  });

  it('renders the Go templates used in the wild on berth\'s own inspect and list output', async () => {
    const f = async (tmpl: string) => {
      const r = await d.berth(['inspect', '-f', tmpl, 'labelled']);
      assert.equal(r.code, 0, r.stderr);
      return r.stdout;
    };
    assert.equal(await f('{{.State.Status}}'), 'running\n');
    assert.equal(await f('{{.Config.Labels}}'), 'map[com.docker.compose.project:p1 com.docker.compose.service:web]\n');
    assert.equal(await f('{{index .Config.Labels "com.docker.compose.service"}}'), 'web\n');
    assert.ok('bridge' in (JSON.parse(await f('{{json .NetworkSettings}}')) as { Networks: object }).Networks);
    assert.equal(await f('{{range .Mounts}}{{.Destination}}{{end}}|{{len .Mounts}}'), '|0\n');
    const ps = await d.berth(['ps', '--filter', 'label=com.docker.compose.project=p1', '--format', '{{.Names}} {{.Label "com.docker.compose.service"}} {{.State}}']);
    assert.equal(ps.stdout, 'labelled web running\n');
    // inspect data is a decoded JSON map, as in docker: a missing key is "<no value>", not an error.
    assert.equal(await f('{{.Nope}}'), '<no value>\n');
    const bad = await d.berth(['inspect', '-f', '{{.State.Status', 'labelled']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /template parsing error/);
  });

  it('prunes stopped containers with POST /containers/prune, honouring label filters', async () => {
    const keep = await api('POST', `/containers/prune?filters=${encodeURIComponent('{"label!":["com.docker.compose.project=p2"]}')}`);
    assert.equal(keep.json().ContainersDeleted, null);
    const bad = await api('POST', `/containers/prune?filters=${encodeURIComponent('{"status":["exited"]}')}`);
    assert.equal(bad.status, 400);
    const r = await api('POST', '/containers/prune');
    assert.equal(r.status, 200);
    assert.equal(r.json().ContainersDeleted.length, 1);
    assert.equal(typeof r.json().SpaceReclaimed, 'number');
    const left = (await api('GET', '/containers/json?all=1')).json() as { Names: string[] }[];
    assert.deepEqual(left.map((c) => c.Names[0]), ['/labelled']);
  });
});
