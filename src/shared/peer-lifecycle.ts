/**
 * A peer's lifecycle rules (issue 15), kept with the peer in its config file as comments beside its
 * name, like its monitoring options (peer-options.ts), so another WG Deck or a person reading the file
 * sees them:
 *
 *   # Quota = 50GiB/month                 bytes per day, month or in total; rx+tx unless "rx"/"tx";
 *   # Quota = 2GiB/day rx manual          re-enabled at the next period unless "manual"
 *   # Expires = 2027-01-31                through the end of that UTC day; or an instant (…T18:00Z)
 *   # Schedule = mon-fri 08:00-18:00 Europe/Berlin   disabled outside these hours (UTC when no zone)
 *   # DisabledBy = quota 2026-12          written by the enforcer when it disables the peer: why, and
 *                                         for a quota, the period it was over in
 *
 * Periods are UTC days and months: every laptop and collector, wherever it is, counts the same bytes
 * into the same period. Declared once here: the config file reads and writes these, the enforcer
 * decides with them, the forms and the CLI check them.
 */
import { z } from 'zod';

// --- sizes ---------------------------------------------------------------------------------------

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  k: 1024,
  kb: 1000,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1000 ** 4,
  tib: 1024 ** 4,
};

export const SIZE_RULE =
  'a size is a number and a unit: B, KiB, MiB, GiB, TiB (or KB, MB, GB, TB), e.g. 50GiB';

/** `50GiB`, `1.5 GB`, `300KiB` → bytes (whole, ≥ 1); null when it is not a size. */
export function parseSize(text: string): number | null {
  const match = /^(\d{1,12}(?:\.\d{1,6})?)\s*([a-z]{1,3})$/i.exec(text.trim());
  if (!match) return null;
  const unit = SIZE_UNITS[match[2]!.toLowerCase()];
  if (unit === undefined) return null;
  const bytes = Math.round(Number(match[1]) * unit);
  return bytes >= 1 && bytes <= Number.MAX_SAFE_INTEGER ? bytes : null;
}

