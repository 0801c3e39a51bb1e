import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chainNames, renderRules } from './firewall.js';

describe('firewall rules', () => {
  const nets = [
    { bridge: 'br-a', subnet: '172.18.0.0/16', internal: false, masquerade: true, icc: true },
    { bridge: 'br-b', subnet: '172.19.0.0/16', internal: true, masquerade: true, icc: false },
  ];
  const text = renderRules('abcd1234', nets, [
    { proto: 'tcp', hostIp: '', hostPort: 8080, containerIp: '172.18.0.2', containerPort: 80 },
    { proto: 'udp', hostIp: '127.0.0.1', hostPort: 5353, containerIp: '172.18.0.2', containerPort: 53 },
  ]);
  const lines = text.split('\n');

  it('redirects :53 on the gateway when the DNS server had to listen elsewhere', () => {
    const t = renderRules('t', [{ bridge: 'br-c', subnet: '10.0.0.0/24', internal: false, masquerade: true, icc: true, dns: { gateway: '10.0.0.1', port: 40053 } }], []);
    assert.ok(t.includes('-A BERTH-t -i br-c -d 10.0.0.1/32 -p udp -m udp --dport 53 -j DNAT --to-destination 10.0.0.1:40053'));
    assert.ok(t.includes('-A BERTH-t -i br-c -d 10.0.0.1/32 -p tcp -m tcp --dport 53 -j DNAT --to-destination 10.0.0.1:40053'));
    assert.ok(!renderRules('t', [{ bridge: 'br-c', subnet: '10.0.0.0/24', internal: false, masquerade: true, icc: true, dns: { gateway: '10.0.0.1', port: 53 } }], []).includes('--dport 53'));
  });

  it('uses chains named after the daemon tag only', () => {
    assert.deepEqual(chainNames('abcd1234'), { filter: 'BERTH-abcd1234', dnat: 'BERTH-abcd1234', post: 'BERTH-abcd1234-POST' });
    for (const l of lines.filter((x) => x.startsWith('-A'))) assert.match(l, /^-A BERTH-abcd1234(-POST)? /);
    assert.ok(lines.includes(':BERTH-abcd1234 - [0:0]'));
    assert.equal(lines.filter((l) => l === 'COMMIT').length, 2);
  });

  it('publishes ports with DNAT, on every local address or one', () => {
    assert.ok(lines.includes('-A BERTH-abcd1234 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:80'));
    assert.ok(lines.includes('-A BERTH-abcd1234 -d 127.0.0.1/32 -p udp -m udp --dport 5353 -j DNAT --to-destination 172.18.0.2:53'));
  });

  it('isolates networks, closes internal ones, honours icc, masquerades outgoing traffic', () => {
    assert.ok(lines.includes('-A BERTH-abcd1234 -i br-a -o br-b -j DROP'));
    assert.ok(lines.includes('-A BERTH-abcd1234 -i br-b -o br-a -j DROP'));
    assert.ok(lines.includes('-A BERTH-abcd1234 -i br-b ! -o br-b -j DROP'));
    assert.ok(lines.includes('-A BERTH-abcd1234 -i br-b -o br-b -j DROP'));
    assert.ok(!lines.includes('-A BERTH-abcd1234 -i br-a -o br-a -j DROP'));
    assert.ok(lines.includes('-A BERTH-abcd1234-POST -s 172.18.0.0/16 ! -o br-a -j MASQUERADE'));
    assert.ok(!lines.some((l) => l.includes('-s 172.19.0.0/16 ! -o br-b')), 'an internal network is not NATed');
    assert.ok(lines.includes('-A BERTH-abcd1234-POST -s 127.0.0.0/8 -o br-a -j MASQUERADE'));
    // Internal drops come before the accepts.
    assert.ok(lines.indexOf('-A BERTH-abcd1234 -i br-b ! -o br-b -j DROP') < lines.indexOf('-A BERTH-abcd1234 -i br-a -j ACCEPT'));
  });
});
