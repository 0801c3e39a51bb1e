import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { TestDaemon, until, httpGet } from './harness.js';
import { createSocket } from 'node:dgram';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildAnswer, parseQuestion, RCODE, TYPE } from '../../src/network/dns/dns-message.js';
import { daemonTag, hostLeftovers } from './host-network.js';
import { POOL_SIZE } from '../../src/engine/networks/sandbox-pool.js';

/** GET http://host:port/ from the test process (loopback or a container of this test only). */

function listen(host: string): Promise<Server & { port: number }> {
  return new Promise((resolve) => {
    const s = createServer((c) => c.destroy());
    s.listen(0, host, () => resolve(Object.assign(s, { port: (s.address() as { port: number }).port })));
  });
}

const HTTPD = (text: string) => ['sh', '-c', `mkdir -p /www && echo ${text} > /www/index.html && exec httpd -f -p 80 -h /www`];

describe('networks', () => {
  let d: TestDaemon;
  before(async () => {
    d = await TestDaemon.start();
  });
  after(async () => {
    await d.cleanup();
    assert.deepEqual(await hostLeftovers(d.dataRoot), [], 'the daemon left links or iptables rules behind');
  });

  it('two containers on a user network fetch a page from each other by name', async () => {
    assert.equal((await d.berth(['network', 'create', 'appnet'])).code, 0);
    for (const n of ['alpha', 'beta']) {
      const r = await d.berth(['run', '-d', '--name', n, '--network', 'appnet', 'busybox', ...HTTPD(`page-of-${n}`)]);
      assert.equal(r.code, 0, r.stderr);
    }
    const fromAlpha = await d.berth(['run', '--rm', '--network', 'appnet', 'busybox', 'wget', '-qO-', 'http://beta/']);
    assert.equal(fromAlpha.stdout, 'page-of-beta\n', fromAlpha.stderr);
    // Each container itself reaches the other by name.
    const viaCp = await d.berth(['run', '--rm', '--network', 'container:alpha', 'busybox', 'wget', '-qO-', 'http://beta/']);
    assert.equal(viaCp.stdout, 'page-of-beta\n', viaCp.stderr);
    const back = await d.berth(['run', '--rm', '--network', 'container:beta', 'busybox', 'wget', '-qO-', 'http://alpha/']);
    assert.equal(back.stdout, 'page-of-alpha\n', back.stderr);
    const resolv = await d.berth(['run', '--rm', '--network', 'appnet', 'busybox', 'cat', '/etc/resolv.conf']);
    assert.match(resolv.stdout, /^nameserver \d+\.\d+\.\d+\.1$/m);
    assert.match(resolv.stdout, /ndots:0/);
  });

  it('resolves aliases and answers NXDOMAIN-free for known names; isolates networks', async () => {
    await d.berth(['network', 'create', '--subnet', '10.123.0.0/24', 'other']);
    const r = await d.berth(['run', '-d', '--name', 'gamma', '--network', 'other', '--network-alias', 'svc', '--ip', '10.123.0.77', 'busybox', ...HTTPD('gamma')]);
    assert.equal(r.code, 0, r.stderr);
    const byAlias = await d.berth(['run', '--rm', '--network', 'other', 'busybox', 'wget', '-qO-', 'http://svc/']);
    assert.equal(byAlias.stdout, 'gamma\n', byAlias.stderr);
    const ip = await d.berth(['inspect', '-f', '{{.NetworkSettings.Networks.other.IPAddress}}', 'gamma']);
    assert.equal(ip.stdout, '10.123.0.77\n');
    // Not visible from appnet, neither by name nor by address.
    const noName = await d.berth(['run', '--rm', '--network', 'appnet', 'busybox', 'nslookup', 'gamma']);
    assert.notEqual(noName.code, 0);
    const noRoute = await d.berth(['run', '--rm', '--network', 'appnet', 'busybox', 'wget', '-T', '1', '-qO-', 'http://10.123.0.77/']);
    assert.notEqual(noRoute.code, 0);
    // connect: gamma joins appnet, and alpha's network can now reach it by name.
    assert.equal((await d.berth(['network', 'connect', '--alias', 'joined', 'appnet', 'gamma'])).code, 0);
    const joined = await d.berth(['run', '--rm', '--network', 'appnet', 'busybox', 'wget', '-qO-', 'http://joined/']);
    assert.equal(joined.stdout, 'gamma\n', joined.stderr);
    const nets = await d.berth(['inspect', '-f', '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}', 'gamma']);
    assert.equal(nets.stdout, 'appnet other \n');
    assert.equal((await d.berth(['network', 'disconnect', 'appnet', 'gamma'])).code, 0);
    const gone = await d.berth(['run', '--rm', '--network', 'appnet', 'busybox', 'wget', '-T', '1', '-qO-', 'http://joined/']);
    assert.notEqual(gone.code, 0);
    const again = await d.berth(['network', 'disconnect', 'appnet', 'gamma']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /is not connected to network appnet/);
  });

  it('publishes ports on 127.0.0.1 and the other host addresses, with -p, -P and port', async () => {
    const r = await d.berth(['run', '-d', '--name', 'pub', '-p', '80', '--expose', '81', '-P', 'busybox', ...HTTPD('published')]);
    assert.equal(r.code, 0, r.stderr);
    const port = await d.berth(['port', 'pub', '80']);
    const hostPort = Number(/^0\.0\.0\.0:(\d+)$/m.exec(port.stdout)?.[1]);
    assert.ok(hostPort > 0, port.stdout);
    assert.equal(await httpGet('127.0.0.1', hostPort, 5000), 'published\n');
    // The bridge's gateway is a host address too.
    const gw = (await d.berth(['network', 'inspect', '-f', '{{(index .IPAM.Config 0).Gateway}}', 'bridge'])).stdout.trim();
    assert.equal(await httpGet(gw, hostPort, 5000), 'published\n');
    // Hairpin: a container reaches the published port through the host.
    const hair = await d.berth(['run', '--rm', 'busybox', 'wget', '-qO-', `http://${gw}:${hostPort}/`]);
    assert.equal(hair.stdout, 'published\n', hair.stderr);
    const all = await d.berth(['port', 'pub']);
    assert.match(all.stdout, /^80\/tcp -> 0\.0\.0\.0:\d+\n81\/tcp -> 0\.0\.0\.0:\d+\n$/);
    const ps = await d.berth(['ps', '--filter', 'name=pub', '--format', '{{.Ports}}']);
    assert.match(ps.stdout, /0\.0\.0\.0:\d+->80\/tcp, 0\.0\.0\.0:\d+->81\/tcp/);
    const byPublish = await d.berth(['ps', '--filter', 'publish=81', '--format', '{{.Names}}']);
    assert.equal(byPublish.stdout, 'pub\n');
    const byNetwork = await d.berth(['ps', '--filter', 'network=appnet', '--format', '{{.Names}}']);
    assert.deepEqual(byNetwork.stdout.trim().split('\n').sort(), ['alpha', 'beta']);
    const json = await d.berth(['inspect', '-f', '{{json .NetworkSettings.Ports}}', 'pub']);
    assert.deepEqual(Object.keys(JSON.parse(json.stdout) as object).sort(), ['80/tcp', '81/tcp']);
    const none = await d.berth(['port', 'pub', '82']);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /No public port '82\/tcp' published for pub/);
    // Published on one address only.
    const lo = await d.berth(['run', '-d', '--name', 'loonly', '-p', '127.0.0.1::80', 'busybox', ...HTTPD('loopback-only')]);
    assert.equal(lo.code, 0, lo.stderr);
    const loPort = Number(/:(\d+)$/.exec((await d.berth(['port', 'loonly', '80'])).stdout.trim())?.[1]);
    assert.equal(await httpGet('127.0.0.1', loPort, 5000), 'loopback-only\n');
    await assert.rejects(httpGet(gw, loPort));
  });

  it('refuses a published port already in use, by a container or by another program', async () => {
    const holder = await listen('0.0.0.0');
    try {
      const r = await d.berth(['run', '-d', '--name', 'clash', '-p', `${holder.port}:80`, 'busybox', 'sleep', '30']);
      assert.equal(r.code, 125);
      assert.match(r.stderr, new RegExp(`address already in use`));
      const state = await d.berth(['inspect', '-f', '{{.State.Running}}', 'clash']);
      assert.equal(state.stdout, 'false\n');
    } finally {
      holder.close();
    }
    const first = await d.berth(['run', '-d', '--name', 'own1', '-p', `${holder.port}:80`, 'busybox', 'sleep', '30']);
    assert.equal(first.code, 0, first.stderr);
    const second = await d.berth(['run', '-d', '--name', 'own2', '-p', `${holder.port}:80`, 'busybox', 'sleep', '30']);
    assert.equal(second.code, 125);
    assert.match(second.stderr, new RegExp(`Bind for 0\\.0\\.0\\.0:${holder.port} failed: port is already allocated`));
    // Nobody else can take the port while the container has it.
    await assert.rejects(new Promise((res, rej) => createServer().once('error', rej).listen(holder.port, '0.0.0.0', () => res(undefined))));
  });

  it('gives docker errors for unknown networks, bad subnets, overlaps and networks in use', async () => {
    const unknown = await d.berth(['run', '--rm', '--network', 'nosuchnet', 'busybox', 'true']);
    assert.equal(unknown.code, 125);
    assert.match(unknown.stderr, /network nosuchnet not found/);
    const bad = await d.berth(['network', 'create', '--subnet', '10.0.0.0/33', 'bad']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /invalid CIDR address: 10\.0\.0\.0\/33/);
    const overlap = await d.berth(['network', 'create', '--subnet', '10.123.0.128/25', 'overlap']);
    assert.equal(overlap.code, 1);
    assert.match(overlap.stderr, /Pool overlaps with other one on this address space/);
    const dup = await d.berth(['network', 'create', 'appnet']);
    assert.equal(dup.code, 1);
    assert.match(dup.stderr, /network with name appnet already exists/);
    const inUse = await d.berth(['network', 'rm', 'appnet']);
    assert.equal(inUse.code, 1);
    assert.match(inUse.stderr, /has active endpoints/);
    const predefined = await d.berth(['network', 'rm', 'bridge']);
    assert.equal(predefined.code, 1);
    assert.match(predefined.stderr, /bridge is a pre-defined network and cannot be removed/);
    const ls = await d.berth(['network', 'ls', '--format', '{{.Name}}']);
    assert.deepEqual(ls.stdout.trim().split('\n'), ['appnet', 'bridge', 'host', 'none', 'other']);
    const badIp = await d.berth(['run', '--rm', '--ip', '10.99.0.5', '--network', 'other', 'busybox', 'true']);
    assert.equal(badIp.code, 125);
    assert.match(badIp.stderr, /does not belong to any of this network's subnets/);
    const defaultIp = await d.berth(['run', '--rm', '--ip', '172.17.0.9', 'busybox', 'true']);
    assert.equal(defaultIp.code, 125);
    assert.match(defaultIp.stderr, /user specified IP address is supported on user defined networks only/);
  });

  it("forwards other names to the container's --dns server (a fake resolver on loopback)", async () => {
    const upstream = createSocket('udp4');
    const asked: string[] = [];
    await new Promise<void>((res, rej) => {
      upstream.once('error', rej);
      upstream.bind(53, '127.83.0.53', () => res());
    });
    upstream.on('message', (m, rinfo) => {
      const q = parseQuestion(m);
      if (!q) return;
      asked.push(q.name);
      const answers = q.type === TYPE.A ? [{ type: TYPE.A, ip: '192.0.2.123' } as const] : [];
      upstream.send(buildAnswer(m, q, RCODE.NOERROR, answers), rinfo.port, rinfo.address);
    });
    try {
      const r = await d.berth(['run', '--rm', '--network', 'appnet', '--dns', '127.83.0.53', 'busybox', 'nslookup', '-type=a', 'outside.example']);
      assert.match(r.stdout, /192\.0\.2\.123/, r.stdout + r.stderr);
      assert.ok(asked.includes('outside.example'));
      // Container names are still answered by berth itself.
      const local = await d.berth(['run', '--rm', '--network', 'appnet', '--dns', '127.83.0.53', 'busybox', 'nslookup', '-type=a', 'alpha']);
      assert.doesNotMatch(local.stdout, /192\.0\.2\.123/);
      assert.ok(!asked.includes('alpha'));
    } finally {
      upstream.close();
    }
  });

  it('writes hosts and resolv.conf per container: --dns, --dns-search, --add-host with host-gateway', async () => {
    const r = await d.berth(['run', '--rm', '--hostname', 'box1', '--dns', '10.1.2.3', '--dns-search', 'example.test', '--add-host', 'gw:host-gateway', '--add-host', 'db:10.0.0.9', 'busybox', 'sh', '-c', 'cat /etc/hosts /etc/resolv.conf /etc/hostname']);
    assert.equal(r.code, 0, r.stderr);
    const gw = (await d.berth(['network', 'inspect', '-f', '{{(index .IPAM.Config 0).Gateway}}', 'bridge'])).stdout.trim();
    assert.match(r.stdout, new RegExp(`^${gw.replace(/\./g, '\\.')}\\tgw$`, 'm'));
    assert.match(r.stdout, /^10\.0\.0\.9\tdb$/m);
    assert.match(r.stdout, /^172\.\d+\.\d+\.\d+\tbox1$/m);
    assert.match(r.stdout, /^nameserver 10\.1\.2\.3$/m);
    assert.match(r.stdout, /^search example\.test$/m);
    assert.match(r.stdout, /^box1$/m);
    const hostNet = await d.berth(['run', '--rm', '--network', 'host', '--add-host', 'hosty:10.9.9.9', 'busybox', 'grep', 'hosty', '/etc/hosts']);
    assert.equal(hostNet.stdout, '10.9.9.9\thosty\n', hostNet.stderr);
    const none = await d.berth(['run', '--rm', '--network', 'none', 'busybox', 'ip', '-o', 'link']);
    assert.deepEqual(none.stdout.trim().split('\n').map((l) => l.split(': ')[1]), ['lo']);
    const internal = await d.berth(['network', 'create', '--internal', 'closed']);
    assert.equal(internal.code, 0);
    const route = await d.berth(['run', '--rm', '--network', 'closed', 'busybox', 'ip', 'route']);
    assert.doesNotMatch(route.stdout, /default/);
    assert.equal((await d.berth(['network', 'rm', 'closed'])).code, 0);
  });

  it('keeps addresses and published ports across a daemon crash, and cleans up after containers that died meanwhile', async () => {
    const keep = await d.berth(['run', '-d', '--name', 'survivor', '--network', 'appnet', '-p', '127.0.0.1::80', 'busybox', ...HTTPD('still-here')]);
    assert.equal(keep.code, 0, keep.stderr);
    const doomed = await d.berth(['run', '-d', '--name', 'doomed', '--network', 'appnet', '-p', '127.0.0.1::80', 'busybox', 'sleep', '600']);
    assert.equal(doomed.code, 0, doomed.stderr);
    const port = Number(/:(\d+)$/.exec((await d.berth(['port', 'survivor', '80'])).stdout.trim())?.[1]);
    const ipBefore = (await d.berth(['inspect', '-f', '{{.NetworkSettings.Networks.appnet.IPAddress}}', 'survivor'])).stdout;
    const doomedId = (await d.berth(['inspect', '-f', '{{.Id}}', 'doomed'])).stdout.trim();
    const doomedPid = Number((await d.berth(['inspect', '-f', '{{.State.Pid}}', 'doomed'])).stdout.trim());
    const doomedNetns = (await d.berth(['inspect', '-f', '{{.NetworkSettings.SandboxKey}}', 'doomed'])).stdout.trim();
    const doomedOldIp = (await d.berth(['inspect', '-f', '{{.NetworkSettings.Networks.appnet.IPAddress}}', 'doomed'])).stdout.trim();
    assert.ok(doomedOldIp);
    await d.kill();
    // The kernel keeps forwarding while no daemon runs.
    assert.equal(await httpGet('127.0.0.1', port, 5000), 'still-here\n');
    process.kill(doomedPid, 'SIGKILL');
    await d.startProcess();
    assert.equal(await httpGet('127.0.0.1', port, 5000), 'still-here\n');
    assert.equal((await d.berth(['inspect', '-f', '{{.NetworkSettings.Networks.appnet.IPAddress}}', 'survivor'])).stdout, ipBefore);
    const byName = await d.berth(['run', '--rm', '--network', 'appnet', 'busybox', 'wget', '-qO-', 'http://survivor/']);
    assert.equal(byName.stdout, 'still-here\n', byName.stderr);
    await until(async () => (await d.berth(['inspect', '-f', '{{.State.Running}}', 'doomed'])).stdout === 'false\n', 10_000, 'doomed to be seen dead');
    const { existsSync } = await import('node:fs');
    assert.ok(!existsSync(doomedNetns), 'the dead container keeps no network namespace');
    const rules = (await import('node:child_process')).spawnSync('iptables-save', [], { encoding: 'utf8' }).stdout;
    const doomedIp = (await d.berth(['inspect', '-f', '{{.NetworkSettings.Networks.appnet.IPAddress}}', doomedId])).stdout.trim();
    assert.equal(doomedIp, '');
    assert.ok(!rules.includes(`${doomedOldIp}:80`), 'no DNAT rule to the dead container');
    const ipamRoot = `/run/berth-${daemonTag(d.dataRoot)}/cni/ipam`;
    const leases = readdirSync(ipamRoot).flatMap((n) => readdirSync(join(ipamRoot, n)));
    assert.ok(!leases.includes(doomedOldIp), 'the dead container\'s address lease is released');
    assert.ok(leases.includes(ipBefore.trim()), 'the survivor keeps its lease');
    assert.ok(rules.includes(`${ipBefore.trim()}:80`), 'the survivor keeps its DNAT rule');
  });

  it('leaves nothing in ip link or iptables once containers and networks are removed', async () => {
    const bridge = (await d.berth(['network', 'inspect', '-f', '{{index .Options "com.docker.network.bridge.name"}}', 'bridge'])).stdout.trim();
    assert.ok(bridge);
    const ids = (await d.berth(['ps', '-aq'])).stdout.split('\n').filter(Boolean);
    assert.equal((await d.berth(['rm', '-f', ...ids])).code, 0);
    const userBridges = (await d.berth(['network', 'ls', '-q', '--filter', 'type=custom'])).stdout.split('\n').filter(Boolean).map((id) => `br-${id}`);
    assert.equal(userBridges.length, 2);
    const pruned = await d.berth(['network', 'prune', '-f']);
    const linksNow = (await import('node:child_process')).spawnSync('ip', ['-o', 'link'], { encoding: 'utf8' }).stdout;
    const rulesNow = (await import('node:child_process')).spawnSync('iptables-save', [], { encoding: 'utf8' }).stdout;
    for (const b of userBridges) {
      assert.ok(!linksNow.includes(b), `${b} is gone from ip link`);
      assert.ok(!rulesNow.includes(b), `no iptables rule names ${b}`);
    }
    assert.match(pruned.stdout, /Deleted Networks:\n(appnet\nother\n|other\nappnet\n)/);
    const links = (await import('node:child_process')).spawnSync('ip', ['-o', 'link', 'show', 'master', bridge], { encoding: 'utf8' }).stdout;
    // What is left are the daemon's spare sandboxes prepared ahead of time (sandbox-pool.ts);
    // the after() hook checks that stopping the daemon leaves nothing at all.
    assert.ok(links.trim().split('\n').filter(Boolean).length <= POOL_SIZE, `no veth left on the default bridge beyond the spare sandboxes: ${links}`);
    const rules = (await import('node:child_process')).spawnSync('iptables-save', [], { encoding: 'utf8' }).stdout;
    // Only this daemon's chains: other daemons on the host (other data roots) are not ours to judge.
    const ours = `BERTH-${daemonTag(d.dataRoot)}`;
    assert.equal(rules.split('\n').filter((l) => l.includes('--to-destination') && l.includes(ours)).length, 0, rules);
    await d.stopDaemon();
    assert.deepEqual(await hostLeftovers(d.dataRoot), []);
    await d.startProcess();
  });
});
