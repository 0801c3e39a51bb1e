import { readdir, readFile } from 'node:fs/promises';

/** Resident set size of one process in MiB (0 when it is gone). */
export async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const m = /VmRSS:\s+(\d+)/.exec(status);
  return m ? Number(m[1]) / 1024 : 0;
}

/** PIDs whose command name is one of `names` and whose command line contains `needle`. */
export async function pidsMatching(names: string[], needle = ''): Promise<number[]> {
  const out: number[] = [];
  for (const p of await readdir('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    const comm = (await readFile(`/proc/${p}/comm`, 'utf8').catch(() => '')).trim();
    if (!names.includes(comm)) continue;
    const cmdline = await readFile(`/proc/${p}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(needle)) out.push(Number(p));
  }
  return out;
}
