import { createInterface } from 'node:readline';
import type { CliEnv, Command } from '../../command.js';
import { formatList } from '../../format/table.js';
import { bytesSize, humanSize } from '../../format/human.js';
import { formatFloat } from '../../format/go-float.js';

interface Stats {
  read: string;
  name: string;
  id: string;
  cpu_stats: { cpu_usage: { total_usage: number; percpu_usage?: number[] }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats: { cpu_usage: { total_usage: number }; system_cpu_usage?: number };
  memory_stats: { usage?: number; limit?: number; stats?: Record<string, number> };
  pids_stats: { current?: number };
  blkio_stats: { io_service_bytes_recursive: { op: string; value: number }[] | null };
  networks?: Record<string, { rx_bytes: number; tx_bytes: number }>;
}

const DEFAULT_TABLE = 'table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}';
const HEADERS: Record<string, string> = {
  Container: 'CONTAINER',
  ID: 'CONTAINER ID',
  Name: 'NAME',
  CPUPerc: 'CPU %',
  MemUsage: 'MEM USAGE / LIMIT',
  MemPerc: 'MEM %',
  NetIO: 'NET I/O',
  BlockIO: 'BLOCK I/O',
  PIDs: 'PIDS',
};

const pct = (v: number) => `${formatFloat(v, 'f', 2)}%`;

/** docker's stats arithmetic: CPU % over the sample interval, memory without the inactive page cache. */
export function statsRow(container: string, s: Stats | undefined, noTrunc: boolean): Record<string, string> {
  const id = s?.id ?? container;
  const base = { Container: container, ID: noTrunc ? id : id.slice(0, 12), Name: (s?.name ?? '').replace(/^\//, '') || '--' };
  if (!s || s.read.startsWith('0001-')) {
    return { ...base, CPUPerc: '--', MemUsage: '-- / --', MemPerc: '--', NetIO: '--', BlockIO: '--', PIDs: '--' };
  }
  const cpuDelta = s.cpu_stats.cpu_usage.total_usage - s.precpu_stats.cpu_usage.total_usage;
  const sysDelta = (s.cpu_stats.system_cpu_usage ?? 0) - (s.precpu_stats.system_cpu_usage ?? 0);
  const cpus = s.cpu_stats.online_cpus || s.cpu_stats.cpu_usage.percpu_usage?.length || 1;
  const cpu = cpuDelta > 0 && sysDelta > 0 ? (cpuDelta / sysDelta) * cpus * 100 : 0;
  const st = s.memory_stats.stats ?? {};
  const usage = s.memory_stats.usage ?? 0;
  const inactive = st.total_inactive_file ?? st.inactive_file ?? 0;
  const mem = inactive < usage ? usage - inactive : usage;
  const limit = s.memory_stats.limit ?? 0;
  let rx = 0;
  let tx = 0;
  for (const n of Object.values(s.networks ?? {})) {
    rx += n.rx_bytes;
    tx += n.tx_bytes;
  }
  let read = 0;
  let write = 0;
  for (const e of s.blkio_stats.io_service_bytes_recursive ?? []) {
    if (e.op.toLowerCase() === 'read') read += e.value;
    if (e.op.toLowerCase() === 'write') write += e.value;
  }
  return {
    ...base,
    CPUPerc: pct(cpu),
    MemUsage: `${bytesSize(mem)} / ${bytesSize(limit)}`,
    MemPerc: pct(limit ? (mem / limit) * 100 : 0),
    NetIO: `${humanSize(rx)} / ${humanSize(tx)}`,
    BlockIO: `${humanSize(read)} / ${humanSize(write)}`,
    PIDs: String(s.pids_stats.current ?? 0),
  };
}

async function targets(env: CliEnv, args: string[], all: boolean): Promise<string[]> {
  if (args.length) return args;
  const list = await env.client.json<{ Id: string }[]>('GET', '/containers/json', { query: { all } });
  return list.map((c) => c.Id);
}

const command: Command = {
  usage: '[OPTIONS] [CONTAINER...]',
  description: 'Display a live stream of container(s) resource usage statistics',
  flags: [
    { name: 'all', short: 'a', type: 'bool', description: 'Show all containers (default shows just running)' },
    { name: 'format', type: 'string', description: "Format output using a custom template: 'table', 'table TEMPLATE', 'json', 'TEMPLATE'" },
    { name: 'no-stream', type: 'bool', description: 'Disable streaming stats and only pull the first result' },
    { name: 'no-trunc', type: 'bool', description: "Don't truncate output" },
  ],
  async run(env, p) {
    const noTrunc = Boolean(p.flags['no-trunc']);
    const format = p.flags.format as string | undefined;
    const names = await targets(env, p.args, Boolean(p.flags.all));
    const render = (latest: Map<string, Stats | undefined>) =>
      formatList(format, names.map((n) => statsRow(n, latest.get(n), noTrunc)), { defaultTable: DEFAULT_TABLE, headers: HEADERS });
    if (p.flags['no-stream']) {
      const latest = new Map<string, Stats | undefined>();
      let failed = false;
      await Promise.all(
        names.map(async (n) => {
          try {
            latest.set(n, await env.client.json<Stats>('GET', `/containers/${encodeURIComponent(n)}/stats`, { query: { stream: false } }));
          } catch (e) {
            failed = true;
            env.stderr.write(`Error response from daemon: ${(e as Error).message}\n`);
          }
        }),
      );
      if (failed && p.args.length) return 1;
      env.stdout.write(render(latest));
      return 0;
    }
    // Like docker: a container that does not exist is an error before anything is drawn.
    for (const n of p.args) {
      try {
        await env.client.json('GET', `/containers/${encodeURIComponent(n)}/json`);
      } catch (e) {
        env.stderr.write(`Error response from daemon: ${(e as Error).message}\n`);
        return 1;
      }
    }
    const latest = new Map<string, Stats | undefined>();
    const ac = new AbortController();
    for (const n of names) {
      void (async () => {
        const r = await env.client.raw('GET', `/containers/${encodeURIComponent(n)}/stats`, { query: { stream: true }, signal: ac.signal });
        if (r.status !== 200) {
          r.body.resume();
          return;
        }
        for await (const line of createInterface({ input: r.body })) if (line.trim()) latest.set(n, JSON.parse(line) as Stats);
      })().catch(() => {});
    }
    // Redraw the table once a second, as docker does, until interrupted.
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => env.stdout.write(`\x1b[2J\x1b[H${render(latest)}`), 1000);
      process.once('SIGINT', () => {
        clearInterval(timer);
        ac.abort();
        resolve();
      });
    });
    return 0;
  },
};

export default command;
