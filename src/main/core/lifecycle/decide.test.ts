import { describe, expect, it } from 'vitest';
import { parseQuota, parseSchedule, type PeerLifecycle } from '../../../shared/peer-lifecycle.ts';
import { decideLifecycle, type LifecycleInput } from './decide.ts';
import type { QuotaUsage } from './usage-meter.ts';

const NOW = Date.UTC(2026, 11, 4, 12, 0); // Friday 2026-12-04 12:00 UTC
const KIB = 1024;

const NO_RULES: PeerLifecycle = { quota: null, expiresAt: null, schedule: null, disabledBy: null };

function usage(bytes: number, periodKey = '2026-12'): QuotaUsage {
  return {
    bytes,
    rx: bytes,
    tx: 0,
    periodStart: Date.UTC(2026, 11, 1),
    resetsAt: Date.UTC(2027, 0, 1),
    periodKey,
  };
}

function input(rules: Partial<PeerLifecycle>, extra: Partial<LifecycleInput> = {}): LifecycleInput {
  return { rules: { ...NO_RULES, ...rules }, live: true, usage: null, now: NOW, ...extra };
}

const quota = (text: string) => parseQuota(text)!;

describe('decideLifecycle: a live peer', () => {
  it('with no rules: nothing', () => {
    expect(decideLifecycle(input({}))).toEqual({ action: null, warning: null });
  });

  it('over its quota is disabled for the period it is in', () => {
    const decision = decideLifecycle(input({ quota: quota('500KiB/month') }, { usage: usage(600 * KIB) }));
    expect(decision.action).toMatchObject({
      kind: 'disable',
      disabledBy: { reason: 'quota', period: '2026-12' },
      event: 'peer.quotaExceeded',
    });
    expect(decision.action?.message).toContain('600 KiB of 500 KiB (120 %) in 2026-12');
    expect(decision.action?.message).toContain('until 2027-01-01 00:00 UTC');
  });

  it('at exactly its quota is over it; one byte under is only warned of', () => {
    expect(
      decideLifecycle(input({ quota: quota('500KiB/month') }, { usage: usage(500 * KIB) })).action?.kind,
    ).toBe('disable');
    const under = decideLifecycle(input({ quota: quota('500KiB/month') }, { usage: usage(500 * KIB - 1) }));
    expect(under.action).toBeNull();
    expect(under.warning).toMatchObject({
      event: 'peer.quotaWarning',
      episode: `quota 2026-12 ${500 * KIB}`,
    });
  });

  it('below 80 % of its quota: no warning; without a usage figure the quota is not judged', () => {
    expect(
      decideLifecycle(input({ quota: quota('1MiB/month') }, { usage: usage(700 * KIB) })).warning,
    ).toBeNull();
    expect(decideLifecycle(input({ quota: quota('1KiB/month') }, { usage: null }))).toEqual({
      action: null,
      warning: null,
    });
  });

  it('expired is disabled at once, before any other reason', () => {
    const decision = decideLifecycle(
      input({ expiresAt: NOW - 1, quota: quota('1KiB/day') }, { usage: usage(5 * KIB, '2026-12-04') }),
    );
    expect(decision.action).toMatchObject({
      kind: 'disable',
      disabledBy: { reason: 'expiry' },
      event: 'peer.expired',
    });
  });

  it('expiring within 3 days is warned of, once per expiry', () => {
    const soon = decideLifecycle(input({ expiresAt: NOW + 2 * 24 * 3600_000 }));
    expect(soon.warning).toMatchObject({
      event: 'peer.expiryWarning',
      episode: `expiry ${NOW + 2 * 24 * 3600_000}`,
    });
    expect(decideLifecycle(input({ expiresAt: NOW + 4 * 24 * 3600_000 })).warning).toBeNull();
  });

  it('outside its schedule is disabled; inside it is left alone', () => {
    const weekdaysNine = parseSchedule('mon-fri 09:00-17:00 UTC')!;
    expect(decideLifecycle(input({ schedule: weekdaysNine })).action).toBeNull();
    const nights = parseSchedule('mon-sun 22:00-06:00 UTC')!;
    expect(decideLifecycle(input({ schedule: nights })).action).toMatchObject({
      kind: 'disable',
      disabledBy: { reason: 'schedule' },
      event: 'peer.disabledBySchedule',
    });
  });
});

describe('decideLifecycle: a disabled peer', () => {
  const off = (rules: Partial<PeerLifecycle>, extra: Partial<LifecycleInput> = {}) =>
    decideLifecycle(input(rules, { live: false, ...extra }));

  it('disabled by hand (no DisabledBy) is never re-enabled', () => {
    expect(off({ quota: quota('1GiB/month') }, { usage: usage(0) }).action).toBeNull();
    expect(off({ schedule: parseSchedule('mon-sun 00:00-24:00 UTC')! }).action).toBeNull();
  });

  it('over quota last period is re-enabled in the next one', () => {
    const decision = off(
      { quota: quota('500KiB/month'), disabledBy: { reason: 'quota', period: '2026-11' } },
      { usage: usage(0) },
    );
    expect(decision.action).toMatchObject({
      kind: 'enable',
      disabledBy: { reason: 'quota', period: '2026-11' },
      event: 'peer.quotaReset',
    });
  });

  it('a manual quota waits for a person in the next period; a raised quota re-enables in the same one', () => {
    expect(
      off(
        { quota: quota('500KiB/month manual'), disabledBy: { reason: 'quota', period: '2026-11' } },
        { usage: usage(0) },
      ).action,
    ).toBeNull();
    expect(
      off(
        { quota: quota('2MiB/month manual'), disabledBy: { reason: 'quota', period: '2026-12' } },
        { usage: usage(600 * KIB) },
      ).action?.event,
    ).toBe('peer.quotaReset');
  });

  it('still over quota in the same period stays disabled; without a figure it stays too', () => {
    const rules = {
      quota: quota('500KiB/month'),
      disabledBy: { reason: 'quota', period: '2026-12' },
    } as const;
    expect(off(rules, { usage: usage(600 * KIB) }).action).toBeNull();
    expect(off(rules, { usage: null }).action).toBeNull();
  });

  it('a removed rule re-enables; an expiry moved later re-enables; a past one does not', () => {
    expect(off({ disabledBy: { reason: 'quota', period: '2026-12' } }).action?.event).toBe('peer.quotaReset');
    expect(off({ expiresAt: NOW + 3600_000, disabledBy: { reason: 'expiry' } }).action?.event).toBe(
      'peer.expiryExtended',
    );
    expect(off({ expiresAt: NOW - 1, disabledBy: { reason: 'expiry' } }).action).toBeNull();
  });

  it('back inside its schedule is re-enabled, unless another rule would disable it at once', () => {
    const allDay = parseSchedule('mon-sun 00:00-24:00 UTC')!;
    expect(off({ schedule: allDay, disabledBy: { reason: 'schedule' } }).action?.event).toBe(
      'peer.enabledBySchedule',
    );
    expect(
      off({ schedule: allDay, expiresAt: NOW - 1, disabledBy: { reason: 'schedule' } }).action,
    ).toBeNull();
  });
});
