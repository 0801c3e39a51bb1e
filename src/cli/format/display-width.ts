// Terminal display width of text, as docker/cli measures it: its table writer sizes cells with
// go-runewidth's StringWidth, and its Ellipsis (the COMMAND column) counts East Asian Wide and
// Fullwidth characters (UAX #11) as two columns. Ambiguous-width characters count as one, as
// they do outside East Asian locales.

// East Asian Wide/Fullwidth ranges other than emoji (which \p{Emoji_Presentation} covers).
const WIDE_RANGES: [number, number][] = [
  [0x1100, 0x115f], [0x2329, 0x232a], [0x2e80, 0x2e99], [0x2e9b, 0x2ef3], [0x2f00, 0x2fd5],
  [0x2ff0, 0x2fff], [0x3000, 0x303e], [0x3041, 0x3096], [0x3099, 0x30ff], [0x3105, 0x312f],
  [0x3131, 0x318e], [0x3190, 0x31e3], [0x31ef, 0x321e], [0x3220, 0x3247], [0x3250, 0x4dbf],
  [0x4e00, 0xa48c], [0xa490, 0xa4c6], [0xa960, 0xa97c], [0xac00, 0xd7a3], [0xf900, 0xfaff],
  [0xfe10, 0xfe19], [0xfe30, 0xfe52], [0xfe54, 0xfe66], [0xfe68, 0xfe6b], [0xff01, 0xff60],
  [0xffe0, 0xffe6], [0x16fe0, 0x16fe4], [0x16ff0, 0x16ff1], [0x17000, 0x187f7],
  [0x18800, 0x18cd5], [0x18d00, 0x18d08], [0x1aff0, 0x1affe], [0x1b000, 0x1b122],
  [0x1b132, 0x1b132], [0x1b150, 0x1b152], [0x1b155, 0x1b155], [0x1b164, 0x1b167],
  [0x1b170, 0x1b2fb], [0x1f200, 0x1f202], [0x1f210, 0x1f23b], [0x1f240, 0x1f248],
  [0x1f250, 0x1f251], [0x1f260, 0x1f265], [0x20000, 0x2fffd], [0x30000, 0x3fffd],
];

const EMOJI_PRESENTATION = /^\p{Emoji_Presentation}$/u;
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\u200b-\u200f\u2060-\u2064\ufe00-\ufe0f\ufeff]$/u;

/** True for East Asian Wide (W) and Fullwidth (F) characters. */
export function isWide(cp: number): boolean {
  if (cp < 0x1100) return false;
  for (const [lo, hi] of WIDE_RANGES) {
    if (cp < lo) break;
    if (cp <= hi) return true;
  }
  // Regional indicators have emoji presentation but are East Asian Neutral.
  if (cp >= 0x1f1e6 && cp <= 0x1f1ff) return false;
  return EMOJI_PRESENTATION.test(String.fromCodePoint(cp));
}

/** docker's charWidth: 2 for wide characters, 1 for everything else. */
export function charWidth(cp: number): number {
  return isWide(cp) ? 2 : 1;
}

/** go-runewidth's RuneWidth: controls and combining marks take no room. */
export function runeWidth(cp: number): number {
  if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) return 0;
  if (cp < 0x300) return 1;
  if (ZERO_WIDTH.test(String.fromCodePoint(cp))) return 0;
  return charWidth(cp);
}

/** go-runewidth's StringWidth. */
export function stringWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += runeWidth(ch.codePointAt(0)!);
  return w;
}
