/**
 * Every date and time a person reads, in one place: absolute times in the user's locale
 * (`Intl.DateTimeFormat`, `navigator.language`) and time zone, one format for a moment everywhere
 * ("Mar 12, 2025, 2:05:07 PM" in en-US, "12.03.2025, 15:05:07" in de-DE), relative ages where the
 * recency is the point ("3 min ago"), chart ticks and buckets adapted to the span shown. Plain
 * functions of `ms`; the locale and zone are parameters so tests pin them. The CLI uses the ages and
 * the UTC stamp.
 */

/** Where a time is read: a BCP 47 locale and an IANA zone; by default the user's. */
export interface TimeLocale {
  locale?: string;
  timeZone?: string;
}

/** The user's locale: the browser's language (Node has `navigator.language` too). */
function userLocale(): string | undefined {
  return (globalThis as { navigator?: { language?: string } }).navigator?.language || undefined;
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** Cached: building a DateTimeFormat costs far more than formatting with one. */
function dtf(options: Intl.DateTimeFormatOptions, where: TimeLocale = {}): Intl.DateTimeFormat {
  const locale = where.locale ?? userLocale();
  const key = JSON.stringify([locale, where.timeZone, options]);
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { ...options, timeZone: where.timeZone });
    formats.set(key, format);
  }
  return format;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Wall-clock fields of `ms` in the zone (locale-independent). */
function fields(ms: number, where: TimeLocale) {
  const parts = dtf(
    {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    },
    { locale: 'en-US', timeZone: where.timeZone },
  ).formatToParts(ms);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '00';
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: Number(get('hour')) % 24,
    minute: Number(get('minute')),
    second: Number(get('second')),
  };
}

// --- Moments ---------------------------------------------------------------------------------------

/** A moment in full, the one absolute format: "Mar 12, 2025, 2:05:07 PM" (en-US). */
export function formatDateTime(ms: number, where?: TimeLocale): string {
  return dtf({ dateStyle: 'medium', timeStyle: 'medium' }, where).format(ms);
}

/** A moment to the minute, for what happens on the minute (a quota's reset, an expiry): "Mar 12, 2025, 2:05 PM". */
export function formatMinute(ms: number, where?: TimeLocale): string {
  return dtf({ dateStyle: 'medium', timeStyle: 'short' }, where).format(ms);
}

/** A window of time, the date once when both ends share it: "Mar 12, 2025, 2:05 – 3:05 PM". */
export function formatWindow(fromMs: number, toMs: number, where?: TimeLocale): string {
  const format = dtf({ dateStyle: 'medium', timeStyle: 'short' }, where);
  return toMs > fromMs ? format.formatRange(fromMs, toMs) : format.format(fromMs);
}

/** "23 s ago", "4 min ago", "3 h ago", "12 d ago", or "never" (unix seconds, any one clock). */
export function formatAge(thenSeconds: number | null, nowSeconds: number): string {
  if (thenSeconds === null) return 'never';
  const age = Math.max(0, Math.round(nowSeconds - thenSeconds));
  if (age < 60) return `${age} s ago`;
  if (age < 3600) return `${Math.floor(age / 60)} min ago`;
  if (age < 86_400) return `${Math.floor(age / 3600)} h ago`;
  return `${Math.floor(age / 86_400)} d ago`;
}

/** Unix seconds as an unambiguous UTC stamp for logs and the CLI: "2025-11-22 22:43:10 UTC". */
export function formatUnixTime(seconds: number | null): string {
  if (seconds === null) return 'never';
  return `${new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

// --- Charts ----------------------------------------------------------------------------------------

/**
 * A time-axis label adapted to the span shown: times within a day or two (a date at midnight), days up
 * to a few months, months and years beyond. Seconds only in spans of minutes, when not zero.
 */
export function formatTimeTick(ms: number, spanMs: number, where?: TimeLocale): string {
  const f = fields(ms, where ?? {});
  const hm: Intl.DateTimeFormatOptions = { hour: 'numeric', minute: '2-digit' };
  const day: Intl.DateTimeFormatOptions = { month: 'short', day: 'numeric' };
  if (spanMs <= 3 * HOUR_MS) {
    const withSeconds = spanMs <= 10 * MINUTE_MS && f.second !== 0;
    return dtf(withSeconds ? { ...hm, second: '2-digit' } : hm, where).format(ms);
  }
  const midnight = f.hour === 0 && f.minute === 0;
  if (spanMs <= 10 * DAY_MS) return dtf(midnight ? day : hm, where).format(ms);
  if (spanMs <= 200 * DAY_MS) return dtf(day, where).format(ms);
  return dtf(f.month === '01' ? { year: 'numeric' } : { month: 'short' }, where).format(ms);
}

/**
 * A chart bucket for a tooltip: "Wed, Mar 12, 2:05:00 PM – 2:05:10 PM", "Wed, Mar 12, 3:00 – 4:00 PM",
 * "Wed, Mar 12, 2025" (a day), a span of dates and times for anything longer.
 */
export function formatBucket(startMs: number, stepMs: number, where?: TimeLocale): string {
  const weekday: Intl.DateTimeFormatOptions = { weekday: 'short', month: 'short', day: 'numeric' };
  const end = startMs + stepMs;
  if (stepMs < MINUTE_MS) {
    return dtf({ ...weekday, hour: 'numeric', minute: '2-digit', second: '2-digit' }, where).formatRange(
      startMs,
      end,
    );
  }
  if (stepMs < DAY_MS) {
    return dtf({ ...weekday, hour: 'numeric', minute: '2-digit' }, where).formatRange(startMs, end);
  }
  if (stepMs === DAY_MS && fields(startMs, where ?? {}).hour === 0) {
    return dtf({ ...weekday, year: 'numeric' }, where).format(startMs);
  }
  return dtf(
    { month: 'short', day: 'numeric', year: 'numeric', hour: 'numeric', minute: '2-digit' },
    where,
  ).formatRange(startMs, end);
}

/** A usage row: "Wed, Mar 12" for a day, "Mar 2025" for a month. */
export function formatUsagePeriod(startMs: number, by: 'day' | 'month', where?: TimeLocale): string {
  return by === 'day'
    ? dtf({ weekday: 'short', month: 'short', day: 'numeric' }, where).format(startMs)
    : dtf({ month: 'short', year: 'numeric' }, where).format(startMs);
}

/** A local day as a stable key (attributes, not for reading): "2025-03-12". */
export function dayKey(ms: number, where?: TimeLocale): string {
  const f = fields(ms, where ?? {});
  return `${f.year}-${f.month}-${f.day}`;
}

/** A local month as a stable key: "2025-03". */
export function monthKey(ms: number, where?: TimeLocale): string {
  const f = fields(ms, where ?? {});
  return `${f.year}-${f.month}`;
}

// --- Wall-clock arithmetic -------------------------------------------------------------------------

/** Minutes east of UTC for a laptop time: where chart ticks fall (round local times). */
export type OffsetFn = (ms: number) => number;
export const localOffset: OffsetFn = (ms) => -new Date(ms).getTimezoneOffset();
