import { describe, expect, it } from 'vitest';
import {
  dayKey,
  formatAge,
  formatBucket,
  formatDateTime,
  formatTimeTick,
  formatUnixTime,
  formatUsagePeriod,
  formatWindow,
  monthKey,
  type TimeLocale,
} from './time-format.ts';

/** ICU puts narrow and thin no-break spaces around times and dashes; the words are what is tested. */
const plain = (text: string) => text.replace(/[\u202f\u2009\u00a0]/g, ' ');

const US_UTC: TimeLocale = { locale: 'en-US', timeZone: 'UTC' };
const US_BERLIN: TimeLocale = { locale: 'en-US', timeZone: 'Europe/Berlin' };
const DE_BERLIN: TimeLocale = { locale: 'de-DE', timeZone: 'Europe/Berlin' };
const GB_UTC: TimeLocale = { locale: 'en-GB', timeZone: 'UTC' };
/** 2025-03-12T14:05:07Z, a Wednesday. */
const T = Date.UTC(2025, 2, 12, 14, 5, 7);
const MIN = 60_000;
const DAY = 86_400_000;

describe('time-format', () => {
  it('writes a moment in one format, in the locale and zone given', () => {
    expect(plain(formatDateTime(T, US_UTC))).toBe('Mar 12, 2025, 2:05:07 PM');
    expect(plain(formatDateTime(T, DE_BERLIN))).toBe('12.03.2025, 15:05:07');
    expect(plain(formatDateTime(T, GB_UTC))).toBe('12 Mar 2025, 14:05:07');
  });

  it('writes a window with the date once when both ends share it', () => {
    expect(plain(formatWindow(T, T + 60 * MIN, US_UTC))).toBe('Mar 12, 2025, 2:05 – 3:05 PM');
    expect(plain(formatWindow(T, T + DAY, DE_BERLIN))).toBe('12.03.2025, 15:05 – 13.03.2025, 15:05');
    expect(plain(formatWindow(T, T, US_UTC))).toBe('Mar 12, 2025, 2:05 PM');
  });

  it.each([
    [null, 'never'],
    [977, '23 s ago'],
    [1000 - 240, '4 min ago'],
    [1000 - 3 * 3600, '3 h ago'],
    [1000 - 12 * 86_400, '12 d ago'],
    [1000 + 5, '0 s ago'],
  ] as const)('formatAge(%s, 1000) = %s', (then, expected) => {
    expect(formatAge(then, 1000)).toBe(expected);
  });

  it('stamps unix times in UTC for logs and the CLI', () => {
    expect(formatUnixTime(null)).toBe('never');
    expect(formatUnixTime(1_763_851_390)).toBe('2025-11-22 22:43:10 UTC');
  });

  it('adapts axis ticks to the span', () => {
    expect(plain(formatTimeTick(T, 15 * MIN, US_BERLIN))).toBe('3:05 PM');
    expect(plain(formatTimeTick(T, 15 * MIN, DE_BERLIN))).toBe('15:05');
    expect(plain(formatTimeTick(T, 5 * MIN, GB_UTC))).toBe('14:05:07');
    expect(plain(formatTimeTick(T - 7000, 5 * MIN, GB_UTC))).toBe('14:05');
    expect(plain(formatTimeTick(Date.UTC(2025, 2, 12), 7 * DAY, US_UTC))).toBe('Mar 12');
    expect(plain(formatTimeTick(Date.UTC(2025, 2, 12, 12), 7 * DAY, GB_UTC))).toBe('12:00');
    // Midnight in Berlin is 23:00 UTC the day before.
    expect(plain(formatTimeTick(Date.UTC(2025, 2, 11, 23), 7 * DAY, DE_BERLIN))).toBe('12. März');
    expect(plain(formatTimeTick(T, 90 * DAY, US_UTC))).toBe('Mar 12');
    expect(plain(formatTimeTick(Date.UTC(2025, 2, 1), 365 * DAY, US_UTC))).toBe('Mar');
    expect(plain(formatTimeTick(Date.UTC(2025, 0, 1), 365 * DAY, US_UTC))).toBe('2025');
  });

  it('describes a bucket for a tooltip', () => {
    expect(plain(formatBucket(Date.UTC(2025, 2, 12, 14, 5, 0), 10_000, US_UTC))).toBe(
      'Wed, Mar 12, 2:05:00 PM – 2:05:10 PM',
    );
    expect(plain(formatBucket(Date.UTC(2025, 2, 12, 14), 3_600_000, GB_UTC))).toBe('Wed 12 Mar, 14:00–15:00');
    expect(plain(formatBucket(Date.UTC(2025, 2, 12), DAY, US_UTC))).toBe('Wed, Mar 12, 2025');
    expect(plain(formatBucket(Date.UTC(2025, 2, 12), 2 * DAY, GB_UTC))).toBe(
      '12 Mar 2025, 00:00 – 14 Mar 2025, 00:00',
    );
  });

  it('keys days and months in the zone, names them in the locale', () => {
    expect(dayKey(Date.UTC(2025, 2, 12, 23, 30), DE_BERLIN)).toBe('2025-03-13');
    expect(dayKey(Date.UTC(2025, 2, 12, 23, 30), US_UTC)).toBe('2025-03-12');
    expect(monthKey(T, US_UTC)).toBe('2025-03');
    expect(plain(formatUsagePeriod(Date.UTC(2025, 2, 12), 'day', US_UTC))).toBe('Wed, Mar 12');
    expect(plain(formatUsagePeriod(Date.UTC(2025, 2, 1), 'month', US_UTC))).toBe('Mar 2025');
    expect(plain(formatUsagePeriod(Date.UTC(2025, 2, 1), 'month', DE_BERLIN))).toBe('März 2025');
  });
});
