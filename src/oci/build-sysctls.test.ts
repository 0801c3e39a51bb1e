import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isEngineError } from '../core/errors.js';
import { DEFAULT_NETWORK_SYSCTLS, buildSysctls } from './build-sysctls.js';

const invalid = (e: unknown) => isEngineError(e, 'InvalidArgument');
const own = { hostIpc: false, hostNetwork: false, addNetworkDefaults: false };

describe('buildSysctls', () => {
  it('accepts the namespaced IPC and network parameters', () => {
    const user = {
      'kernel.msgmax': '65536', 'kernel.msgmnb': '1', 'kernel.msgmni': '1', 'kernel.sem': '250 32000 32 128', 'kernel.shmall': '1',
      'kernel.shmmax': '1', 'kernel.shmmni': '1', 'kernel.shm_rmid_forced': '1', 'fs.mqueue.msg_max': '20', 'net.ipv4.ip_forward': '1',
    };
    assert.deepEqual(buildSysctls(user, own), user);
  });

  it('returns nothing when nothing applies', () => {
    assert.equal(buildSysctls(undefined, own), undefined);
    assert.equal(buildSysctls({}, { ...own, hostNetwork: true, addNetworkDefaults: true }), undefined);
  });

  it('adds Docker\'s unprivileged-port and ping defaults to a private network namespace; the user wins', () => {
    assert.deepEqual(buildSysctls(null, { ...own, addNetworkDefaults: true }), DEFAULT_NETWORK_SYSCTLS);
    assert.equal(buildSysctls({ 'net.ipv4.ip_unprivileged_port_start': '1024' }, { ...own, addNetworkDefaults: true })?.['net.ipv4.ip_unprivileged_port_start'], '1024');
  });

  it('refuses parameters that are not namespaced', () => {
    for (const k of ['kernel.hostname', 'kernel.panic', 'vm.swappiness', 'fs.file-max', 'kernel.msg', 'kernel.domainname']) {
      assert.throws(() => buildSysctls({ [k]: '1' }, own), invalid, k);
    }
  });

  it('refuses net.* in the host network namespace and IPC ones in the host IPC namespace', () => {
    assert.throws(() => buildSysctls({ 'net.ipv4.ip_forward': '1' }, { ...own, hostNetwork: true }), invalid);
    assert.throws(() => buildSysctls({ 'kernel.shmmax': '1' }, { ...own, hostIpc: true }), invalid);
    assert.throws(() => buildSysctls({ 'fs.mqueue.msg_max': '1' }, { ...own, hostIpc: true }), invalid);
    assert.deepEqual(buildSysctls({ 'kernel.shmmax': '1' }, { ...own, hostNetwork: true }), { 'kernel.shmmax': '1' });
  });
});
