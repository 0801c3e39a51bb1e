import { rssMb } from './proc-stats.js';
import { succeeded, type Workload } from './workload.js';

const sum = async (pids: number[]) => (await Promise.all(pids.map(rssMb))).reduce((a, b) => a + b, 0);

/** Memory: the daemon at rest, and the monitor each running container costs. */
export const memoryWorkloads: Workload[] = [
  {
    id: 'idle-rss',
    title: 'daemon RSS when idle (berth versus dockerd + containerd)',
    unit: 'MB',
    target: 0.5,
    maxRuns: 3,
    measure: async (e) => {
      await new Promise((r) => setTimeout(r, 2000));
      return sum(await e.daemonPids());
    },
    limit: "node's own heap and code (a bare `node -e` idles at ~40 MB)",
  },
  {
    id: 'container-rss',
    title: "RSS per running container (berth's monitor versus containerd-shim)",
    unit: 'MB',
    target: 0.25,
    maxRuns: 3,
    measure: async (e) => {
      const ids: string[] = [];
      try {
        for (let i = 0; i < 5; i++) ids.push(succeeded(await e.docker(['run', '-d', 'busybox', 'sleep', '600']), 'run -d').stdout.trim());
        await new Promise((r) => setTimeout(r, 500));
        let total = 0;
        for (const id of ids) total += await sum(await e.monitorPids(id));
        return total / ids.length;
      } finally {
        if (ids.length) await e.docker(['rm', '-f', ...ids]);
      }
    },
  },
];
