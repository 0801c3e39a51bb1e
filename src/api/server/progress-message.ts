import type { ProgressEvent } from '../../engine/images/progress.js';

/** go-units HumanSize ("%.4g" in decimal units), which Docker's progress bars use. */
function humanSize(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${Number(n.toPrecision(4))}${units[i]}`;
}

/** Docker's JSONProgress string: a 50-column bar and current/total. */
export function progressBar(current: number, total: number | undefined): string {
  if (!total || total <= 0) return `${humanSize(current)}`;
  const width = 50;
  const pct = Math.min(1, current / total);
  const filled = Math.floor(pct * width);
  const bar = filled >= width ? '='.repeat(width) : `${'='.repeat(filled)}>${' '.repeat(width - filled - 1)}`;
  return `[${bar}] ${humanSize(current).padStart(8)}/${humanSize(total)}`;
}

/** One line of Docker's JSON message stream. */
export function toJsonMessage(e: ProgressEvent): Record<string, unknown> {
  const m: Record<string, unknown> = {};
  if (e.stream !== undefined) m.stream = e.stream;
  if (e.status !== undefined) m.status = e.status;
  if (e.current !== undefined) {
    m.progressDetail = e.total !== undefined ? { current: e.current, total: e.total } : { current: e.current };
    m.progress = progressBar(e.current, e.total);
  } else if (e.id !== undefined || e.aux !== undefined) m.progressDetail = {};
  if (e.id !== undefined) m.id = e.id;
  if (e.aux !== undefined) m.aux = e.aux;
  return m;
}
