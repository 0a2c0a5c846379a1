/**
 * Pure transforms between the history contract (series aligned with `t`, `gaps`, null = no data) and
 * what the charts draw: rows with nulls where lines must break, min/max bands, axis ticks, CSV text,
 * range presets. No DOM, no React: unit-tested in charts.test.ts.
 */
import type { GapRange, Tier } from '../../../shared/history.ts';
import { formatAxisRate, rateAxisPower } from '../../../shared/format.ts';
import { localOffset, type OffsetFn } from '../../../shared/time-format.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

// --- Ranges ----------------------------------------------------------------------------------------

export const RANGE_PRESETS = [
  { id: '15m', label: '15 min', ms: 15 * MINUTE },
  { id: '1h', label: '1 h', ms: HOUR },
  { id: '6h', label: '6 h', ms: 6 * HOUR },
  { id: '24h', label: '24 h', ms: DAY },
  { id: '7d', label: '7 d', ms: 7 * DAY },
  { id: '30d', label: '30 d', ms: 30 * DAY },
  { id: '90d', label: '90 d', ms: 90 * DAY },
  { id: '1y', label: '1 y', ms: 365 * DAY },
] as const;

export type RangePreset = (typeof RANGE_PRESETS)[number]['id'];

/** What a range picker holds: a preset ending now, or fixed laptop-ms bounds. */
export type ChartRange = { preset: RangePreset } | { preset: 'custom'; from: number; to: number };

/** What a history query takes: laptop ms `[from, to)` and at most `points` buckets. */
export interface HistoryRange {
  from: number;
  to: number;
  points: number;
}

/** The contract's limits (api.ts): 2..4000 points, at most three years. */
export const MAX_POINTS = 4000;
export const MAX_RANGE_MS = 3 * 366 * DAY;

/** A chart's pixel width as a point budget: whole pixels, 2..4000. */
export function clampPoints(widthPx: number): number {
  if (!Number.isFinite(widthPx)) return 2;
  return Math.min(MAX_POINTS, Math.max(2, Math.floor(widthPx)));
}

export function presetMs(preset: RangePreset): number {
  return RANGE_PRESETS.find((p) => p.id === preset)!.ms;
}

/**
 * A range as a query. Presets end at `now`; custom ranges are clamped to the contract (from ≥ 0,
 * to > from, at most three years: the most recent part is kept).
 */
export function resolveRange(range: ChartRange, now: number, widthPx: number): HistoryRange {
  const points = clampPoints(widthPx);
  if (range.preset !== 'custom') {
    const to = Math.round(now);
    return { from: Math.max(0, to - presetMs(range.preset)), to, points };
  }
  const to = Math.max(1, Math.round(range.to));
  const from = Math.min(to - 1, Math.max(0, Math.round(range.from), to - MAX_RANGE_MS));
  return { from, to, points };
}

/** Why a custom range cannot be used, or null when it can. */
export function customRangeError(from: number, to: number): string | null {
  if (!Number.isFinite(from) || !Number.isFinite(to)) return 'Enter both a start and an end.';
  if (to <= from) return 'The end must be after the start.';
  if (to - from > MAX_RANGE_MS) return 'A range can span at most three years.';
  if (from < 0) return 'The start is before 1970.';
  return null;
}

/** How often a chart of this range refreshes (ms); 0 = never (a custom range that ended). */
export function refreshInterval(range: ChartRange, now: number): number {
  if (range.preset === 'custom') return range.to > now ? 30_000 : 0;
  return Math.min(300_000, Math.max(10_000, Math.round(presetMs(range.preset) / 90)));
}

/**
 * Whether buckets aggregate several polls, so the min/max band says something the average hides:
 * a bucket wider than one poll, or a rollup tier.
 */
export function isDownsampled(frame: { step: number; tier: Tier }, intervalMs: number): boolean {
  return frame.tier !== 'raw' || frame.step > intervalMs;
}

// --- Rows ------------------------------------------------------------------------------------------

export interface SeriesInput {
  key: string;
  /** Average per bucket, aligned with `t`; null = no data. */
  values: readonly (number | null)[];
  min?: readonly (number | null)[];
  max?: readonly (number | null)[];
}

