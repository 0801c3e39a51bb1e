import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildSpec } from './build-spec.js';
import { RLIM_INFINITY, specToJson } from './runtime-spec.js';
import { specInput } from './spec-fixtures.js';

describe('specToJson', () => {
  it('writes RLIM_INFINITY as the exact uint64 literal Go expects', () => {
    const spec = buildSpec(specInput({}, { Ulimits: [{ Name: 'memlock', Soft: -1, Hard: -1 }] }));
    const text = specToJson(spec);
    assert.match(text, /"rlimits":\[\{"type":"RLIMIT_MEMLOCK","hard":18446744073709551615,"soft":18446744073709551615\}\]/);
    assert.equal(RLIM_INFINITY, 18446744073709551615n);
  });

  it('is plain JSON for everything else', () => {
    const spec = buildSpec(specInput());
    assert.deepEqual(JSON.parse(specToJson(spec, 2)), JSON.parse(JSON.stringify(spec)));
    assert.equal(JSON.parse(specToJson(spec)).ociVersion, '1.0.2-dev');
  });
});