/** Bytes → an exact spelling, binary units first (`50GiB`, `100GB`, `1536B`): what goes in the file. */
export function formatSize(bytes: number): string {
  for (const unit of ['TiB', 'TB', 'GiB', 'GB', 'MiB', 'MB', 'KiB', 'KB'] as const) {
    const size = SIZE_UNITS[unit.toLowerCase()]!;
    if (bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes}B`;
}

// --- quota ---------------------------------------------------------------------------------------

export const quotaPeriodSchema = z.enum(['day', 'month', 'total']);
export type QuotaPeriod = z.infer<typeof quotaPeriodSchema>;
export const quotaDirectionSchema = z.enum(['both', 'rx', 'tx']);
export type QuotaDirection = z.infer<typeof quotaDirectionSchema>;

export const quotaSchema = z.strictObject({
  bytes: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  period: quotaPeriodSchema,
  /** What counts, seen from the server: rx = what the peer sent, tx = what it was sent. */
  direction: quotaDirectionSchema,
  /** Enabled again when the next period starts (never for a total quota). */
  reenable: z.boolean(),
});
export type Quota = z.infer<typeof quotaSchema>;

export const QUOTA_RULE =
  'a quota is SIZE/day, SIZE/month or SIZE/total, then optionally rx or tx (default: both) and manual (not re-enabled at the next period), e.g. 50GiB/month';

/** `50GiB/month`, `2 GiB / day rx manual`, `100GB/total` → a quota; null when it is not one. */
export function parseQuota(text: string): Quota | null {
  const match = /^(.+?)\s*\/\s*(day|month|total)((?:\s+(?:rx|tx|both|rx\+tx|manual))*)\s*$/i.exec(
    text.trim(),
  );
  if (!match) return null;
  const bytes = parseSize(match[1]!);
  if (bytes === null) return null;
  const period = match[2]!.toLowerCase() as QuotaPeriod;
  let direction: QuotaDirection = 'both';
  let manual = false;
  const words = match[3]!.trim().toLowerCase().split(/\s+/).filter(Boolean);
  for (const word of words) {
    if (word === 'manual') {
      if (manual) return null;
      manual = true;
    } else {
      if (direction !== 'both' && word !== 'both') return null;
      direction = word === 'rx+tx' ? 'both' : (word as QuotaDirection);
    }
  }
  return { bytes, period, direction, reenable: period !== 'total' && !manual };
}

/** The file's spelling: `50GiB/month`, `2GiB/day rx manual`. */
export function formatQuota(quota: Quota): string {
  const words = [`${formatSize(quota.bytes)}/${quota.period}`];
  if (quota.direction !== 'both') words.push(quota.direction);
  if (!quota.reenable && quota.period !== 'total') words.push('manual');
  return words.join(' ');
}

/** Quota share at which the enforcer warns, and the views turn the usage bar amber. */
export const QUOTA_WARNING_SHARE = 0.8;

/** The bytes that count against `quota`, from a peer's rx and tx in the period. */
export function quotaBytes(quota: Quota, rx: number, tx: number): number {
  return quota.direction === 'rx' ? rx : quota.direction === 'tx' ? tx : rx + tx;
}

export interface QuotaPeriodSpan {
  /** Start of the period (ms, UTC); 0 for a total quota: all the history there is. */
  start: number;
  /** When the next period starts (ms); null for a total quota. */
  end: number | null;
  /** Names the period in `# DisabledBy = quota <key>`: `2026-12-04`, `2026-12`, `total`. */
  key: string;
}

/** The period `at` (ms) falls in. */
export function quotaPeriodAt(period: QuotaPeriod, at: number): QuotaPeriodSpan {
  const date = new Date(at);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const pad = (n: number) => String(n).padStart(2, '0');
  if (period === 'day') {
    const start = Date.UTC(year, month, date.getUTCDate());
    return { start, end: start + 86_400_000, key: `${year}-${pad(month + 1)}-${pad(date.getUTCDate())}` };
  }
  if (period === 'month') {
    return {
      start: Date.UTC(year, month, 1),
      end: Date.UTC(year, month + 1, 1),
      key: `${year}-${pad(month + 1)}`,
    };
  }
  return { start: 0, end: null, key: 'total' };
}

// --- expiry --------------------------------------------------------------------------------------

export const EXPIRES_RULE =
  'an expiry is a date (YYYY-MM-DD: through the end of that day, UTC) or a date and time with its zone (2027-01-31T18:00Z, 2027-01-31T18:00+01:00)';

/**
 * When a peer stops being allowed (ms): a date means through the end of that UTC day, an instant is
 * taken as written (it must say its zone: a file read on another laptop must mean the same moment).
 */
export function parseExpires(text: string): number | null {
  const trimmed = text.trim();
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(trimmed);
  if (day) {
    const [year, month, date] = [Number(day[1]), Number(day[2]), Number(day[3])];
    const start = Date.UTC(year, month - 1, date);
    const check = new Date(start);
    if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== date) return null;
    return start + 86_400_000;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:\d{2})$/i.test(trimmed)) return null;
  const at = Date.parse(trimmed);
  return Number.isFinite(at) ? at : null;
}

/** How long before its expiry a peer's expiry is warned of (an event, and a hint in the views). */
export const EXPIRY_WARNING_MS = 3 * 24 * 3600_000;

/** The file's spelling: a UTC midnight as the day before it (`2027-01-31`), else `2027-01-31T18:00Z`. */
export function formatExpires(at: number): string {
  const iso = new Date(at).toISOString();
  if (at % 86_400_000 === 0) return new Date(at - 86_400_000).toISOString().slice(0, 10);
  return iso.endsWith(':00.000Z') ? `${iso.slice(0, 16)}Z` : `${iso.slice(0, 19)}Z`;
}

