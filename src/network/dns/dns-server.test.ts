import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { nullLogger } from '../../core/logger.js';
import { buildAnswer, buildQuery, parseQuestion, ptrToIPv4, RCODE, readAnswers, TYPE } from './dns-message.js';
import { DnsServer, splitUpstream } from './dns-server.js';

function udpAsk(port: number, msg: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    const t = setTimeout(() => {
      s.close();
      reject(new Error('no answer'));
    }, 3000);
    s.on('message', (m) => {
      clearTimeout(t);
      s.close();
      resolve(m);
    });
    s.send(msg, port, '127.0.0.1');
  });
}

function tcpAsk(port: number, msg: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port });
    let buf = Buffer.alloc(0);
    s.on('error', reject);
    s.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(msg.length);
      s.write(Buffer.concat([len, msg]));
    });
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        s.destroy();
        resolve(buf.subarray(2));
      }
    });
  });
}

describe('embedded DNS server', () => {
  // A fake upstream resolver on loopback: answers every A question with 192.0.2.99.
  const upstream = createSocket('udp4');
  let server: DnsServer;
  const seen: string[] = [];
  before(async () => {
    await new Promise<void>((r) => upstream.bind(0, '127.0.0.1', () => r()));
    upstream.on('message', (m, rinfo) => {
      const q = parseQuestion(m)!;
      seen.push(q.name);
      upstream.send(buildAnswer(m, q, RCODE.NOERROR, [{ type: TYPE.A, ip: '192.0.2.99' }]), rinfo.port, rinfo.address);
    });
    const up = `127.0.0.1:${upstream.address().port}`;
    server = new DnsServer({
      address: '127.0.0.1',
      port: 0,
      log: nullLogger,
      lookup: (q) => {
        if (q.name === 'web' || q.name === 'web.') {
          return q.type === TYPE.A ? { answers: [{ type: TYPE.A, ip: '172.18.0.2' }, { type: TYPE.A, ip: '172.18.0.3' }] } : { answers: [] };
        }
        if (ptrToIPv4(q.name) === '172.18.0.2') return { answers: [{ type: TYPE.PTR, name: 'web' }] };
        if (q.name === 'gone') return { nxdomain: true };
        if (q.name === 'dead.example') return { forward: ['127.0.0.1:1'] };
        return { forward: [up] };
      },
      timeoutMs: 300,
    });
    await server.start();
  });
  after(async () => {
    await server.close();
    upstream.close();
  });

  it('answers container names with every address, case-insensitively', async () => {
    const r = readAnswers(await udpAsk(server.port, buildQuery(7, 'WEB', TYPE.A)));
    assert.equal(r.id, 7);
    assert.equal(r.rcode, RCODE.NOERROR);
    assert.deepEqual(r.answers.map((a) => a.value).sort(), ['172.18.0.2', '172.18.0.3']);
  });

  it('answers AAAA for a known name with no records, not NXDOMAIN', async () => {
    const r = readAnswers(await udpAsk(server.port, buildQuery(8, 'web', TYPE.AAAA)));
    assert.equal(r.rcode, RCODE.NOERROR);
    assert.equal(r.answers.length, 0);
  });

  it('answers reverse lookups and NXDOMAIN', async () => {
    const ptr = readAnswers(await udpAsk(server.port, buildQuery(9, '2.0.18.172.in-addr.arpa', TYPE.PTR)));
    assert.deepEqual(ptr.answers, [{ type: TYPE.PTR, value: 'web' }]);
    const nx = readAnswers(await udpAsk(server.port, buildQuery(10, 'gone', TYPE.A)));
    assert.equal(nx.rcode, RCODE.NXDOMAIN);
  });

  it('forwards other names to the upstream and relays its answer', async () => {
    const r = readAnswers(await udpAsk(server.port, buildQuery(11, 'example.org', TYPE.A)));
    assert.deepEqual(r.answers.map((a) => a.value), ['192.0.2.99']);
    assert.ok(seen.includes('example.org'));
  });

  it('answers SERVFAIL when no upstream answers', async () => {
    const r = readAnswers(await udpAsk(server.port, buildQuery(12, 'dead.example', TYPE.A)));
    assert.equal(r.rcode, RCODE.SERVFAIL);
  });

  it('serves TCP too', async () => {
    const r = readAnswers(await tcpAsk(server.port, buildQuery(13, 'web', TYPE.A)));
    assert.equal(r.answers.length, 2);
  });

  it('answers FORMERR to garbage and survives it', async () => {
    const bad = Buffer.from([0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xff]);
    const r = await udpAsk(server.port, bad);
    assert.equal(r.readUInt16BE(2) & 0xf, RCODE.FORMERR);
    const ok = readAnswers(await udpAsk(server.port, buildQuery(14, 'web', TYPE.A)));
    assert.equal(ok.answers.length, 2);
  });

  it('falls back to another port when :53 is taken on its address', async () => {
    const squatter = createSocket('udp4');
    await new Promise<void>((r) => squatter.bind(53, '127.84.0.1', () => r()));
    const s = new DnsServer({ address: '127.84.0.1', log: nullLogger, lookup: () => ({ answers: [{ type: TYPE.A, ip: '10.0.0.1' }] }) });
    try {
      await assert.rejects(s.start(), /EADDRINUSE/);
      await s.start({ fallback: true });
      assert.notEqual(s.port, 53);
      const r = await new Promise<Buffer>((resolve) => {
        const c = createSocket('udp4');
        c.on('message', (m) => {
          c.close();
          resolve(m);
        });
        c.send(buildQuery(1, 'x', TYPE.A), s.port, '127.84.0.1');
      });
      assert.equal(readAnswers(r).answers[0]!.value, '10.0.0.1');
    } finally {
      await s.close();
      squatter.close();
    }
  });

  it('parses upstream addresses', () => {
    assert.deepEqual(splitUpstream('10.0.0.1'), { host: '10.0.0.1', port: 53 });
    assert.deepEqual(splitUpstream('10.0.0.1:5353'), { host: '10.0.0.1', port: 5353 });
    assert.deepEqual(splitUpstream('[::1]:54'), { host: '::1', port: 54 });
    assert.deepEqual(splitUpstream('fd00::1'), { host: 'fd00::1', port: 53 });
  });
});
