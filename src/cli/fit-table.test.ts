import { describe, expect, it } from 'vitest';
import { cell, cut, displayWidth, fitColumns, line, row, type Column } from './fit-table.ts';

describe('cut and cell', () => {
  it('keeps text that fits and cuts what does not with an ellipsis, in columns', () => {
    expect(cut('peer', 4)).toBe('peer');
    expect(cut('peer one', 5)).toBe('peer…');
    expect(cut('peer', 0)).toBe('');
    // Wide characters take two columns: never half of one.
    expect(displayWidth('名前')).toBe(4);
    expect(cut('名前です', 5)).toBe('名前…');
    expect(displayWidth(cut('名前です', 5))).toBe(5);
    // A combining accent takes none.
    expect(displayWidth('e\u0301')).toBe(1);
  });

  it('escapes control characters before measuring and cutting, so no raw one survives a cut', () => {
    const hostile = 'a\u001b[2Jb';
    expect(cell(hostile, 20)).toBe('a\\u001B[2Jb'.padEnd(20));
    expect(cell(hostile, 4)).toBe('a\\u…');
    expect(line('x\u202ey\nz', 80)).toBe('x\\u202Ey\\u000Az');
    expect(cell('7', 3, 'right')).toBe('  7');
  });
});

describe('fitColumns', () => {
  const columns: Column[] = [
    { width: 1 },
    { width: 16, min: 6 },
    { width: 10, drop: 2 },
    { width: 20, drop: 3 },
  ];

  it('gives every column its width when they fit', () => {
    expect(fitColumns(columns, 80)).toEqual([1, 16, 10, 20]);
  });

  it('shrinks before it drops, and drops the highest `drop` first', () => {
    expect(fitColumns(columns, 45)).toEqual([1, 11, 10, 20]);
    expect(fitColumns(columns, 30)).toEqual([1, 16, 10, 0]);
    expect(fitColumns(columns, 14)).toEqual([1, 12, 0, 0]);
  });

  it('lays out a row in those widths, never wider than the total', () => {
    const widths = fitColumns(columns, 30);
    const text = row(['●', 'a very long peer name', '12 s ago', 'gone'], columns, widths, 30);
    expect(text).toBe('● a very long pee… 12 s ago');
    expect(displayWidth(row(['x', 'y', 'z', 'w'], [{ width: 50 }], [50], 10))).toBeLessThanOrEqual(10);
  });
});
