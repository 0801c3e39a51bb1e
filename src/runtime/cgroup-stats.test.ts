import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseNetDev, readCgroupStats, readCgroupV2, systemCpuUsage } from './cgroup-stats.js';

async function fixture(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cgroup-fixture-'));
  for (const [name, body] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), body);
  }
  return dir;
}

describe('cgroup stats', () => {
  it('reads a cgroup v2 directory', async () => {
    const dir = await fixture({
      'cpu.stat': 'usage_usec 2500\nuser_usec 2000\nsystem_usec 500\nnr_periods 4\nnr_throttled 1\nthrottled_usec 30\n',
      'memory.current': '1048576\n',
      'memory.max': 'max\n',
      'memory.stat': 'anon 4096\nfile 8192\ninactive_file 4096\n',
      'pids.current': '3\n',
      'pids.max': '100\n',
      'io.stat': '8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n',
    });
    try {
      const s = await readCgroupV2(dir);
      assert.deepEqual(s.cpu_stats.cpu_usage, { total_usage: 2_500_000, usage_in_kernelmode: 500_000, usage_in_usermode: 2_000_000 });
      assert.deepEqual(s.cpu_stats.throttling_data, { periods: 4, throttled_periods: 1, throttled_time: 30_000 });
      assert.equal(s.memory_stats.usage, 1048576);
      assert.equal(s.memory_stats.limit, undefined);
      assert.equal(s.memory_stats.stats!.inactive_file, 4096);
      assert.deepEqual(s.pids_stats, { current: 3, limit: 100 });
      assert.deepEqual(s.blkio_stats.io_service_bytes_recursive, [
        { major: 8, minor: 0, op: 'read', value: 4096 },
        { major: 8, minor: 0, op: 'write', value: 8192 },
      ]);
      assert.deepEqual(s.blkio_stats.io_serviced_recursive![1], { major: 8, minor: 0, op: 'write', value: 2 });
      // Only a unified path: the v2 reader is chosen.
      assert.equal((await readCgroupStats({ '': dir })).memory_stats.usage, 1048576);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads cgroup v1 controller directories', async () => {
    const dir = await fixture({
      'cpuacct/cpuacct.usage': '3000\n',
      'cpuacct/cpuacct.usage_percpu': '1000 2000 \n',
      'cpuacct/cpuacct.stat': 'user 2\nsystem 1\n',
      'cpu/cpu.stat': 'nr_periods 0\nnr_throttled 0\nthrottled_time 0\n',
      'memory/memory.usage_in_bytes': '2048\n',
      'memory/memory.max_usage_in_bytes': '4096\n',
      'memory/memory.limit_in_bytes': '9223372036854771712\n',
      'memory/memory.stat': 'cache 0\ntotal_inactive_file 1024\n',
      'pids/pids.current': '1\n',
      'pids/pids.max': 'max\n',
      'blkio/blkio.throttle.io_service_bytes_recursive': '8:0 Read 512\n8:0 Write 0\nTotal 512\n',
    });
    try {
      const s = await readCgroupStats({ cpuacct: join(dir, 'cpuacct'), cpu: join(dir, 'cpu'), memory: join(dir, 'memory'), pids: join(dir, 'pids'), blkio: join(dir, 'blkio') });
      assert.deepEqual(s.cpu_stats.cpu_usage, { total_usage: 3000, percpu_usage: [1000, 2000], usage_in_kernelmode: 10_000_000, usage_in_usermode: 20_000_000 });
      assert.equal(s.memory_stats.limit, undefined, 'the v1 "unlimited" value is no limit');
      assert.equal(s.memory_stats.max_usage, 4096);
      assert.deepEqual(s.pids_stats, { current: 1, limit: undefined });
      assert.deepEqual(s.blkio_stats.io_service_bytes_recursive, [
        { major: 8, minor: 0, op: 'Read', value: 512 },
        { major: 8, minor: 0, op: 'Write', value: 0 },
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('parses /proc/stat and /proc/<pid>/net/dev', () => {
    assert.equal(systemCpuUsage('cpu  1 2 3 4 5 6 7 8 0 0\ncpu0 1 1 1 1 1 1 1\n'), 28 * 1e7);
    const dev = parseNetDev(
      'Inter-|   Receive |  Transmit\n face |bytes packets errs drop fifo frame compressed multicast|bytes packets errs drop fifo colls carrier compressed\n' +
        '    lo:     100 1 0 0 0 0 0 0 100 1 0 0 0 0 0 0\n  eth0:    1500 10 1 2 0 0 0 0 700 5 0 3 0 0 0 0\n',
    );
    assert.deepEqual(Object.keys(dev), ['eth0']);
    assert.deepEqual(dev.eth0, { rx_bytes: 1500, rx_packets: 10, rx_errors: 1, rx_dropped: 2, tx_bytes: 700, tx_packets: 5, tx_errors: 0, tx_dropped: 3 });
  });
});
