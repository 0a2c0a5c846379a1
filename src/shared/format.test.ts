import { describe, expect, it } from 'vitest';
import {
  formatAge,
  formatBytes,
  formatCount,
  formatDuration,
  formatPercent,
  formatPerSecond,
  formatRate,
  formatUnixTime,
  shortKey,
} from './format.ts';

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

  it('groups counters', () => {
    expect(formatCount(null)).toBe('—');
    expect(formatCount(0)).toBe('0');
    expect(formatCount(1_234_567)).toBe('1,234,567');
  });

  it.each([
    [null, '—'],
    [0, '0/s'],
    [0.01, '<0.1/s'],
    [0.4, '0.4/s'],
    [2, '2/s'],
    [9.96, '10/s'],
    [12.4, '12/s'],
    [3200, '3.2k/s'],
    [45_000, '45k/s'],
    [1_500_000, '1.5M/s'],
    [-3, '0/s'],
  ] as const)('formatPerSecond(%s) = %s', (input, expected) => {
    expect(formatPerSecond(input)).toBe(expected);
  });

  it('formats percentages', () => {
    expect(formatPercent(null)).toBe('—');
    expect(formatPercent(0)).toBe('0%');
    expect(formatPercent(4.24)).toBe('4.2%');
    expect(formatPercent(42.6)).toBe('43%');
  });

  it.each([
    [null, '—'],
    [45.9, '45 s'],
    [12 * 60 + 5, '12 min'],
    [5 * 3600, '5 h'],
    [5 * 3600 + 12 * 60, '5 h 12 min'],
    [3 * 86_400, '3 d'],
    [3 * 86_400 + 4 * 3600 + 59, '3 d 4 h'],
  ] as const)('formatDuration(%s) = %s', (input, expected) => {
    expect(formatDuration(input)).toBe(expected);
  });

  it('formats unix times in UTC', () => {
    expect(formatUnixTime(null)).toBe('never');
    expect(formatUnixTime(1_763_851_390)).toBe('2025-11-22 22:43:10 UTC');
  });
});
