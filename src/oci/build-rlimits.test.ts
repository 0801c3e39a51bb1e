import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isEngineError } from '../core/errors.js';
import { ULIMIT_NAMES, buildRlimits } from './build-rlimits.js';
import { RLIM_INFINITY } from './runtime-spec.js';

const invalid = (e: unknown) => isEngineError(e, 'InvalidArgument');

describe('buildRlimits', () => {
  it('writes no rlimits unless --ulimit is given', () => {
    assert.equal(buildRlimits(null), undefined);
    assert.equal(buildRlimits([]), undefined);
    assert.equal(buildRlimits(undefined, { nofile: 20000 }), undefined);
  });

  it('maps every Docker ulimit name to its RLIMIT_ resource', () => {
    const names = ['core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss', 'rtprio', 'rttime', 'sigpending', 'stack', 'as'];
    assert.deepEqual(Object.keys(ULIMIT_NAMES).sort(), [...names].sort());
    const out = buildRlimits(names.map((Name) => ({ Name, Soft: 1, Hard: 2 })))!;
    assert.deepEqual(out.map((r) => r.type), names.map((n) => `RLIMIT_${n.toUpperCase()}`));
    assert.ok(out.every((r) => r.soft === 1 && r.hard === 2));
  });

  it('passes soft and hard through and turns -1 into RLIM_INFINITY', () => {
    assert.deepEqual(buildRlimits([{ Name: 'nofile', Soft: 1024, Hard: 4096 }]), [{ type: 'RLIMIT_NOFILE', soft: 1024, hard: 4096 }]);
    assert.deepEqual(buildRlimits([{ Name: 'memlock', Soft: -1, Hard: -1 }]), [{ type: 'RLIMIT_MEMLOCK', soft: RLIM_INFINITY, hard: RLIM_INFINITY }]);
    assert.deepEqual(buildRlimits([{ Name: 'core', Soft: 0, Hard: -1 }]), [{ type: 'RLIMIT_CORE', soft: 0, hard: RLIM_INFINITY }]);
  });

  it('lets a later entry for the same name win', () => {
    assert.deepEqual(buildRlimits([{ Name: 'nofile', Soft: 1, Hard: 1 }, { Name: 'NOFILE', Soft: 2, Hard: 3 }]), [{ type: 'RLIMIT_NOFILE', soft: 2, hard: 3 }]);
  });

  it('refuses soft above hard, unknown names and bad numbers', () => {
    assert.throws(() => buildRlimits([{ Name: 'nofile', Soft: 2048, Hard: 1024 }]), invalid);
    assert.throws(() => buildRlimits([{ Name: 'nofile', Soft: -1, Hard: 1024 }]), invalid);
    assert.throws(() => buildRlimits([{ Name: 'files', Soft: 1, Hard: 1 }]), invalid);
    assert.throws(() => buildRlimits([{ Name: 'nofile', Soft: -2, Hard: 1 }]), invalid);
    assert.throws(() => buildRlimits([{ Name: 'nofile', Soft: 1.5, Hard: 2 }]), invalid);
  });

  it('refuses a hard limit above the host maximum, naming the ulimit and the maximum', () => {
    assert.throws(
      () => buildRlimits([{ Name: 'nofile', Soft: 1024, Hard: 30000 }], { nofile: 20000 }),
      (e: unknown) => invalid(e) && /nofile/.test((e as Error).message) && /20000/.test((e as Error).message),
    );
    assert.throws(() => buildRlimits([{ Name: 'nofile', Soft: -1, Hard: -1 }], { nofile: 20000 }), invalid);
    assert.deepEqual(buildRlimits([{ Name: 'nofile', Soft: 20000, Hard: 20000 }], { nofile: 20000 }), [{ type: 'RLIMIT_NOFILE', soft: 20000, hard: 20000 }]);
    assert.ok(buildRlimits([{ Name: 'nproc', Soft: 99999, Hard: 99999 }], { nofile: 20000 }));
    assert.ok(buildRlimits([{ Name: 'core', Soft: -1, Hard: -1 }], { core: Infinity }));
    assert.ok(buildRlimits([{ Name: 'core', Soft: -1, Hard: -1 }], { core: -1 }));
  });
});
