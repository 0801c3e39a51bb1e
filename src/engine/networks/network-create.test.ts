import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isEngineError } from '../../core/errors.js';
import { parseSubnet } from '../../network/ipv4.js';
import { buildNetworkRecord } from './network-create.js';
import type { NetworkRecord } from './network-types.js';

const allocate = async () => parseSubnet('172.20.0.0/16');

describe('network create validation', () => {
  it('fills subnet, gateway and bridge name', async () => {
    const n = await buildNetworkRecord({ Name: 'web', IPAM: { Config: [{ Subnet: '10.5.0.0/24', IPRange: '10.5.0.128/25' }] }, Labels: { a: 'b' } }, { existing: [], allocate });
    assert.deepEqual(n.IPAM.Config, [{ Subnet: '10.5.0.0/24', IPRange: '10.5.0.128/25', Gateway: '10.5.0.1' }]);
    assert.equal(n.bridge, `br-${n.Id.slice(0, 12)}`);
    assert.equal(n.Driver, 'bridge');
    const auto = await buildNetworkRecord({ Name: 'auto' }, { existing: [], allocate });
    assert.equal(auto.IPAM.Config[0]!.Subnet, '172.20.0.0/16');
    assert.equal(auto.IPAM.Config[0]!.Gateway, '172.20.0.1');
  });

  it('refuses bad requests with dockerd errors', async () => {
    const existing = [await buildNetworkRecord({ Name: 'taken', IPAM: { Config: [{ Subnet: '10.9.0.0/16' }] } }, { existing: [], allocate })];
    const cases: [Parameters<typeof buildNetworkRecord>[0], string, RegExp][] = [
      [{ Name: '' }, 'InvalidArgument', /name cannot be empty/],
      [{ Name: 'taken' }, 'Conflict', /network with name taken already exists/],
      [{ Name: 'x', Driver: 'overlay' }, 'NotFound', /plugin "overlay" not found/],
      [{ Name: 'x', Driver: 'host' }, 'Forbidden', /only one instance of "host" network is allowed/],
      [{ Name: 'x', IPAM: { Config: [{ Subnet: 'foo' }] } }, 'InvalidArgument', /invalid CIDR address: foo/],
      [{ Name: 'x', IPAM: { Config: [{ Subnet: '10.9.128.0/24' }] } }, 'Forbidden', /Pool overlaps with other one on this address space/],
      [{ Name: 'x', IPAM: { Config: [{ Subnet: '10.8.0.0/16', Gateway: '10.7.0.1' }] } }, 'InvalidArgument', /invalid gateway/],
      [{ Name: 'x', IPAM: { Config: [{ Gateway: '10.7.0.1' } as never] } }, 'InvalidArgument', /corresponding subnet/],
      [{ Name: 'x', IPAM: { Config: [{ Subnet: '10.8.0.0/16', IPRange: '10.9.0.0/24' }] } }, 'InvalidArgument', /not within subnet/],
      [{ Name: 'x', Options: { 'com.docker.network.driver.mtu': 'big' } }, 'InvalidArgument', /invalid MTU/],
      [{ Name: 'x', Options: { 'com.docker.network.bridge.enable_icc': 'maybe' } }, 'InvalidArgument', /enable_icc/],
      [{ Name: 'x', EnableIPv6: true }, 'NotImplemented', /IPv6/],
      [{ Name: 'bad name' }, 'InvalidArgument', /invalid network name/],
    ];
    for (const [req, code, msg] of cases) {
      await assert.rejects(buildNetworkRecord(req, { existing: existing as NetworkRecord[], allocate }), (e) => isEngineError(e, code as never) && msg.test(e.message), JSON.stringify(req));
    }
  });
});
