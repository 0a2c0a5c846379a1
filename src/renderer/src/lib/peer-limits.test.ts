import { describe, expect, it } from 'vitest';
import type { PeerUsage } from '../../../shared/domain.ts';
import { parseExpires, parseQuota, parseSchedule, quotaPeriodAt } from '../../../shared/peer-lifecycle.ts';
import type { PeerLifecycle } from '../../../shared/peer-lifecycle.ts';
import {
  disabledByText,
  expiryHint,
  quotaMeter,
  rowLimits,
  rulesText,
  scheduleLine,
  shortDuration,
} from './peer-limits.ts';

const UTC = { locale: 'en-US', timeZone: 'UTC' };
const BERLIN = { locale: 'en-US', timeZone: 'Europe/Berlin' };
// Sunday 2026-12-06 19:00 UTC.
const NOW = Date.UTC(2026, 11, 6, 19, 0);

function usageFor(text: string, bytes: number, at = NOW): PeerUsage {
  const quota = parseQuota(text)!;
  const span = quotaPeriodAt(quota.period, at);
  return { bytes, limit: quota.bytes, periodStart: span.start, resetsAt: span.end, periodKey: span.key };
}

function rules(partial: Partial<PeerLifecycle>): PeerLifecycle {
  return { quota: null, expiresAt: null, schedule: null, disabledBy: null, ...partial };
}

describe('quotaMeter', () => {
  it('a daily quota: its share, what counts, and the UTC reset as the local moment, with how long', () => {
    const quota = parseQuota('200KiB/day')!;
    const meter = quotaMeter(usageFor('200KiB/day', 100 * 1024), quota, NOW, UTC);
    expect(meter).toMatchObject({
      fill: 50,
      percent: '50%',
      level: 'ok',
      amount: '100 KiB of 200 KiB',
      period: 'today (UTC day)',
      counts: 'received + sent',
      resets: 'resets Dec 7, 2026, 12:00 AM (in 5 h)',
    });
    // In Berlin the quota's day still ends at 00:00 UTC: 1:00 AM there.
    expect(quotaMeter(usageFor('200KiB/day', 0), quota, NOW, BERLIN).resets).toBe(
      'resets Dec 7, 2026, 1:00 AM (in 5 h)',
    );
  });

  it('turns amber at the warning share and full once over; never says 100% before it is reached', () => {
    const quota = parseQuota('1MiB/month rx')!;
    const warn = quotaMeter(usageFor('1MiB/month rx', 0.85 * 1024 ** 2), quota, NOW, UTC);
    expect(warn).toMatchObject({
      level: 'warn',
      percent: '85%',
      counts: 'received',
      period: 'this month (UTC)',
    });
    expect(warn.resets).toBe('resets Jan 1, 2027, 12:00 AM (in 25 d 5 h)');
    expect(quotaMeter(usageFor('1MiB/month rx', 1024 ** 2 - 1), quota, NOW, UTC).percent).toBe('99%');
    const over = quotaMeter(usageFor('1MiB/month rx', 1.5 * 1024 ** 2), quota, NOW, UTC);
    expect(over).toMatchObject({ level: 'over', fill: 100, percent: '150%' });
    expect(over.summary).toMatch(/; re-enabled when it resets$/);
  });

  it('a total quota never resets; a manual one stays disabled', () => {
    const total = quotaMeter(usageFor('10GiB/total', 11 * 1024 ** 3), parseQuota('10GiB/total'), NOW, UTC);
    expect(total).toMatchObject({ resets: null, period: 'in total', level: 'over' });
    expect(total.summary).toMatch(/stays disabled until enabled by hand$/);
    const manual = parseQuota('1GiB/day manual')!;
    expect(quotaMeter(usageFor('1GiB/day manual', 2 * 1024 ** 3), manual, NOW, UTC).summary).toMatch(
      /stays disabled until enabled by hand$/,
    );
  });

  it('without the file’s rule (names not read yet) it still shows the figure, counting both ways', () => {
    const meter = quotaMeter(usageFor('50GiB/month', 5 * 1024 ** 3), null, NOW, UTC);
    expect(meter).toMatchObject({ percent: '10%', counts: 'received + sent', period: 'this month (UTC)' });
  });
});

describe('expiryHint', () => {
  it('a date means through the end of that UTC day; within three days it is pressing', () => {
    const at = parseExpires('2026-12-08')!;
    expect(expiryHint(at, NOW, UTC)).toEqual({
      level: 'warn',
      short: '2 d left',
      text: 'Dec 9, 2026, 12:00 AM (in 2 d 5 h)',
      spelling: '2026-12-08: through the end of that UTC day',
      pressing: true,
    });
    expect(expiryHint(parseExpires('2027-01-31')!, NOW, UTC)).toMatchObject({ level: 'ok', pressing: false });
  });

  it('an instant is spelled as written; one in the past is expired, with how long ago', () => {
    const at = parseExpires('2026-12-06T16:30Z')!;
    expect(expiryHint(at, NOW, UTC)).toMatchObject({
      level: 'over',
      short: 'expired',
      text: 'Dec 6, 2026, 4:30 PM (2 h 30 min ago)',
      spelling: '2026-12-06T16:30Z',
    });
  });
});

describe('the rest', () => {
  it('a schedule says whether it allows the peer now', () => {
    const schedule = parseSchedule('mon-fri 08:00-18:00')!;
    expect(scheduleLine(schedule, NOW)).toEqual({
      text: 'mon-fri 08:00-18:00',
      allowedNow: false,
      said: 'outside its hours now',
    });
    expect(scheduleLine(parseSchedule('daily 18:00-20:00')!, NOW).allowedNow).toBe(true);
  });

  it('why the enforcer disabled a peer, in a sentence', () => {
    expect(disabledByText({ reason: 'quota', period: '2026-12-06' })).toBe(
      'Disabled by WG Deck: over quota (period 2026-12-06)',
    );
    expect(disabledByText({ reason: 'expiry' })).toBe('Disabled by WG Deck: expired');
    expect(disabledByText({ reason: 'schedule' })).toBe('Disabled by WG Deck: off schedule');
  });

  it('a row shows the bar when there is usage, the expiry only when pressing, nothing otherwise', () => {
    const far = rules({ expiresAt: parseExpires('2027-01-31')! });
    expect(rowLimits(far, undefined, NOW, UTC)).toBeNull();
    expect(rowLimits(undefined, undefined, NOW, UTC)).toBeNull();
    const soon = rowLimits(rules({ expiresAt: parseExpires('2026-12-06T23:30Z')! }), undefined, NOW, UTC);
    expect(soon?.meter).toBeNull();
    expect(soon?.expiry?.short).toBe('4 h left');
    const quota = parseQuota('200KiB/day')!;
    const both = rowLimits(rules({ quota }), usageFor('200KiB/day', 0), NOW, UTC);
    expect(both?.meter?.percent).toBe('0%');
    expect(both?.expiry).toBeNull();
  });

  it('every rule in the file’s spelling, one per line', () => {
    expect(
      rulesText(
        rules({
          quota: parseQuota('50GiB/month')!,
          expiresAt: parseExpires('2027-01-31')!,
          schedule: parseSchedule('mon-fri 08:00-18:00 Europe/Berlin')!,
        }),
      ),
    ).toBe('Quota 50GiB/month\nExpires 2027-01-31\nAllowed mon-fri 08:00-18:00 Europe/Berlin');
    expect(rulesText(rules({}))).toBe('');
    expect(shortDuration(3 * 86_400_000 + 4 * 3_600_000 + 60_000)).toBe('3 d');
  });
});
