import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import {
  bytesSize, containerStatus, createdAgo, ellipsis, humanDuration, humanSize, parseBytes,
  parseDuration, parseHumanSize, shortId, truncateCommand,
} from './human.js';

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe('humanSize (docker images SIZE)', () => {
  it('matches what docker images printed for these sizes', () => {
    const seen: [number, string][] = [
      [0, '0B'], [1, '1B'], [999, '999B'], [1000, '1kB'], [1023, '1.02kB'], [1024, '1.02kB'],
      [1125, '1.12kB'], [1375, '1.38kB'], [9995, '9.99kB'], [9999, '10kB'], [12345, '12.3kB'],
      [99949, '99.9kB'], [99950, '100kB'], [999499, '999kB'], [999500, '1e+03kB'],
      [999999, '1e+03kB'], [1000000, '1MB'], [1005000, '1MB'], [1234567, '1.23MB'],
      [100000000, '100MB'], [4265000000, '4.26GB'], [4270000000, '4.27GB'],
      [123456789012, '123GB'], [999999999999, '1e+03GB'], [1e15, '1PB'], [9e18, '9EB'],
    ];
    for (const [n, want] of seen) assert.equal(humanSize(n), want, `${n} bytes`);
  });
});

describe('bytesSize (docker stats)', () => {
  it('uses binary units and four significant digits (go-units test vectors)', () => {
    assert.equal(bytesSize(1024), '1KiB');
    assert.equal(bytesSize(1536 * 1024), '1.5MiB');
    assert.equal(bytesSize(3.42 * 2 ** 30), '3.42GiB');
    assert.equal(bytesSize(5.372 * 2 ** 40), '5.372TiB');
    assert.equal(bytesSize(2 ** 50 * 2 ** 50), '1.049e+06YiB');
    assert.equal(bytesSize(512), '512B');
  });
});