export interface ChartRow {
  /** Bucket start (ms), or for a break row a time inside the gap. */
  t: number;
  /** A row inserted so that lines break across a gap that no empty bucket shows. */
  gap: GapRange | null;
  v: Record<string, number | null>;
  band: Record<string, [number, number] | null>;
}

export interface SeriesFrameLike {
  t: readonly number[];
  step: number;
  gaps: readonly GapRange[];
}

function hasNull(values: readonly (number | null)[], i: number, j: number): boolean {
  for (let k = i; k <= j; k++) if (values[k] === null || values[k] === undefined) return true;
  return false;
}

/**
 * Series → chart rows: one per bucket (null where the store had no data, so a line breaks there), the
 * min/max band per series, and a break row wherever a gap falls between two buckets that both hold
 * data (a short outage straddling a bucket edge) — so a line never runs straight across missing time.
 * Gaps inside a single bucket are not drawn: that bucket's average already excludes them.
 */
export function toChartRows(frame: SeriesFrameLike, series: readonly SeriesInput[]): ChartRow[] {
  const { t, step } = frame;
  const rows: ChartRow[] = t.map((time, i) => {
    const v: Record<string, number | null> = {};
    const band: Record<string, [number, number] | null> = {};
    for (const s of series) {
      const value = s.values[i] ?? null;
      v[s.key] = value;
      const lo = s.min?.[i] ?? null;
      const hi = s.max?.[i] ?? null;
      band[s.key] =
        value !== null && lo !== null && hi !== null ? [Math.min(lo, hi), Math.max(lo, hi)] : null;
    }
    return { t: time, gap: null, v, band };
  });
  const n = t.length;
  if (n < 2 || step <= 0) return rows;
  const t0 = t[0]!;
  const breaks: ChartRow[] = [];
  for (const [a, b] of frame.gaps) {
    if (!(b > a)) continue;
    const i = Math.floor((a - t0) / step);
    const j = Math.floor((b - 1 - t0) / step);
    if (i < 0 || j >= n || j <= i) continue;
    if (series.every((s) => hasNull(s.values, i, j))) continue;
    const lo = t[i]! + 1;
    const hi = t[j]! - 1;
    if (hi < lo) continue;
    const at = Math.min(hi, Math.max(lo, Math.round((a + b) / 2)));
    const v: Record<string, number | null> = {};
    const band: Record<string, [number, number] | null> = {};
    for (const s of series) {
      v[s.key] = null;
      band[s.key] = null;
    }
    breaks.push({ t: at, gap: [a, b], v, band });
  }
  if (breaks.length === 0) return rows;
  return [...rows, ...breaks].sort((x, y) => x.t - y.t);
}

/** Whether any series has at least one value. */
export function hasData(series: readonly SeriesInput[]): boolean {
  return series.some((s) => s.values.some((v) => v !== null && v !== undefined));
}

/** Largest value any row shows, band included (for the axis). */
export function rowsMax(rows: readonly ChartRow[], keys: readonly string[], withBand: boolean): number {
  let max = 0;
  for (const row of rows) {
    for (const key of keys) {
      const v = row.v[key];
      if (v !== null && v !== undefined && v > max) max = v;
      const band = withBand ? row.band[key] : null;
      if (band && band[1] > max) max = band[1];
    }
  }
  return max;
}

/** used / total per bucket, as percent (memory): average from the averages, band from used's range. */
export function percentSeries(
  used: { avg: readonly (number | null)[]; min: readonly (number | null)[]; max: readonly (number | null)[] },
  total: { avg: readonly (number | null)[] },
): { values: (number | null)[]; min: (number | null)[]; max: (number | null)[] } {
  const pct = (v: number | null | undefined, tot: number | null | undefined) =>
    v === null || v === undefined || !tot ? null : (v / tot) * 100;
  return {
    values: used.avg.map((v, i) => pct(v, total.avg[i])),
    min: used.min.map((v, i) => pct(v, total.avg[i])),
    max: used.max.map((v, i) => pct(v, total.avg[i])),
  };
}

// --- Axes ------------------------------------------------------------------------------------------

export interface Axis {
  ticks: number[];
  /** The top of the domain (the last tick). */
  max: number;
  format: (value: number) => string;
}

/** 1, 2, 2.5, 5 × 10^k: the smallest at least `raw`. */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const mag = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * mag >= raw * (1 - 1e-9)) return m * mag;
  return 10 * mag;
}

