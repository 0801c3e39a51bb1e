import { readFile, writeFile } from 'node:fs/promises';
import { median } from './stats.js';

export interface Row {
  id: string;
  title: string;
  unit: 'ms' | 'MB';
  target: number;
  berth: number[];
  docker: number[];
  ratios: number[];
  /** What limits berth, shown when the target is missed. */
  limit?: string;
  /** Why the row has no figures. */
  note?: string;
}

function fmt(v: number, unit: string): string {
  return unit === 'ms' ? (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`) : `${v.toFixed(1)} MB`;
}

export function stats(xs: number[], unit: string): string {
  if (!xs.length) return '—';
  return `${fmt(median(xs), unit)} (${fmt(Math.min(...xs), unit)}–${fmt(Math.max(...xs), unit)})`;
}

export function ratioOf(r: Row): number | undefined {
  return r.ratios.length ? median(r.ratios) : undefined;
}

function verdict(r: Row): string {
  if (r.note) return r.note;
  const ratio = ratioOf(r);
  if (ratio === undefined) return 'berth only';
  if (ratio <= r.target) return 'met';
  return `missed: ${(ratio / r.target).toFixed(2)}× the target${r.limit ? `; ${r.limit}` : ''}`;
}

export function tableMarkdown(rows: Row[]): string {
  const lines = [
    '| workload | berth median (min–max) | dockerd median (min–max) | berth/dockerd | target | verdict |',
    '|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const ratio = ratioOf(r);
    lines.push(`| ${r.title} | ${stats(r.berth, r.unit)} | ${stats(r.docker, r.unit)} | ${ratio === undefined ? '—' : `${ratio.toFixed(2)}x`} | ≤ ${r.target}x | ${verdict(r)} |`);
  }
  return lines.join('\n');
}

const BEGIN = '<!-- bench:begin -->';
const END = '<!-- bench:end -->';

/** Replace the generated section of docs/benchmarks.md (or create the file around it). */
export async function writeReport(path: string, section: string): Promise<void> {
  let doc = await readFile(path, 'utf8').catch(() => '');
  if (!doc) doc = '# Benchmarks\n\n`npm run bench` measures berth and dockerd side by side (see bench/). The section below is replaced by each run.\n';
  if (!doc.includes(BEGIN)) doc += `\n${BEGIN}\n${END}\n`;
  const before = doc.slice(0, doc.indexOf(BEGIN) + BEGIN.length);
  const after = doc.slice(doc.indexOf(END));
  await writeFile(path, `${before}\n${section}\n${after}`);
}
