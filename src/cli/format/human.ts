// Human-readable sizes, durations and container statuses, as docker prints them. These follow
// go-units (https://github.com/docker/go-units: HumanSizeWithPrecision, BytesSize,
// HumanDuration), moby's container State.String() for the STATUS column, and docker/cli's
// formatter for the COMMAND column.

import { charWidth } from './display-width.js';
import { formatFloat } from './go-float.js';
import { quote } from './go-quote.js';
import { epochMs, humanDuration, type TimeLike } from '../../core/human-units.js';

export { humanDuration, containerStatus, type ContainerStateLike } from '../../core/human-units.js';

export { parseBytes, parseHumanSize, parseDuration } from './parse-units.js';

const DECIMAL_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];

function sizeAndUnit(size: number, base: number, units: string[]): [number, string] {
  let i = 0;
  while (size >= base && i < units.length - 1) {
    size /= base;
    i++;
  }
  return [size, units[i]];
}

/**
 * units.HumanSizeWithPrecision(size, 3), which docker uses for image and container sizes:
 * "%.3g" of the value in decimal units, so 1234567 is "1.23MB" and 999999 is "1e+03kB".
 */
export function humanSize(bytes: number, precision = 3): string {
  const [v, unit] = sizeAndUnit(bytes, 1000, DECIMAL_UNITS);
  return formatFloat(v, 'g', precision) + unit;
}

/** units.BytesSize ("%.4g" in binary units), used by docker stats: "1.5MiB". */
export function bytesSize(bytes: number): string {
  const [v, unit] = sizeAndUnit(bytes, 1024, BINARY_UNITS);
  return formatFloat(v, 'g', 4) + unit;
}

/** The CREATED column of docker ps / docker images: "5 minutes ago". */
export function createdAgo(created: TimeLike, now: TimeLike = Date.now()): string {
  return `${humanDuration((epochMs(now) ?? 0) - (epochMs(created) ?? 0))} ago`;
}

/**
 * docker/cli's Ellipsis: fit s into maxWidth terminal columns, ending with "…" when cut.
 * East Asian wide characters take two columns.
 */
export function ellipsis(s: string, maxWidth: number): string {
  if (maxWidth <= 0) return '';
  const runes = [...s];
  if (maxWidth === 1) return runes[0] ?? '';
  if (Buffer.byteLength(s) === runes.length) {
    return runes.length <= maxWidth ? s : runes.slice(0, maxWidth - 1).join('') + '…';
  }
  const display: number[] = [];
  let width = 0;
  for (const r of runes) {
    width += charWidth(r.codePointAt(0)!);
    display.push(width);
  }
  if (width <= maxWidth) return s;
  for (let i = 0; i < display.length - 1; i++) {
    if (display[i] <= maxWidth - 1 && display[i + 1] > maxWidth - 1) {
      return runes.slice(0, i + 1).join('') + '…';
    }
  }
  return s; // the first character alone is too wide: docker leaves the string whole
}

/** The COMMAND column of docker ps: cut to 20 columns unless --no-trunc, then Go-quoted. */
export function truncateCommand(cmd: string, trunc = true): string {
  return quote(trunc ? ellipsis(cmd, 20) : cmd);
}

/** stringid.TruncateID: the 12-character short form of an ID, without its "sha256:" prefix. */
export function shortId(id: string): string {
  const i = id.indexOf(':');
  return (i >= 0 ? id.slice(i + 1) : id).slice(0, 12);
}