/** 0, step, 2·step … covering `max` with about `target` intervals. */
export function niceTicks(max: number, target = 4): number[] {
  const top = max > 0 && Number.isFinite(max) ? max : 1;
  const step = niceStep(top / Math.max(1, target));
  const count = Math.max(1, Math.ceil(top / step - 1e-9));
  return Array.from({ length: count + 1 }, (_, i) => Number((i * step).toPrecision(12)));
}

/**
 * A rate axis in the user's unit: ticks at round numbers of that unit ("512 KiB/s", "1 MiB/s" in
 * binary bytes, "2 Mbit/s" in decimal bits), all labelled with one prefix. Values stay bytes/s.
 */
export function rateAxis(maxBytesPerSecond: number, unit: 'bytes' | 'bits', target = 4): Axis {
  const base = unit === 'bits' ? 1000 : 1024;
  const factor = unit === 'bits' ? 8 : 1;
  const max = maxBytesPerSecond > 0 && Number.isFinite(maxBytesPerSecond) ? maxBytesPerSecond : 0;
  const power = rateAxisPower(max, unit);
  const scale = base ** power;
  const ticksInUnit = niceTicks(max > 0 ? (max * factor) / scale : 1, target);
  const ticks = ticksInUnit.map((v) => (v * scale) / factor);
  const labelPower = rateAxisPower(ticks[ticks.length - 1]!, unit);
  return { ticks, max: ticks[ticks.length - 1]!, format: (v) => formatAxisRate(v, unit, labelPower) };
}

/** A count-per-second axis (packets, errors): "0", "500/s", "1.5k/s". */
export function countAxis(max: number, target = 4): Axis {
  const ticks = niceTicks(max, target);
  const format = (v: number) => {
    if (v === 0) return '0';
    if (v >= 1_000_000) return `${Number((v / 1_000_000).toPrecision(3))}M/s`;
    if (v >= 1000) return `${Number((v / 1000).toPrecision(3))}k/s`;
    return `${Number(v.toPrecision(3))}/s`;
  };
  return { ticks, max: ticks[ticks.length - 1]!, format };
}

/** 0–100 %. */
export const PERCENT_AXIS: Axis = { ticks: [0, 25, 50, 75, 100], max: 100, format: (v) => `${v}%` };

const TICK_STEPS = [
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
];
const MONTH_STEPS = [1, 2, 3, 6, 12];

/**
 * Time-axis ticks at round local times (minutes, hours, local midnights, Mondays, first of months),
 * at most `maxTicks` of them inside [from, to].
 */
export function timeTicks(
  from: number,
  to: number,
  maxTicks: number,
  offset: OffsetFn = localOffset,
): number[] {
  const span = to - from;
  if (!(span > 0)) return [];
  const limit = Math.max(2, Math.floor(maxTicks));
  const step = TICK_STEPS.find((s) => span / s <= limit);
  if (step !== undefined) {
    const out: number[] = [];
    // In wall-clock space: round times there, then back to laptop ms with the offset at that time.
    const off = offset(from) * MINUTE;
    const shift = step === 7 * DAY ? 4 * DAY : 0; // the epoch was a Thursday: weeks start on Monday
    let wallT = Math.ceil((from + off - shift) / step) * step + shift;
    for (let guard = 0; guard < limit + 2; guard++, wallT += step) {
      const ms = wallT - offset(wallT - off) * MINUTE;
      if (ms > to) break;
      if (ms >= from) out.push(ms);
    }
    return out;
  }
  const months = MONTH_STEPS.find((m) => span / (m * 30.44 * DAY) <= limit) ?? 12;
  const out: number[] = [];
  const start = new Date(from + offset(from) * MINUTE);
  let y = start.getUTCFullYear();
  const pastFirst = start.getUTCDate() > 1 || start.getUTCHours() > 0 || start.getUTCMinutes() > 0;
  let m = Math.ceil((start.getUTCMonth() + (pastFirst ? 1 : 0)) / months) * months;
  for (let guard = 0; guard < limit + 2; guard++) {
    const wallMs = Date.UTC(y, m, 1);
    const ms = wallMs - offset(wallMs) * MINUTE;
    if (ms > to) break;
    if (ms >= from) out.push(ms);
    m += months;
    if (m >= 12) {
      y += Math.floor(m / 12);
      m %= 12;
    }
  }
  return out;
}

