import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContainerConfig, HostConfig } from '../../core/container-types.js';
import { isEngineError } from '../../core/errors.js';
import { defaultConfig, defaultHostConfig } from '../containers/config-defaults.js';
import { exposedKeys, parsePortKey, validatePorts, wantedPorts } from './port-bindings.js';

function cfg(c: Partial<ContainerConfig>, h: Partial<HostConfig>): [ContainerConfig, HostConfig] {
  return [{ ...defaultConfig(), ...c }, { ...defaultHostConfig(), ...h }];
}

describe('published ports', () => {
  it('parses port keys', () => {
    assert.deepEqual(parsePortKey('80'), { port: 80, proto: 'tcp' });
    assert.deepEqual(parsePortKey('53/udp'), { port: 53, proto: 'udp' });
    for (const bad of ['0', '65536', 'x/tcp', '80/icmp', '80-90']) assert.throws(() => parsePortKey(bad), (e) => isEngineError(e, 'InvalidArgument'), bad);
  });

  it('lists bindings, then -P adds every exposed port not bound', () => {
    const [c, h] = cfg(
      { ExposedPorts: { '80/tcp': {}, '443/tcp': {}, '53/udp': {} } },
      { PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }, { HostIp: '', HostPort: '' }] }, PublishAllPorts: true },
    );
    const w = wantedPorts(c, h);
    assert.deepEqual(w.map((x) => [x.key, x.hostIp, x.hostPort]), [
      ['53/udp', '0.0.0.0', ''],
      ['80/tcp', '127.0.0.1', '8080'],
      ['80/tcp', '0.0.0.0', ''],
      ['443/tcp', '0.0.0.0', ''],
    ]);
    assert.deepEqual(exposedKeys(c, h).sort(), ['443/tcp', '53/udp', '80/tcp']);
  });

  it('without -P, exposed ports are not published', () => {
    const [c, h] = cfg({ ExposedPorts: { '80/tcp': {} } }, {});
    assert.deepEqual(wantedPorts(c, h), []);
  });

  it('validates host ports and addresses at create', () => {
    const bad: HostConfig['PortBindings'][] = [
      { '80/tcp': [{ HostIp: '', HostPort: '70000' }] },
      { '80/tcp': [{ HostIp: '', HostPort: '90-80' }] },
      { '80/tcp': [{ HostIp: 'nope', HostPort: '80' }] },
      { 'x/tcp': [] },
    ];
    for (const pb of bad) {
      const [c, h] = cfg({}, { PortBindings: pb });
      assert.throws(() => validatePorts(c, h), (e) => isEngineError(e, 'InvalidArgument'), JSON.stringify(pb));
    }
    const [c, h] = cfg({}, { PortBindings: { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8000-8010' }] } });
    validatePorts(c, h);
  });
});
