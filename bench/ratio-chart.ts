import type { Row } from './report.js';
import { ratioOf } from './report.js';

/** A horizontal bar chart of berth/dockerd ratios with each target marked, as plain SVG. */
export function ratioChart(rows: Row[]): string {
  const shown = rows.filter((r) => ratioOf(r) !== undefined);
  const W = 800;
  const left = 380;
  const barH = 22;
  const gap = 12;
  const H = 50 + shown.length * (barH + gap) + 30;
  const maxRatio = Math.max(1.2, ...shown.map((r) => Math.max(ratioOf(r)!, r.target))) * 1.1;
  const x = (v: number) => left + (v / maxRatio) * (W - left - 50);
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/`/g, '');
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">berth / dockerd, median of alternating pairs (lower is better; black tick = target)</text>`,
    `<line x1="${x(1)}" y1="35" x2="${x(1)}" y2="${H - 25}" stroke="#999" stroke-dasharray="4 3"/>`,
    `<text x="${x(1) - 8}" y="${H - 10}" fill="#666">1.0</text>`,
  ];
  shown.forEach((r, i) => {
    const y = 45 + i * (barH + gap);
    const ratio = ratioOf(r)!;
    const colour = ratio <= r.target ? '#2e7d32' : '#c62828';
    const label = r.title.length > 58 ? `${r.title.slice(0, 57)}…` : r.title;
    parts.push(
      `<text x="${left - 8}" y="${y + 15}" text-anchor="end">${esc(label)}</text>`,
      `<rect x="${left}" y="${y}" width="${Math.max(1, x(ratio) - left)}" height="${barH}" fill="${colour}"/>`,
      `<line x1="${x(r.target)}" y1="${y - 3}" x2="${x(r.target)}" y2="${y + barH + 3}" stroke="#000" stroke-width="2"/>`,
      `<text x="${x(ratio) + 4}" y="${y + 15}">${ratio.toFixed(2)}x</text>`,
    );
  });
  parts.push('</svg>', '');
  return parts.join('\n');
}
