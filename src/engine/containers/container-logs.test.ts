import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatTimeNs, parseLogLine, parseTimeNs, readLogs, type LogEntry } from './container-logs.js';

describe('conmon k8s-file logs', () => {
  it('parses full and partial lines and keeps nanoseconds', () => {
    const full = parseLogLine('2026-11-23T09:17:11.705764080+00:00 stdout F hello world')!;
    assert.equal(full.stream, 'stdout');
    assert.equal(full.data.toString(), 'hello world\n');
    assert.equal(formatTimeNs(full.timeNs), '2026-11-23T09:17:11.705764080Z');
    const partial = parseLogLine('2026-11-23T09:17:11.7+01:00 stderr P no newline')!;
    assert.equal(partial.data.toString(), 'no newline');
    assert.equal(partial.timeNs, parseTimeNs('2026-11-23T08:17:11.700000000Z'));
    assert.equal(parseLogLine('garbage'), undefined);
  });

  it('applies tail, since and stream selection', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logs-'));
    const path = join(dir, 'c.log');
    writeFileSync(path, ['1', '2', '3', '4'].map((n, i) => `2026-01-01T00:00:0${i}.000000000Z ${i % 2 ? 'stderr' : 'stdout'} F line${n}`).join('\n') + '\n');
    const got = async (o: Partial<Parameters<typeof readLogs>[1]>) => {
      const out: LogEntry[] = [];
      await readLogs(path, { stdout: true, stderr: true, follow: false, ...o }, (e) => out.push(e));
      return out.map((e) => e.data.toString().trim()).join(',');
    };
    assert.equal(await got({}), 'line1,line2,line3,line4');
    assert.equal(await got({ tail: 2 }), 'line3,line4');
    assert.equal(await got({ tail: 0 }), '');
    assert.equal(await got({ stderr: false }), 'line1,line3');
    assert.equal(await got({ sinceNs: parseTimeNs('2026-01-01T00:00:02Z') }), 'line3,line4');
    assert.equal(await readLogs(join(dir, 'missing.log'), { stdout: true, stderr: true, follow: false }, () => assert.fail()), undefined);
  });
});