// --- Export ----------------------------------------------------------------------------------------

export interface CsvColumn {
  name: string;
  values: readonly (number | null)[];
}

function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '';
  return String(Math.round(value * 1000) / 1000);
}

/**
 * RFC 4180 CSV: `time` (bucket start, ISO-8601 UTC) then one column per series; a gap (null) is an
 * empty cell, never a zero.
 */
export function toCsv(t: readonly number[], columns: readonly CsvColumn[]): string {
  const lines = [['time', ...columns.map((c) => c.name)].map(csvCell).join(',')];
  t.forEach((time, i) => {
    lines.push([new Date(time).toISOString(), ...columns.map((c) => csvNumber(c.values[i]))].join(','));
  });
  return `${lines.join('\r\n')}\r\n`;
}

/** A file name from parts: "wgdeck-peer-lab-s0-wg0-abcd1234-2025-03-12T1405.csv". */
export function exportFileName(parts: readonly string[], now: number, extension: 'csv' | 'png'): string {
  const stamp = new Date(now).toISOString().slice(0, 16).replace(':', '');
  const safe = [...parts, stamp]
    .map((p) => p.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, ''))
    .filter((p) => p !== '');
  return `${safe.join('-')}.${extension}`;
}

// --- Sparklines and event strips -------------------------------------------------------------------

/**
 * An SVG path for a sparkline: one subpath per run of values (a null starts a new one, so gaps stay
 * gaps), scaled to `max` (0 → flat at the bottom). An isolated point becomes a short dash.
 */
export function sparkPath(
  values: readonly (number | null)[],
  width: number,
  height: number,
  max: number,
): string {
  const n = values.length;
  if (n === 0) return '';
  const dx = n > 1 ? width / (n - 1) : 0;
  const top = 1;
  const bottom = height - 1;
  const r = (x: number) => Math.round(x * 10) / 10;
  const parts: string[] = [];
  let run = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      if (run === 1) parts.push(`h${r(Math.max(1, dx / 2))}`);
      run = 0;
      continue;
    }
    const y = max > 0 ? bottom - (Math.min(v, max) / max) * (bottom - top) : bottom;
    parts.push(`${run === 0 ? 'M' : 'L'}${r(i * dx)} ${r(y)}`);
    run += 1;
  }
  if (run === 1) parts.push(`h${r(Math.max(1, dx / 2))}`);
  return parts.join(' ');
}

/** Event times counted into `bins` equal slices of [from, to) (a strip of handshake marks). */
export function binEvents(times: readonly number[], from: number, to: number, bins: number): number[] {
  const n = Math.max(1, Math.floor(bins));
  const out = new Array<number>(n).fill(0);
  const span = to - from;
  if (!(span > 0)) return out;
  for (const t of times) {
    if (t < from || t >= to) continue;
    out[Math.min(n - 1, Math.floor(((t - from) / span) * n))]! += 1;
  }
  return out;
}

// --- Usage and custom-range inputs -----------------------------------------------------------------

/** The usage table's window: the last 31 local days, or the last 12 local months, up to now. */
export function usageRange(by: 'day' | 'month', now: number): { from: number; to: number } {
  const d = new Date(now);
  const from =
    by === 'day'
      ? new Date(d.getFullYear(), d.getMonth(), d.getDate() - 30).getTime()
      : new Date(d.getFullYear(), d.getMonth() - 11, 1).getTime();
  return { from, to: Math.max(from + 1, Math.round(now)) };
}

/** Laptop ms → the value of an `<input type="datetime-local">` ("2025-03-12T14:05"). */
export function toDatetimeLocal(ms: number, offset: OffsetFn = localOffset): string {
  return new Date(ms + offset(ms) * MINUTE).toISOString().slice(0, 16);
}

/** An `<input type="datetime-local">` value → laptop ms; NaN when it is not one. */
export function fromDatetimeLocal(value: string, offset: OffsetFn = localOffset): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return Number.NaN;
  const wallMs = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, m[6] ? +m[6] : 0);
  // The offset at the resulting instant (twice: a guess, then corrected, for DST edges).
  const guess = wallMs - offset(wallMs) * MINUTE;
  return wallMs - offset(guess) * MINUTE;
}
