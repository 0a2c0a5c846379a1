import { describe, expect, it } from 'vitest';
import {
  formatDisabledBy,
  formatExpires,
  formatQuota,
  formatSchedule,
  formatSize,
  parseDisabledBy,
  parseExpires,
  parseQuota,
  parseSchedule,
  parseSize,
  quotaBytes,
  quotaPeriodAt,
  scheduleAllows,
} from './peer-lifecycle.ts';

describe('sizes', () => {
  it('reads binary and decimal units, and writes the shortest exact binary one', () => {
    expect(parseSize('50GiB')).toBe(50 * 1024 ** 3);
    expect(parseSize('1.5 GB')).toBe(1.5e9);
    expect(parseSize('300kib')).toBe(300 * 1024);
    expect(parseSize('12')).toBeNull();
    expect(parseSize('0B')).toBeNull();
    expect(parseSize('5 parsecs')).toBeNull();
    expect(formatSize(50 * 1024 ** 3)).toBe('50GiB');
    expect(formatSize(1536)).toBe('1536B');
    expect(formatSize(1_000_000)).toBe('1MB');
    expect(formatSize(1_000_001)).toBe('1000001B');
  });
});

describe('quota', () => {
  it('reads a period, a direction and manual, and writes them back the same', () => {
    const monthly = parseQuota('50GiB/month')!;
    expect(monthly).toEqual({ bytes: 50 * 1024 ** 3, period: 'month', direction: 'both', reenable: true });
    expect(formatQuota(monthly)).toBe('50GiB/month');
    const daily = parseQuota(' 2 GiB / day RX manual ')!;
    expect(daily).toEqual({ bytes: 2 * 1024 ** 3, period: 'day', direction: 'rx', reenable: false });
    expect(formatQuota(daily)).toBe('2GiB/day rx manual');
    expect(parseQuota('100GB/total')!.reenable).toBe(false);
    expect(formatQuota(parseQuota('100GB/total')!)).toBe('100GB/total');
    expect(parseQuota('1GiB/month rx+tx')!.direction).toBe('both');
  });

  it('refuses what is not a quota', () => {
    for (const text of [
      '50GiB',
      '50GiB/week',
      '50GiB/month rx tx',
      '50GiB/month manual manual',
      '/month',
      'x/day',
    ])
      expect(parseQuota(text), text).toBeNull();
  });

  it('counts rx, tx or both', () => {
    const quota = parseQuota('1GiB/day tx')!;
    expect(quotaBytes(quota, 10, 20)).toBe(20);
    expect(quotaBytes({ ...quota, direction: 'both' }, 10, 20)).toBe(30);
  });

  it('names UTC days and months, and when the next one starts', () => {
    const at = Date.UTC(2026, 11, 31, 23, 59);
    expect(quotaPeriodAt('day', at)).toEqual({
      start: Date.UTC(2026, 11, 31),
      end: Date.UTC(2027, 0, 1),
      key: '2026-12-31',
    });
    expect(quotaPeriodAt('month', at)).toEqual({
      start: Date.UTC(2026, 11, 1),
      end: Date.UTC(2027, 0, 1),
      key: '2026-12',
    });
    expect(quotaPeriodAt('total', at)).toEqual({ start: 0, end: null, key: 'total' });
  });
});

describe('expiry', () => {
  it('a date lasts through the end of that UTC day; an instant must name its zone', () => {
    expect(parseExpires('2027-01-31')).toBe(Date.UTC(2027, 1, 1));
    expect(parseExpires('2027-01-31T18:00Z')).toBe(Date.UTC(2027, 0, 31, 18));
    expect(parseExpires('2027-01-31T18:00+01:00')).toBe(Date.UTC(2027, 0, 31, 17));
    expect(parseExpires('2027-01-31T18:00')).toBeNull();
    expect(parseExpires('2027-02-30')).toBeNull();
    expect(parseExpires('tomorrow')).toBeNull();
  });

  it('writes a day as that day, anything else as a UTC instant', () => {
    expect(formatExpires(Date.UTC(2027, 1, 1))).toBe('2027-01-31');
    expect(formatExpires(Date.UTC(2027, 0, 31, 17))).toBe('2027-01-31T17:00Z');
    expect(formatExpires(Date.UTC(2027, 0, 31, 17, 0, 5))).toBe('2027-01-31T17:00:05Z');
    for (const text of ['2027-01-31', '2027-01-31T17:00Z'])
      expect(formatExpires(parseExpires(text)!)).toBe(text);
  });
});

describe('schedule', () => {
  it('reads days, hours and a zone, and writes them back', () => {
    const office = parseSchedule('mon-fri 08:00-18:00 Europe/Berlin')!;
    expect(office).toEqual({
      days: [1, 2, 3, 4, 5],
      fromMinute: 480,
      toMinute: 1080,
      timeZone: 'Europe/Berlin',
    });
    expect(formatSchedule(office)).toBe('mon-fri 08:00-18:00 Europe/Berlin');
    expect(formatSchedule(parseSchedule('daily 00:00-24:00')!)).toBe('daily 00:00-24:00');
    expect(formatSchedule(parseSchedule('sat,sun 10:00-12:00')!)).toBe('sun,sat 10:00-12:00');
    expect(parseSchedule('fri-mon 22:00-06:00')!.days).toEqual([0, 1, 5, 6]);
  });

  it('refuses what is not a schedule', () => {
    for (const text of [
      'mon-fri',
      'someday 08:00-18:00',
      'mon 08:00-08:00',
      'mon 25:00-26:00',
      'mon 08:00-18:00 Mars/Olympus',
    ])
      expect(parseSchedule(text), text).toBeNull();
  });

  it('allows by the clock of its zone, and a night span belongs to the day it starts on', () => {
    const office = parseSchedule('mon-fri 08:00-18:00 Europe/Berlin')!;
    // Friday 2026-12-04: 07:30 UTC is 08:30 in Berlin (CET, +1).
    expect(scheduleAllows(office, Date.UTC(2026, 11, 4, 7, 30))).toBe(true);
    expect(scheduleAllows(office, Date.UTC(2026, 11, 4, 6, 30))).toBe(false);
    expect(scheduleAllows(office, Date.UTC(2026, 11, 4, 17, 0))).toBe(false); // 18:00 Berlin
    expect(scheduleAllows(office, Date.UTC(2026, 11, 5, 9, 0))).toBe(false); // Saturday
    const night = parseSchedule('fri 22:00-06:00')!;
    expect(scheduleAllows(night, Date.UTC(2026, 11, 4, 23, 0))).toBe(true); // Friday night
    expect(scheduleAllows(night, Date.UTC(2026, 11, 5, 5, 59))).toBe(true); // Saturday morning
    expect(scheduleAllows(night, Date.UTC(2026, 11, 5, 6, 0))).toBe(false);
    expect(scheduleAllows(night, Date.UTC(2026, 11, 5, 23, 0))).toBe(false); // Saturday night
  });
});

describe('disabled by', () => {
  it('reads and writes why the enforcer disabled a peer', () => {
    for (const text of ['quota 2026-12', 'quota 2026-12-04', 'quota total', 'expiry', 'schedule'])
      expect(formatDisabledBy(parseDisabledBy(text)!)).toBe(text);
    for (const text of ['quota', 'quota december', 'hand', 'expiry now'])
      expect(parseDisabledBy(text), text).toBeNull();
  });
});
