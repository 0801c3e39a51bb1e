import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BACKOFF_MAX_MS, nextDelay, shouldRestart } from './restart-policies.js';

describe('restart policies', () => {
  it('follows docker: always, unless-stopped, on-failure with a retry limit, no', () => {
    assert.equal(shouldRestart({ Name: 'always', MaximumRetryCount: 0 }, 0, true, 50), true);
    assert.equal(shouldRestart({ Name: 'unless-stopped', MaximumRetryCount: 0 }, 0, false, 0), true);
    assert.equal(shouldRestart({ Name: 'unless-stopped', MaximumRetryCount: 0 }, 1, true, 0), false);
    assert.equal(shouldRestart({ Name: 'on-failure', MaximumRetryCount: 0 }, 0, false, 0), false);
    assert.equal(shouldRestart({ Name: 'on-failure', MaximumRetryCount: 0 }, 3, false, 99), true);
    assert.equal(shouldRestart({ Name: 'on-failure', MaximumRetryCount: 2 }, 3, false, 1), true);
    assert.equal(shouldRestart({ Name: 'on-failure', MaximumRetryCount: 2 }, 3, false, 2), false);
    assert.equal(shouldRestart({ Name: 'no', MaximumRetryCount: 0 }, 1, false, 0), false);
    assert.equal(shouldRestart({ Name: '', MaximumRetryCount: 0 }, 1, false, 0), false);
  });

  it('backs off from 100 ms, doubling up to a minute, and starts over after a 10 s run', () => {
    assert.equal(nextDelay(undefined, 0), 100);
    assert.equal(nextDelay(100, 50), 200);
    assert.equal(nextDelay(200, 9_999), 400);
    assert.equal(nextDelay(400, 10_000), 100);
    assert.equal(nextDelay(40_000, 0), BACKOFF_MAX_MS);
  });
});
