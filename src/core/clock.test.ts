import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nowRfc3339Nano, rfc3339Nano } from './clock.js';

describe('clock', () => {
  it('formats RFC 3339 with nanoseconds, fixed width', () => {
    assert.equal(rfc3339Nano(1_700_000_000_123_456_789n), '2023-11-14T22:13:20.123456789Z');
    assert.equal(rfc3339Nano(1_700_000_000_120_000_000n), '2023-11-14T22:13:20.120000000Z');
    assert.match(nowRfc3339Nano(), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
  });
});
