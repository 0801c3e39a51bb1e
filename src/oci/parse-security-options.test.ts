import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isEngineError } from '../core/errors.js';
import { parseSecurityOptions } from './parse-security-options.js';

const invalid = (e: unknown) => isEngineError(e, 'InvalidArgument');

describe('parseSecurityOptions', () => {
  it('defaults to the default seccomp profile and no flags', () => {
    assert.deepEqual(parseSecurityOptions(null), { seccomp: { kind: 'default' }, noNewPrivileges: false, unmaskSystemPaths: false, writableCgroups: false });
  });

  it('reads no-new-privileges in all its spellings', () => {
    for (const o of ['no-new-privileges', 'no-new-privileges=true', 'no-new-privileges:true', 'no-new-privileges=1', 'no-new-privileges=True']) {
      assert.equal(parseSecurityOptions([o]).noNewPrivileges, true, o);
    }
    assert.equal(parseSecurityOptions(['no-new-privileges', 'no-new-privileges=false']).noNewPrivileges, false);
    assert.throws(() => parseSecurityOptions(['no-new-privileges=maybe']), invalid);
  });

  it('reads seccomp choices', () => {
    assert.deepEqual(parseSecurityOptions(['seccomp=unconfined']).seccomp, { kind: 'unconfined' });
    assert.deepEqual(parseSecurityOptions(['seccomp:unconfined']).seccomp, { kind: 'unconfined' });
    assert.deepEqual(parseSecurityOptions(['seccomp=builtin']).seccomp, { kind: 'default' });
    const json = '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["a=b"],"action":"SCMP_ACT_ERRNO"}]}';
    assert.deepEqual(parseSecurityOptions([`seccomp=${json}`]).seccomp, { kind: 'custom', profile: json });
    assert.throws(() => parseSecurityOptions(['seccomp=']), invalid);
  });

  it('accepts and ignores apparmor and label options', () => {
    assert.deepEqual(parseSecurityOptions(['apparmor=unconfined', 'label=disable', 'label:type:svirt_t', 'disable']), parseSecurityOptions([]));
  });

  it('reads systempaths and writable-cgroups', () => {
    assert.equal(parseSecurityOptions(['systempaths=unconfined']).unmaskSystemPaths, true);
    assert.equal(parseSecurityOptions(['writable-cgroups=true']).writableCgroups, true);
    assert.throws(() => parseSecurityOptions(['systempaths=confined']), invalid);
    assert.throws(() => parseSecurityOptions(['writable-cgroups=yes']), invalid);
  });

  it('refuses unknown options', () => {
    for (const o of ['foo=bar', 'privileged', 'seccomp', 'selinux=x', '']) assert.throws(() => parseSecurityOptions([o]), invalid, o);
  });
});
