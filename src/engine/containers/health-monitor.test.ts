import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HealthState } from '../../core/container-types.js';
import { applyProbe, goDuration, probeArgs } from './health-monitor.js';

const entry = (code: number) => ({ Start: 's', End: 'e', ExitCode: code, Output: String(code) });

describe('health checks', () => {
  it('turns HEALTHCHECK tests into a command', () => {
    assert.deepEqual(probeArgs({ Test: ['CMD', 'true', 'x'] }, undefined), ['true', 'x']);
    assert.deepEqual(probeArgs({ Test: ['CMD-SHELL', 'exit 1'] }, undefined), ['/bin/sh', '-c', 'exit 1']);
    assert.deepEqual(probeArgs({ Test: ['CMD-SHELL', 'x'] }, ['/bin/bash', '-ec']), ['/bin/bash', '-ec', 'x']);
    assert.equal(probeArgs({ Test: ['NONE'] }, undefined), undefined);
    assert.equal(probeArgs({ Test: [] }, undefined), undefined);
    assert.equal(probeArgs(undefined, undefined), undefined);
  });

  it('counts failures up to the retries, resets on success and keeps five log entries', () => {
    let h: HealthState = { Status: 'starting', FailingStreak: 0, Log: [] };
    h = applyProbe(h, entry(1), 2, false);
    assert.equal(h.Status, 'starting');
    assert.equal(h.FailingStreak, 1);
    h = applyProbe(h, entry(1), 2, false);
    assert.equal(h.Status, 'unhealthy');
    h = applyProbe(h, entry(0), 2, false);
    assert.deepEqual([h.Status, h.FailingStreak], ['healthy', 0]);
    for (let i = 0; i < 6; i++) h = applyProbe(h, entry(i + 10), 99, false);
    assert.equal(h.Log.length, 5);
    assert.equal(h.Log[4]!.ExitCode, 15);
  });

  it('does not count failures inside the start period until the first success', () => {
    let h: HealthState = { Status: 'starting', FailingStreak: 0, Log: [] };
    h = applyProbe(h, entry(1), 1, true);
    assert.deepEqual([h.Status, h.FailingStreak, h.Log.length], ['starting', 0, 1]);
  });

  it('formats durations as Go does', () => {
    assert.equal(goDuration(30_000), '30s');
    assert.equal(goDuration(500), '500ms');
    assert.equal(goDuration(1500), '1.5s');
    assert.equal(goDuration(90_000), '1m30s');
  });
});
