/**
 * A peer's limits as the live views show them (issue 15): its quota's usage as a bar and when it
 * resets, its expiry, its allowed hours, and why the enforcer disabled it. Pure functions of the
 * engine's usage figure (`PeerLive.usage`, from the reset-aware history), the rules from its config
 * file (`PeerNames.lifecycle`) and the clock, so the peers table and the drawer say the same thing.
 *
 * Quota periods are UTC days and months (peer-lifecycle.ts): the reset is shown as the local moment
 * it happens, with "UTC day"/"UTC month" said, since a Berlin admin's day is not the quota's day.
 */
import type { PeerUsage } from '../../../shared/domain.ts';
import { formatBytes, formatDuration } from '../../../shared/format.ts';
import {
  DISABLED_BY_LABEL,
  EXPIRY_WARNING_MS,
  formatExpires,
  formatQuota,
  formatSchedule,
  QUOTA_WARNING_SHARE,
  scheduleAllows,
  type DisabledBy,
  type PeerLifecycle,
  type Quota,
  type QuotaDirection,
  type Schedule,
} from '../../../shared/peer-lifecycle.ts';
import { formatMinute, type TimeLocale } from '../../../shared/time-format.ts';

/** ok; warn: past the warning share, or expiring soon; over: over its quota, or expired. */
export type LimitLevel = 'ok' | 'warn' | 'over';

export interface QuotaMeter {
  /** 0..100 for the bar's width (a peer over its quota fills it). */
  fill: number;
  /** The share used, as a person reads it: "42%", "100%" only once it is reached. */
  percent: string;
  level: LimitLevel;
  /** "120 KiB of 200 KiB" */
  amount: string;
  /** "today (UTC day)", "this month (UTC)", "in total" */
  period: string;
  /** What counts: "received + sent", "received", "sent". */
  counts: string;
  /** "resets Dec 7, 2026, 1:00 AM (in 5 h)"; null: a total quota never resets. */
  resets: string | null;
  /** The whole story in one line, for a title and a screen reader. */
  summary: string;
}

const COUNTS: Record<QuotaDirection, string> = {
  both: 'received + sent',
  rx: 'received',
  tx: 'sent',
};

/** The period a usage figure is for, from its key (`2026-12-04`, `2026-12`, `total`). */
function periodOf(usage: PeerUsage): Quota['period'] {
  if (usage.periodKey === 'total') return 'total';
  return /^\d{4}-\d{2}-\d{2}$/.test(usage.periodKey) ? 'day' : 'month';
}

const PERIOD_WORDS: Record<Quota['period'], string> = {
  day: 'today (UTC day)',
  month: 'this month (UTC)',
  total: 'in total',
};

/** The first unit of a duration: "2 d", "5 h", "12 min" (a table cell has room for one). */
export function shortDuration(ms: number): string {
  return formatDuration(ms / 1000)
    .split(' ')
    .slice(0, 2)
    .join(' ');
}

/**
 * The usage bar of a peer with a quota. `quota` (from the file) names what counts; without it (names
 * not read yet) the figure still shows, counting as the engine counted.
 */
export function quotaMeter(
  usage: PeerUsage,
  quota: Quota | null,
  now: number,
  where?: TimeLocale,
): QuotaMeter {
  const share = usage.limit > 0 ? usage.bytes / usage.limit : 1;
  const level: LimitLevel = share >= 1 ? 'over' : share >= QUOTA_WARNING_SHARE ? 'warn' : 'ok';
  // Floor, so "100%" means reached, not 99.6 % rounded up.
  const percent = `${share >= 1 ? Math.floor(share * 100) : Math.min(99, Math.floor(share * 100))}%`;
  const period = PERIOD_WORDS[periodOf(usage)];
  const counts = quota ? COUNTS[quota.direction] : COUNTS.both;
  const amount = `${formatBytes(usage.bytes)} of ${formatBytes(usage.limit)}`;
  const resets =
    usage.resetsAt === null
      ? null
      : `resets ${formatMinute(usage.resetsAt, where)} (in ${formatDuration(Math.max(0, usage.resetsAt - now) / 1000)})`;
  const after =
    quota && level === 'over'
      ? quota.reenable && usage.resetsAt !== null
        ? '; re-enabled when it resets'
        : '; stays disabled until enabled by hand'
      : '';
  return {
    fill: Math.max(0, Math.min(100, share * 100)),
    percent,
    level,
    amount,
    period,
    counts,
    resets,
    summary: `Quota: ${amount} ${counts} ${period} (${percent})${resets ? `, ${resets}` : ''}${after}`,
  };
}

