import { describe, expect, it } from 'vitest';
import {
  dayKey,
  formatAge,
  formatAxisRate,
  formatBucket,
  formatDateTime,
  formatTimeTick,
  formatUsagePeriod,
  monthKey,
  rateAxisPower,
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

describe('chart formatters', () => {
  const UTC = () => 0;
  const CET = () => 60;
  /** 2025-03-12T14:05:07Z, a Wednesday. */
  const T = Date.UTC(2025, 2, 12, 14, 5, 7);

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

  it('adapts time ticks to the span', () => {
    expect(formatTimeTick(T, 15 * 60_000, CET)).toBe('15:05');
    expect(formatTimeTick(T, 5 * 60_000, UTC)).toBe('14:05:07');
    expect(formatTimeTick(Date.UTC(2025, 2, 12), 7 * 86_400_000, UTC)).toBe('Mar 12');
    expect(formatTimeTick(Date.UTC(2025, 2, 12, 12), 7 * 86_400_000, UTC)).toBe('12:00');
    expect(formatTimeTick(T, 90 * 86_400_000, UTC)).toBe('Mar 12');
    expect(formatTimeTick(Date.UTC(2025, 2, 1), 365 * 86_400_000, UTC)).toBe('Mar');
    expect(formatTimeTick(Date.UTC(2025, 0, 1), 365 * 86_400_000, UTC)).toBe('2025');
  });

  it('describes a bucket for a tooltip', () => {
    expect(formatBucket(Date.UTC(2025, 2, 12, 14, 5, 0), 10_000, UTC)).toBe('Wed Mar 12, 14:05:00–14:05:10');
    expect(formatBucket(Date.UTC(2025, 2, 12, 14), 3_600_000, CET)).toBe('Wed Mar 12, 15:00–16:00');
    expect(formatBucket(Date.UTC(2025, 2, 12), 86_400_000, UTC)).toBe('Wed Mar 12, 2025');
    expect(formatBucket(Date.UTC(2025, 2, 12), 2 * 86_400_000, UTC)).toBe(
      'Mar 12 00:00 – Mar 13 00:00, 2025',
    );
  });

  it('writes days, months and moments in local time', () => {
    expect(formatDateTime(T, CET)).toBe('2025-03-12 15:05:07');
    expect(dayKey(Date.UTC(2025, 2, 12, 23, 30), CET)).toBe('2025-03-13');
    expect(monthKey(T, UTC)).toBe('2025-03');
    expect(formatUsagePeriod(Date.UTC(2025, 2, 12), 'day', UTC)).toBe('Wed Mar 12');
    expect(formatUsagePeriod(Date.UTC(2025, 2, 1), 'month', UTC)).toBe('Mar 2025');
  });
});