/**
 * An expiry as a request carries it (ms): a whole second, since the file has no finer spelling
 * (formatExpires), and a time a Date can hold.
 */
export const expiresAtSchema = z
  .number()
  .int()
  .min(0)
  .max(8.64e15)
  .refine((at) => at % 1000 === 0, EXPIRES_RULE);

// --- schedule ------------------------------------------------------------------------------------

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

export const scheduleSchema = z.strictObject({
  /** Allowed weekdays, 0 = Sunday … 6 = Saturday, in `timeZone`. */
  days: z.array(z.number().int().min(0).max(6)).min(1),
  /** Allowed from this minute of the day (inclusive) … */
  fromMinute: z.number().int().min(0).max(1439),
  /** … until this one (exclusive); below `fromMinute`: past midnight (22:00-06:00). */
  toMinute: z.number().int().min(0).max(1440),
  /** An IANA zone (`Europe/Berlin`) or `UTC`. */
  timeZone: z.string().min(1).max(64),
});
export type Schedule = z.infer<typeof scheduleSchema>;

export const SCHEDULE_RULE =
  'a schedule is DAYS HH:MM-HH:MM [ZONE]: days like mon-fri or sat,sun or daily, a zone like Europe/Berlin (default UTC), e.g. mon-fri 08:00-18:00 Europe/Berlin';

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function parseDays(text: string): number[] | null {
  if (text === 'daily' || text === 'every-day') return [0, 1, 2, 3, 4, 5, 6];
  const days = new Set<number>();
  for (const part of text.split(',')) {
    const [first, last, extra] = part.split('-');
    const from = DAYS.indexOf(first as (typeof DAYS)[number]);
    const to = last === undefined ? from : DAYS.indexOf(last as (typeof DAYS)[number]);
    if (from < 0 || to < 0 || extra !== undefined) return null;
    for (let day = from; ; day = (day + 1) % 7) {
      days.add(day);
      if (day === to) break;
    }
  }
  return [...days].sort((a, b) => a - b);
}

function parseClock(text: string, allow24: boolean): number | null {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (!match) return null;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  if (Number(match[2]) > 59) return null;
  return minutes < 1440 || (allow24 && minutes === 1440) ? minutes : null;
}

/** `mon-fri 08:00-18:00 Europe/Berlin` → a schedule; null when it is not one. */
export function parseSchedule(text: string): Schedule | null {
  const words = text.trim().toLowerCase().split(/\s+/);
  const original = text.trim().split(/\s+/);
  if (words.length < 2 || words.length > 3) return null;
  const days = parseDays(words[0]!);
  const hours = /^(\d{1,2}:\d{2})-(\d{1,2}:\d{2})$/.exec(words[1]!);
  if (!days || !hours) return null;
  const fromMinute = parseClock(hours[1]!, false);
  const toMinute = parseClock(hours[2]!, true);
  if (fromMinute === null || toMinute === null || fromMinute === toMinute) return null;
  const zone = original[2] ?? 'UTC';
  if (!isTimeZone(zone)) return null;
  return { days, fromMinute, toMinute, timeZone: zone };
}

/**
 * A schedule as a request carries it: one the file reads back the same (a zone Intl knows, days in
 * order and each once), so what is previewed is what is written.
 */
export const scheduleInputSchema = scheduleSchema.refine((schedule) => {
  const back = parseSchedule(formatSchedule(schedule));
  return back !== null && JSON.stringify(back) === JSON.stringify(schedule);
}, SCHEDULE_RULE);

