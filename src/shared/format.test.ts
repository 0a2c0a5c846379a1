import { describe, expect, it } from 'vitest';
import {
  formatAxisRate,
  rateAxisPower,
  formatBytes,
  formatCount,
  formatDuration,
  formatPercent,
  formatPerSecond,
  formatRate,
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
});

describe('chart formatters', () => {
  it('labels rate axes compactly, in one prefix when asked', () => {
    expect(formatAxisRate(0)).toBe('0');
    expect(formatAxisRate(1536)).toBe('1.5 KiB/s');
    expect(formatAxisRate(512 * 1024, 'bytes', 2)).toBe('0.5 MiB/s');
    expect(formatAxisRate(100_000, 'bits')).toBe('800 kbit/s');
    expect(formatAxisRate(125_000, 'bits')).toBe('1 Mbit/s');
    expect(rateAxisPower(1023)).toBe(0);
    expect(rateAxisPower(1024)).toBe(1);
    expect(rateAxisPower(125_000, 'bits')).toBe(2);
  });
});
