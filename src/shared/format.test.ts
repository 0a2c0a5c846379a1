import { describe, expect, it } from 'vitest';
import { formatAge, formatBytes, formatRate, shortKey } from './format.ts';

describe('format', () => {
  it.each([
    [null, '—'],
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.00 KiB'],
    [1536, '1.50 KiB'],
    [10 * 1024 * 1024, '10.0 MiB'],
    [500 * 1024 ** 3, '500 GiB'],
  ] as const)('formatBytes(%s) = %s', (input, expected) => {
    expect(formatBytes(input)).toBe(expected);
  });

  it('formats rates in bytes or bits', () => {
    expect(formatRate(2048)).toBe('2.00 KiB/s');
    expect(formatRate(125_000, 'bits')).toBe('1.00 Mbit/s');
    expect(formatRate(null)).toBe('—');
  });

  it.each([
    [null, 'never'],
    [977, '23 s ago'],
    [1000 - 240, '4 min ago'],
    [1000 - 3 * 3600, '3 h ago'],
    [1000 + 5, '0 s ago'],
  ] as const)('formatAge(%s, 1000) = %s', (then, expected) => {
    expect(formatAge(then, 1000)).toBe(expected);
  });

  it('shortens keys', () => {
    expect(shortKey('abcdefghijklmnop=')).toBe('abcdefgh…');
  });
});