export function formatSchedule(schedule: Schedule): string {
  const clock = (minutes: number) =>
    `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  const days = schedule.days.length === 7 ? 'daily' : compactDays(schedule.days);
  const zone = schedule.timeZone === 'UTC' ? '' : ` ${schedule.timeZone}`;
  return `${days} ${clock(schedule.fromMinute)}-${clock(schedule.toMinute)}${zone}`;
}

/** [1,2,3,4,5] → `mon-fri`, [0,6] → `sun,sat`. */
function compactDays(days: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < days.length;) {
    let j = i;
    while (j + 1 < days.length && days[j + 1] === days[j]! + 1) j++;
    parts.push(
      j - i >= 2
        ? `${DAYS[days[i]!]}-${DAYS[days[j]!]}`
        : days
            .slice(i, j + 1)
            .map((d) => DAYS[d])
            .join(','),
    );
    i = j + 1;
  }
  return parts.join(',');
}

/** The weekday and minute of the day of `at` in `zone`. */
function localClock(at: number, zone: string): { day: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(at));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const day = DAYS.indexOf(part('weekday').toLowerCase().slice(0, 3) as (typeof DAYS)[number]);
  return { day, minute: Number(part('hour')) * 60 + Number(part('minute')) };
}

/**
 * Whether the schedule allows the peer at `at`. A span past midnight (22:00-06:00) belongs to the day
 * it starts on: fri 22:00-06:00 allows Friday night into Saturday morning.
 */
export function scheduleAllows(schedule: Schedule, at: number): boolean {
  const { day, minute } = localClock(at, schedule.timeZone);
  const { fromMinute, toMinute, days } = schedule;
  if (fromMinute < toMinute) return days.includes(day) && minute >= fromMinute && minute < toMinute;
  if (minute >= fromMinute) return days.includes(day);
  return minute < toMinute && days.includes((day + 6) % 7);
}

// --- why the enforcer disabled a peer ------------------------------------------------------------

export const DISABLED_BY_RULE =
  'why the enforcer disabled a peer is "quota PERIOD" (2026-12-04, 2026-12 or total), "expiry" or "schedule"';

/** A quota period's key as `quotaPeriodAt` names it: `2026-12-04`, `2026-12`, `total`. */
const PERIOD_KEY_RE = /^(\d{4}-\d{2}(-\d{2})?|total)$/;

/** The period is checked: it is written into the config file as it is. */
export const disabledBySchema = z.discriminatedUnion('reason', [
  z.strictObject({ reason: z.literal('quota'), period: z.string().regex(PERIOD_KEY_RE, DISABLED_BY_RULE) }),
  z.strictObject({ reason: z.literal('expiry') }),
  z.strictObject({ reason: z.literal('schedule') }),
]);
export type DisabledBy = z.infer<typeof disabledBySchema>;

/** `quota 2026-12`, `expiry`, `schedule` → why; null when it is none of them. */
export function parseDisabledBy(text: string): DisabledBy | null {
  const words = text.trim().toLowerCase().split(/\s+/);
  if (words[0] === 'quota' && words.length === 2 && PERIOD_KEY_RE.test(words[1]!))
    return { reason: 'quota', period: words[1]! };
  if ((words[0] === 'expiry' || words[0] === 'schedule') && words.length === 1) return { reason: words[0] };
  return null;
}

/** Why the enforcer disabled a peer, as a few words for a badge or a state cell. */
export const DISABLED_BY_LABEL: Record<DisabledBy['reason'], string> = {
  quota: 'over quota',
  expiry: 'expired',
  schedule: 'off schedule',
};

export function formatDisabledBy(by: DisabledBy): string {
  return by.reason === 'quota' ? `quota ${by.period}` : by.reason;
}

/** All of a peer's lifecycle rules, as the file has them (null: none). */
export const peerLifecycleSchema = z.object({
  quota: quotaSchema.nullable(),
  /** ms; the instant it stops being allowed. */
  expiresAt: z.number().nullable(),
  schedule: scheduleSchema.nullable(),
  disabledBy: disabledBySchema.nullable(),
});
export type PeerLifecycle = z.infer<typeof peerLifecycleSchema>;