describe('humanDuration', () => {
  it('follows go-units thresholds', () => {
    const cases: [number, string][] = [
      [450, 'Less than a second'], [SEC, '1 second'], [59 * SEC, '59 seconds'],
      [60 * SEC, 'About a minute'], [89 * SEC, 'About a minute'], [90 * SEC, 'About a minute'],
      [119 * SEC, 'About a minute'], [120 * SEC, '2 minutes'], [46 * MIN, '46 minutes'],
      [59 * MIN + 59 * SEC, '59 minutes'], [HOUR, 'About an hour'], [HOUR + 29 * MIN, 'About an hour'],
      [HOUR + 30 * MIN, '2 hours'], [3 * HOUR + 29 * MIN, '3 hours'], [47 * HOUR, '47 hours'],
      [47 * HOUR + 29 * MIN, '47 hours'], [47 * HOUR + 30 * MIN, '2 days'], [48 * HOUR, '2 days'],
      [13 * DAY, '13 days'], [13 * DAY + 5 * HOUR, '13 days'], [14 * DAY, '2 weeks'],
      [13 * 7 * DAY, '3 months'], [8 * 7 * DAY, '8 weeks'], [60 * DAY, '2 months'],
      [729 * DAY, '24 months'], [730 * DAY, '2 years'], [3 * 365 * DAY + 60 * DAY, '3 years'],
    ];
    for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms} ms`);
  });

  it('truncates hours for years even though it rounds them for the other units', () => {
    // 730 days minus one second rounds to 17520 hours (not < 2 years of hours), then divides the
    // truncated 17519 hours: docker prints "1 years ago" here too.
    assert.equal(humanDuration(730 * DAY - SEC), '1 years');
    assert.equal(humanDuration(-5 * SEC), 'Less than a second');
  });

  it('createdAgo appends "ago"', () => {
    const now = Date.UTC(2024, 0, 10, 12, 0, 0);
    assert.equal(createdAgo(now - 90 * SEC, now), 'About a minute ago');
    assert.equal(createdAgo(new Date(now - 3 * DAY), now), '3 days ago');
    assert.equal(createdAgo('2024-01-10T11:59:55Z', now), '5 seconds ago');
  });
});

describe('containerStatus (STATUS column)', () => {
  const now = Date.UTC(2024, 0, 10, 12, 0, 0);
  const iso = (ago: number): string => new Date(now - ago).toISOString();
  const ZERO = '0001-01-01T00:00:00Z';

  it('describes running, healthy, paused and restarting containers', () => {
    assert.equal(containerStatus({ Status: 'running', StartedAt: iso(3 * SEC) }, now), 'Up 3 seconds');
    assert.equal(containerStatus({ Status: 'running', StartedAt: iso(400) }, now), 'Up Less than a second');
    assert.equal(containerStatus({ Status: 'running', StartedAt: iso(2 * MIN), Health: { Status: 'healthy' } }, now),
      'Up 2 minutes (healthy)');
    assert.equal(containerStatus({ Status: 'running', StartedAt: iso(MIN), Health: { Status: 'starting' } }, now),
      'Up About a minute (health: starting)');
    assert.equal(containerStatus({ Status: 'paused', StartedAt: iso(5 * SEC), Health: { Status: 'healthy' } }, now),
      'Up 5 seconds (Paused)');
    assert.equal(containerStatus({ Status: 'restarting', ExitCode: 1, StartedAt: iso(9 * SEC), FinishedAt: iso(2 * SEC) }, now),
      'Restarting (1) 2 seconds ago');
  });

  it('describes created, exited, removing and dead containers', () => {
    assert.equal(containerStatus({ Status: 'created', StartedAt: ZERO, FinishedAt: ZERO }, now), 'Created');
    assert.equal(containerStatus({ Status: 'exited', ExitCode: 0, StartedAt: iso(HOUR), FinishedAt: iso(4 * SEC) }, now),
      'Exited (0) 4 seconds ago');
    assert.equal(containerStatus({ Status: 'exited', ExitCode: 137, StartedAt: iso(3 * DAY), FinishedAt: iso(2 * DAY) }, now),
      'Exited (137) 2 days ago');
    assert.equal(containerStatus({ Status: 'exited', StartedAt: iso(HOUR), FinishedAt: ZERO }, now), '');
    assert.equal(containerStatus({ Status: 'removing' }, now), 'Removal In Progress');
    assert.equal(containerStatus({ Status: 'dead' }, now), 'Dead');
  });
});

describe('COMMAND column', () => {
  it('quotes and cuts to 20 columns like docker ps (recorded outputs)', () => {
    const seen: [string, string][] = [
      ['sleep 1000000000000000', '"sleep 1000000000000…"'],
      ['12345678901234567890', '"12345678901234567890"'],
      ['123456789012345678901', '"1234567890123456789…"'],
      ['日本語日本語日本語日本語日本語', '"日本語日本語日本語…"'],
      ['a日本語日本語日本語日本語日本語', '"a日本語日本語日本語…"'],
      ['ab日本語日本語日本語日本語日本語', '"ab日本語日本語日本…"'],
      ['é'.repeat(25), `"${'é'.repeat(19)}…"`],
      ['"quoted" \\ tab\there', '"\\"quoted\\" \\\\ tab\\there"'],
      ['\u0001ctl', '"\\x01ctl"'],
    ];
    for (const [cmd, want] of seen) assert.equal(truncateCommand(cmd), want, cmd);
    assert.equal(truncateCommand('sleep 1000000000000000', false), '"sleep 1000000000000000"');
  });

  it('ellipsis handles the narrow widths as docker does', () => {
    assert.equal(ellipsis('abc', 0), '');
    assert.equal(ellipsis('日本', 1), '日');
    assert.equal(ellipsis('日本語', 2), '日本語'); // the first character alone is too wide: left whole
    assert.equal(shortId('sha256:0123456789abcdef0123'), '0123456789ab');
  });
});

describe('parseBytes (RAMInBytes) and parseHumanSize', () => {
  it('accepts what docker --memory accepts, with the values it sends', () => {
    const ok: [string, number][] = [
      ['512mb', 536870912], ['1.5g', 1610612736], ['512MiB', 536870912], ['1kib', 1024], ['10', 10],
      ['1 k', 1024], ['.5m', 524288], ['5.m', 5242880], ['1KB', 1024], ['1e3', 1000], ['5 ', 5],
      ['1p', 1125899906842624], ['1.9', 1], ['1b', 1], ['1.5e3k', 1536000], ['1_000', 1000], ['+5', 5],
      ['0x1p3', 8], ['-0', 0], ['1e-3', 0], ['1 kb', 1024], ['9223372036854775807', -9223372036854775808],
    ];
    for (const [s, want] of ok) assert.equal(parseBytes(s), want, s);
    assert.equal(parseHumanSize('32.5 kB'), 32500);
    assert.equal(parseHumanSize('1g'), 1e9);
  });

  it('rejects bad sizes with docker\'s messages', () => {
    const bad: [string, string][] = [
      ['12x', "invalid suffix: 'x'"], ['', "invalid size: ''"], ['abc', "invalid size: 'abc'"],
      ['-1', "invalid size: '-1'"], ['-1k', "invalid size: '-1k'"], ['Inf', "invalid size: 'Inf'"],
      ['1kbb', "invalid suffix: 'kbb'"], ['1KBBB', "invalid suffix: 'KBBB'"], ['1ik', "invalid suffix: 'ik'"],
      ['1ÀB', "invalid suffix: 'àb'"], ['1.2.3m', 'strconv.ParseFloat: parsing "1.2.3": invalid syntax'],
      [' 5', 'strconv.ParseFloat: parsing " 5": invalid syntax'], ['1m b', 'strconv.ParseFloat: parsing "1m": invalid syntax'],
      ['1e400', 'strconv.ParseFloat: parsing "1e400": value out of range'],
    ];
    for (const [s, msg] of bad) assert.throws(() => parseBytes(s), { message: msg }, s);
  });
});

describe('parseDuration (time.ParseDuration)', () => {
  it('returns milliseconds for Go durations', () => {
    const ok: [string, number][] = [
      ['0', 0], ['1h2m3.5s', 3723500], ['300ms', 300], ['1.5h', 5400000], ['10us', 0.01],
      ['10µs', 0.01], ['10μs', 0.01], ['.5s', 500], ['5.s', 5000], ['+1s', 1000], ['-1.5h', -5400000],
      ['1ns', 0.000001], ['1.0000000019s', 1000.000001], ['1.99999999999999999999999s', 2000],
      ['2562047h', 9223369200000],
    ];
    for (const [s, want] of ok) assert.equal(parseDuration(s), want, s);
  });

  it('rejects bad durations with Go\'s messages', () => {
    const bad: [string, string][] = [
      ['x', 'time: invalid duration "x"'], ['', 'time: invalid duration ""'],
      ['1', 'time: missing unit in duration "1"'], ['1x', 'time: unknown unit "x" in duration "1x"'],
      ['1 s', 'time: unknown unit " s" in duration "1 s"'], ['.s', 'time: invalid duration ".s"'],
      ['1µx', 'time: unknown unit "\\xc2\\xb5x" in duration "1\\xc2\\xb5x"'],
      ['a"b', 'time: invalid duration "a\\"b"'], ['1h1', 'time: missing unit in duration "1h1"'],
      ['9223372037s', 'time: invalid duration "9223372037s"'],
      ['2562047h47m16.854775808s', 'time: invalid duration "2562047h47m16.854775808s"'],
    ];
    for (const [s, msg] of bad) assert.throws(() => parseDuration(s), { message: msg }, s);
  });
});
