import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isEngineError } from '../core/errors.js';
import { broadcast, contains, defaultPools, formatIPv4, formatSubnet, isIPv4, nth, overlaps, parseIPv4, parseSubnet } from './ipv4.js';

describe('ipv4', () => {
  it('parses and formats addresses', () => {
    assert.equal(formatIPv4(parseIPv4('172.17.0.1')), '172.17.0.1');
    assert.equal(parseIPv4('255.255.255.255'), 0xffffffff);
    for (const bad of ['256.1.1.1', '1.2.3', '01.2.3.4', 'a.b.c.d', '', '1.2.3.4.5']) assert.equal(isIPv4(bad), false, bad);
  });

  it('parses subnets and refuses host bits and garbage', () => {
    assert.equal(formatSubnet(parseSubnet('10.1.0.0/16')), '10.1.0.0/16');
    assert.throws(() => parseSubnet('10.1.2.3/16'), (e) => isEngineError(e, 'InvalidArgument'));
    assert.equal(formatSubnet(parseSubnet('10.1.2.3/16', { strict: false })), '10.1.0.0/16');
    for (const bad of ['foo', '10.0.0.0/33', '10.0.0.0', '10.0.0/8', '300.0.0.0/8']) {
      assert.throws(() => parseSubnet(bad), (e) => isEngineError(e, 'InvalidArgument'), bad);
    }
  });

  it('computes containment, overlap and addresses', () => {
    const a = parseSubnet('10.1.0.0/16');
    assert.ok(contains(a, parseIPv4('10.1.255.1')));
    assert.ok(!contains(a, parseIPv4('10.2.0.1')));
    assert.ok(overlaps(a, parseSubnet('10.1.4.0/24')));
    assert.ok(overlaps(parseSubnet('10.0.0.0/8'), a));
    assert.ok(!overlaps(a, parseSubnet('10.2.0.0/16')));
    assert.equal(formatIPv4(nth(a, 1)), '10.1.0.1');
    assert.equal(formatIPv4(broadcast(a)), '10.1.255.255');
    assert.ok(overlaps(parseSubnet('0.0.0.0/0'), a));
  });

  it('has docker default pools that do not overlap each other', () => {
    const pools = defaultPools();
    assert.equal(formatSubnet(pools[0]!), '172.17.0.0/16');
    for (let i = 0; i < pools.length; i++) for (let j = i + 1; j < pools.length; j++) assert.ok(!overlaps(pools[i]!, pools[j]!));
  });
});
