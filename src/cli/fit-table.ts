/**
 * Text cut to a terminal: how wide a string shows, cutting it to a width with an ellipsis, and laying
 * out table rows whose columns share the terminal's width. Pure (no process, no colour), so the
 * layout rules are tested on their own; `wgdeck status` and `wgdeck watch` both lay out through here.
 *
 * Cells are server text: each is escaped (terminal-safe, control characters as `\uXXXX`) before it
 * is measured and cut, so the width counted is the width shown and a cut never splits an escape's
 * meaning into a raw control byte.
 */
import { escapeUnsafe } from '../shared/safe-text.ts';

export const ELLIPSIS = '…';

/** Combining marks show on the character before them. */
function isZeroWidth(code: number): boolean {
  return (code >= 0x0300 && code <= 0x036f) || (code >= 0xfe00 && code <= 0xfe0f);
}

/** East Asian wide and full-width characters, and emoji: two columns on every common terminal. */
function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1f64f) ||
    (code >= 0x1f900 && code <= 0x1f9ff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}

function columnsOf(code: number): number {
  return isZeroWidth(code) ? 0 : isWide(code) ? 2 : 1;
}

/** Columns `text` takes on a terminal (text without control characters). */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += columnsOf(char.codePointAt(0)!);
  return width;
}

/** `text` in at most `width` columns: as it is when it fits, else cut and ending in `…`. */
export function cut(text: string, width: number): string {
  if (width <= 0) return '';
  if (displayWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const char of text) {
    const w = columnsOf(char.codePointAt(0)!);
    if (used + w > width - 1) break;
    out += char;
    used += w;
  }
  return out + ELLIPSIS;
}

/** Server text as one cell: escaped, then cut to `width` and padded to it. */
export function cell(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const shown = cut(escapeUnsafe(text), width);
  const fill = ' '.repeat(Math.max(0, width - displayWidth(shown)));
  return align === 'left' ? shown + fill : fill + shown;
}

/** One line of server text, escaped and cut to the terminal's width. */
export function line(text: string, width: number): string {
  return cut(escapeUnsafe(text), width);
}

export interface Column {
  /** Columns it wants. */
  width: number;
  /** Narrowest it may get before it is dropped; default `width` (fixed). */
  min?: number;
  align?: 'left' | 'right';
  /** Dropped first when even the narrowest columns do not fit (higher drops sooner); 0 = never. */
  drop?: number;
}

/**
 * Widths for `columns` in `total` columns (a `gap` between neighbours): every column its wanted
 * width when they fit; else the shrinkable ones give up space, widest first, down to their `min`;
 * else columns are dropped (width 0) by `drop`, highest first, until the rest fits. Deterministic, so
 * a table keeps its shape from one refresh to the next at one terminal size.
 */
export function fitColumns(columns: readonly Column[], total: number, gap = 1): number[] {
  const widths = columns.map((c) => c.width);
  const shown = columns.map(() => true);
  const used = (): number => {
    let sum = 0;
    let count = 0;
    widths.forEach((w, i) => {
      if (shown[i]) {
        sum += w;
        count++;
      }
    });
    return sum + gap * Math.max(0, count - 1);
  };
  for (;;) {
    // Shrink the widest shrinkable column one step at a time: the columns end up balanced.
    while (used() > total) {
      let widest = -1;
      widths.forEach((w, i) => {
        if (shown[i] && w > (columns[i]!.min ?? columns[i]!.width) && (widest < 0 || w > widths[widest]!))
          widest = i;
      });
      if (widest < 0) break;
      widths[widest]!--;
    }
    if (used() <= total) break;
    let victim = -1;
    columns.forEach((c, i) => {
      if (shown[i] && (c.drop ?? 0) > 0 && (victim < 0 || (c.drop ?? 0) > (columns[victim]!.drop ?? 0)))
        victim = i;
    });
    if (victim < 0) break; // nothing left to drop: the row is cut at the end instead
    shown[victim] = false;
    columns.forEach((c, i) => (widths[i] = shown[i] ? c.width : 0));
  }
  return widths.map((w, i) => (shown[i] ? w : 0));
}

/** A row of cells in the widths `fitColumns` gave (0 = dropped), cut to `total` as a last resort. */
export function row(
  cells: readonly string[],
  columns: readonly Column[],
  widths: readonly number[],
  total: number,
  gap = 1,
): string {
  const parts: string[] = [];
  cells.forEach((text, i) => {
    const width = widths[i] ?? 0;
    if (width > 0) parts.push(cell(text, width, columns[i]?.align));
  });
  return cut(parts.join(' '.repeat(gap)).trimEnd(), total);
}
