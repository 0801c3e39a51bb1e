import { readFileSync, writeFileSync } from 'node:fs';

export interface Row {
  id: string;
  title: string;
  unit: 'ms' | 'MB';
  target: number;
  berth?: number[];
  docker?: number[];
  ratios?: number[];
  note?: string;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function fmt(v: number | undefined, unit: string): string {
  if (v === undefined) return '—';
  return unit === 'ms' ? (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`) : `${v.toFixed(1)} MB`;
}

function stats(xs: number[] | undefined, unit: string): string {
  if (!xs?.length) return '—';
  return `${fmt(median(xs), unit)} (${fmt(Math.min(...xs), unit)}–${fmt(Math.max(...xs), unit)})`;
}

export function ratioOf(r: Row): number | undefined {
  return r.ratios?.length ? median(r.ratios) : undefined;
}

export function tableMarkdown(rows: Row[]): string {
  const lines = ['| workload | berth median (min–max) | dockerd median (min–max) | ratio (median of pairs) | target | verdict |', '|---|---|---|---|---|---|'];
  for (const r of rows) {
    const ratio = ratioOf(r);
    const verdict = r.note ? r.note : ratio === undefined ? 'berth only' : ratio <= r.target ? 'met' : `missed by ${(ratio / r.target).toFixed(2)}×`;
    lines.push(`| ${r.title} | ${stats(r.berth, r.unit)} | ${stats(r.docker, r.unit)} | ${ratio === undefined ? '—' : `${ratio.toFixed(2)}x`} | ≤ ${r.target}x | ${verdict} |`);
  }
  return lines.join('\n');
}

/** A horizontal bar chart of the ratios, with each target marked, drawn as plain SVG. */
export function ratioChart(rows: Row[]): string {
  const shown = rows.filter((r) => ratioOf(r) !== undefined);
  const W = 760;
  const left = 330;
  const barH = 22;
  const gap = 12;
  const H = 40 + shown.length * (barH + gap) + 30;
  const maxRatio = Math.max(1.2, ...shown.map((r) => Math.max(ratioOf(r)!, r.target)));
  const x = (v: number) => left + (v / maxRatio) * (W - left - 30);
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/`/g, '');
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<text x="10" y="20" font-size="14" font-weight="bold">berth / dockerd (median ratio; lower is better; | marks the target)</text>`,
    `<line x1="${x(1)}" y1="30" x2="${x(1)}" y2="${H - 25}" stroke="#999" stroke-dasharray="4 3"/>`,
    `<text x="${x(1) - 8}" y="${H - 10}" fill="#666">1.0</text>`,
  ];
  shown.forEach((r, i) => {
    const y = 40 + i * (barH + gap);
    const ratio = ratioOf(r)!;
    const colour = ratio <= r.target ? '#2e7d32' : '#c62828';
    parts.push(
      `<text x="${left - 8}" y="${y + 15}" text-anchor="end">${esc(r.title.length > 48 ? `${r.title.slice(0, 47)}…` : r.title)}</text>`,
      `<rect x="${left}" y="${y}" width="${Math.max(1, x(ratio) - left)}" height="${barH}" fill="${colour}"/>`,
      `<line x1="${x(r.target)}" y1="${y - 3}" x2="${x(r.target)}" y2="${y + barH + 3}" stroke="#000" stroke-width="2"/>`,
      `<text x="${x(ratio) + 4}" y="${y + 15}">${ratio.toFixed(2)}x</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

const BEGIN = '<!-- bench:begin -->';
const END = '<!-- bench:end -->';

/** Replace the generated section of docs/benchmarks.md (or create the file). */
export function writeReport(path: string, section: string): void {
  let doc: string;
  try {
    doc = readFileSync(path, 'utf8');
  } catch {
    doc = `# Benchmarks\n\n\`npm run bench\` measures berth and dockerd side by side (see bench/). The section below is replaced by each run.\n\n${BEGIN}\n${END}\n`;
  }
  if (!doc.includes(BEGIN)) doc += `\n${BEGIN}\n${END}\n`;
  const before = doc.slice(0, doc.indexOf(BEGIN) + BEGIN.length);
  const after = doc.slice(doc.indexOf(END));
  writeFileSync(path, `${before}\n${section}\n${after}`);
}