export interface ExpiryHint {
  level: LimitLevel;
  /** For a table cell: "2 d left", "expired". */
  short: string;
  /** "Jan 31, 2027, 1:00 AM (in 56 d)" or "… (3 h ago)". */
  text: string;
  /** The file's spelling, and what a date means: "2027-01-31: through the end of that UTC day". */
  spelling: string;
  /** Within the warning time, or past: worth a hint in the table. */
  pressing: boolean;
}

export function expiryHint(expiresAt: number, now: number, where?: TimeLocale): ExpiryHint {
  const left = expiresAt - now;
  const spelled = formatExpires(expiresAt);
  const level: LimitLevel = left <= 0 ? 'over' : left <= EXPIRY_WARNING_MS ? 'warn' : 'ok';
  return {
    level,
    short: left <= 0 ? 'expired' : `${shortDuration(left)} left`,
    text: `${formatMinute(expiresAt, where)} (${left <= 0 ? `${formatDuration(-left / 1000)} ago` : `in ${formatDuration(left / 1000)}`})`,
    spelling: spelled.includes('T') ? spelled : `${spelled}: through the end of that UTC day`,
    pressing: level !== 'ok',
  };
}

export interface ScheduleLine {
  /** The file's spelling: "mon-fri 08:00-18:00 Europe/Berlin". */
  text: string;
  allowedNow: boolean;
  said: string;
}

export function scheduleLine(schedule: Schedule, now: number): ScheduleLine {
  const allowedNow = scheduleAllows(schedule, now);
  return {
    text: formatSchedule(schedule),
    allowedNow,
    said: allowedNow ? 'inside its hours now' : 'outside its hours now',
  };
}

/** Why the enforcer disabled a peer, in a sentence: "Disabled by WG Deck: over quota (2026-12-06)". */
export function disabledByText(by: DisabledBy): string {
  const label = DISABLED_BY_LABEL[by.reason];
  return by.reason === 'quota'
    ? `Disabled by WG Deck: ${label} (period ${by.period})`
    : `Disabled by WG Deck: ${label}`;
}

/** What a peers-table row shows of its limits: the bar when it has a quota, a hint when expiry is near. */
export interface RowLimits {
  meter: QuotaMeter | null;
  expiry: ExpiryHint | null;
}

export function rowLimits(
  rules: PeerLifecycle | undefined,
  usage: PeerUsage | undefined,
  now: number,
  where?: TimeLocale,
): RowLimits | null {
  const meter = usage ? quotaMeter(usage, rules?.quota ?? null, now, where) : null;
  const hint = rules?.expiresAt == null ? null : expiryHint(rules.expiresAt, now, where);
  const expiry = hint?.pressing ? hint : null;
  return meter || expiry ? { meter, expiry } : null;
}

/** Every rule in the file's spelling, for a title: "Quota 50GiB/month\nExpires 2027-01-31". */
export function rulesText(rules: Pick<PeerLifecycle, 'quota' | 'expiresAt' | 'schedule'>): string {
  return [
    rules.quota && `Quota ${formatQuota(rules.quota)}`,
    rules.expiresAt !== null && `Expires ${formatExpires(rules.expiresAt)}`,
    rules.schedule && `Allowed ${formatSchedule(rules.schedule)}`,
  ]
    .filter((rule): rule is string => typeof rule === 'string')
    .join('\n');
}
