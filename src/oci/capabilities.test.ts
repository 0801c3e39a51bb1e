import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isEngineError } from '../core/errors.js';
import {
  ALL_CAPABILITIES,
  DEFAULT_CAPABILITIES,
  capabilitiesFromMask,
  capabilityMask,
  normalizeCapability,
  resolveCapabilities,
} from './capabilities.js';

const sorted = (xs: readonly string[]) => [...xs].sort();
const invalid = (e: unknown) => isEngineError(e, 'InvalidArgument');

describe('capability tables', () => {
  it('has exactly Docker\'s 14 default capabilities', () => {
    assert.deepEqual(sorted(DEFAULT_CAPABILITIES), sorted([
      'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
      'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
    ]));
  });

  it('lists all 41 Linux capabilities at their bit positions', () => {
    assert.equal(ALL_CAPABILITIES.length, 41);
    assert.equal(ALL_CAPABILITIES[0], 'CAP_CHOWN');
    assert.equal(ALL_CAPABILITIES[13], 'CAP_NET_RAW');
    assert.equal(ALL_CAPABILITIES[21], 'CAP_SYS_ADMIN');
    assert.equal(ALL_CAPABILITIES[24], 'CAP_SYS_RESOURCE');
    assert.equal(ALL_CAPABILITIES[40], 'CAP_CHECKPOINT_RESTORE');
    assert.equal(new Set(ALL_CAPABILITIES).size, 41);
  });

  it('computes the CapEff mask Docker containers show (00000000a80425fb)', () => {
    assert.equal(capabilityMask(DEFAULT_CAPABILITIES), 0xa80425fbn);
    assert.equal(capabilityMask(ALL_CAPABILITIES), (1n << 41n) - 1n);
  });

  it('decodes a CapBnd mask back to names', () => {
    assert.deepEqual(sorted(capabilitiesFromMask('00000000a80425fb')), sorted(DEFAULT_CAPABILITIES));
    const limited = capabilitiesFromMask('000001fffeffffff');
    assert.equal(limited.length, 40);
    assert.ok(!limited.includes('CAP_SYS_RESOURCE'));
    assert.deepEqual(capabilitiesFromMask(0n), []);
    assert.throws(() => capabilitiesFromMask('zz'), invalid);
  });
});

describe('normalizeCapability', () => {
  it('accepts any case, with or without CAP_', () => {
    for (const n of ['net_admin', 'NET_ADMIN', 'cap_net_admin', 'Cap_Net_Admin', ' CAP_NET_ADMIN ']) {
      assert.equal(normalizeCapability(n), 'CAP_NET_ADMIN');
    }
    assert.equal(normalizeCapability('all'), 'ALL');
  });

  it('refuses unknown names with InvalidArgument naming them', () => {
    assert.throws(() => normalizeCapability('CAP_FLY'), (e: unknown) => invalid(e) && /CAP_FLY/.test((e as Error).message));
    assert.throws(() => normalizeCapability('CAP_ALL'), invalid);
  });
});

describe('resolveCapabilities', () => {
  it('returns the defaults with no flags', () => {
    assert.deepEqual(sorted(resolveCapabilities(null, null, false)), sorted(DEFAULT_CAPABILITIES));
    assert.deepEqual(sorted(resolveCapabilities([], [], false)), sorted(DEFAULT_CAPABILITIES));
  });

  it('returns capability-number order without duplicates', () => {
    const caps = resolveCapabilities(['KILL', 'SYS_ADMIN', 'sys_admin'], null, false);
    assert.deepEqual(caps, [...caps].sort((a, b) => ALL_CAPABILITIES.indexOf(a) - ALL_CAPABILITIES.indexOf(b)));
    assert.equal(caps.filter((c) => c === 'CAP_SYS_ADMIN').length, 1);
    assert.equal(caps.length, 15);
  });

  it('adds and drops', () => {
    const caps = resolveCapabilities(['sys_ptrace', 'CAP_NET_ADMIN'], ['net_raw', 'MKNOD'], false);
    assert.ok(caps.includes('CAP_SYS_PTRACE') && caps.includes('CAP_NET_ADMIN'));
    assert.ok(!caps.includes('CAP_NET_RAW') && !caps.includes('CAP_MKNOD'));
    assert.equal(caps.length, 14);
  });

  it('keeps a capability named in both add and drop (the add is applied last, as in Docker)', () => {
    assert.ok(resolveCapabilities(['NET_RAW'], ['NET_RAW'], false).includes('CAP_NET_RAW'));
    assert.ok(resolveCapabilities(['SYS_ADMIN'], ['SYS_ADMIN'], false).includes('CAP_SYS_ADMIN'));
  });

  it('--cap-drop ALL keeps only the explicit adds', () => {
    assert.deepEqual(resolveCapabilities(null, ['ALL'], false), []);
    assert.deepEqual(resolveCapabilities(['chown', 'SETUID'], ['all'], false), ['CAP_CHOWN', 'CAP_SETUID']);
  });

  it('--cap-add ALL grants everything but the explicit drops', () => {
    assert.deepEqual(resolveCapabilities(['ALL'], null, false), [...ALL_CAPABILITIES]);
    const caps = resolveCapabilities(['ALL'], ['MKNOD', 'sys_admin'], false);
    assert.equal(caps.length, 39);
    assert.ok(!caps.includes('CAP_MKNOD') && !caps.includes('CAP_SYS_ADMIN'));
    assert.deepEqual(resolveCapabilities(['ALL'], ['ALL'], false), [...ALL_CAPABILITIES]);
  });

  it('privileged grants every capability and ignores add/drop', () => {
    assert.deepEqual(resolveCapabilities(null, ['ALL'], true), [...ALL_CAPABILITIES]);
  });

  it('rejects unknown names in add or drop, even when privileged-like ALL is present', () => {
    assert.throws(() => resolveCapabilities(['CAP_BOGUS'], null, false), invalid);
    assert.throws(() => resolveCapabilities(null, ['bogus'], false), invalid);
    assert.throws(() => resolveCapabilities(['ALL', 'bogus'], null, false), invalid);
  });

  it('limits "all" to the available set and refuses an add outside it', () => {
    const available = capabilitiesFromMask('000001fffeffffff');
    const priv = resolveCapabilities(null, null, true, available);
    assert.equal(priv.length, 40);
    assert.ok(!priv.includes('CAP_SYS_RESOURCE'));
    assert.ok(!resolveCapabilities(['ALL'], null, false, available).includes('CAP_SYS_RESOURCE'));
    assert.throws(() => resolveCapabilities(['SYS_RESOURCE'], null, false, available), invalid);
    assert.deepEqual(sorted(resolveCapabilities(null, null, false, available)), sorted(DEFAULT_CAPABILITIES));
    assert.deepEqual(resolveCapabilities(null, null, false, ['CAP_CHOWN', 'CAP_KILL']), ['CAP_CHOWN', 'CAP_KILL']);
  });
});
