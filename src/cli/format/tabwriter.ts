// Elastic tabstops as Go's text/tabwriter computes them (https://pkg.go.dev/text/tabwriter),
// with the settings docker/cli uses for tables: minwidth 10, tabwidth 1, padding 3, padchar ' ',
// no flags. Only the no-flags, space-padding behaviour is implemented.
//
// A cell is text terminated by '\t' (or '\v'); the text after the last tab of a line is not a
// cell and is never padded. A column is a run of consecutive lines that all have a cell at that
// index; its width is the widest cell plus padding, at least minwidth. docker's fork of the Go
// package measures cells in terminal columns (go-runewidth), so CJK text counts double.

import { stringWidth } from './display-width.js';

interface Line {
  cells: string[]; // every cell but the last is tab-terminated
}

function splitLines(text: string): Line[][] {
  // '\f' ends a line and also a section: widths never carry across it.
  const sections: Line[][] = [];
  for (const section of text.split('\f')) {
    sections.push(section.split('\n').map((l) => ({ cells: l.split(/[\t\v]/) })));
  }
  return sections;
}

class Formatter {
  private widths: number[] = [];
  private out = '';

  constructor(
    private readonly lines: Line[],
    private readonly minwidth: number,
    private readonly padding: number,
  ) {}

  run(): string {
    this.format(0, this.lines.length);
    return this.out;
  }

  /** Go's Writer.format: recursively sizes the column blocks of lines [line0, line1). */
  private format(line0: number, line1: number): void {
    const column = this.widths.length;
    for (let i = line0; i < line1; i++) {
      if (column >= this.lines[i].cells.length - 1) continue;
      // A cell exists in this column: print the lines before the block, then size the block.
      this.writeLines(line0, i);
      line0 = i;
      let width = this.minwidth;
      for (; i < line1; i++) {
        const cells = this.lines[i].cells;
        if (column >= cells.length - 1) break;
        width = Math.max(width, stringWidth(cells[column]) + this.padding);
      }
      this.widths.push(width);
      this.format(line0, i);
      this.widths.pop();
      line0 = i;
    }
    this.writeLines(line0, line1);
  }

  private writeLines(line0: number, line1: number): void {
    for (let i = line0; i < line1; i++) {
      const cells = this.lines[i].cells;
      cells.forEach((c, j) => {
        this.out += c;
        if (j < this.widths.length) this.out += ' '.repeat(Math.max(this.widths[j] - stringWidth(c), 0));
      });
      if (i + 1 < this.lines.length) this.out += '\n';
    }
  }
}

/** Aligns tab-separated cells the way docker's table output does. */
export function tabwrite(text: string, minwidth = 10, tabwidth = 1, padding = 3): string {
  void tabwidth; // only matters when padding with tabs, which docker never does
  return splitLines(text)
    .map((lines) => new Formatter(lines, minwidth, padding).run())
    .join('\n');
}
