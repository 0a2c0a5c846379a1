/**
 * One time range per page, as in Grafana: the pure rules behind the page's range store
 * (store/time-range.ts): which preset fits the recorded history, a drag as a zoom window, the
 * crosshair's bucket in a chart with other buckets, what is kept in localStorage. No DOM, no React:
 * unit-tested in time-range.test.ts.
 */
import { presetMs, RANGE_PRESETS, type ChartRange, type RangePreset } from './charts.ts';

/** The pages that have charts; every chart of a page shares its range. */
export type PageKind = 'overview' | 'server';

/**
 * A page's charts: `kind` shares the picked range (every server page shows the range last picked on
 * one), `id` names the subject (a server) — the zoom and the fitted default are per subject.
 */
export interface PageScope {
  kind: PageKind;
  id: string;
}

export function scopeKey(scope: PageScope): string {
  return `${scope.kind}:${scope.id}`;
}

/** Fixed laptop-ms bounds `[from, to)`. */
export interface TimeWindow {
  from: number;
  to: number;
}

/** The smallest preset that covers `spanMs` of history, the largest when none does. */
export function fitPreset(spanMs: number): RangePreset {
  const last = RANGE_PRESETS[RANGE_PRESETS.length - 1]!;
  return (RANGE_PRESETS.find((p) => p.ms >= spanMs) ?? last).id;
}

/** The start of the first bucket where any series holds a value; null when none does. */
export function firstDataTime(
  t: readonly number[],
  series: readonly (readonly (number | null)[] | undefined)[],
): number | null {
  for (let i = 0; i < t.length; i++) {
    if (series.some((s) => s?.[i] !== null && s?.[i] !== undefined)) return t[i]!;
  }
  return null;
}

/** First data time in `[from, to)` at `points` buckets; null when the window holds no data. */
export type FirstDataProbe = (from: number, to: number, points: number) => Promise<number | null>;

/** Probes ask for this many buckets: 1 y at ~2.2 h a bucket, 24 h at ~22 s. */
export const PROBE_POINTS = 4000;

/**
 * The preset a page starts at until the user picks one: the smallest that covers the recorded history
 * (a fresh install's ten minutes fill a 15 min chart, not a sliver of a 24 h one). Probes the widest
 * preset, then once more at the fitted one — the first probe's buckets are hours wide, so its first
 * bucket can start well before the first sample. Null when nothing is recorded.
 */
export async function fitRecordedHistory(probe: FirstDataProbe, now: number): Promise<RangePreset | null> {
  const widest = RANGE_PRESETS[RANGE_PRESETS.length - 1]!;
  const first = await probe(Math.max(0, now - widest.ms), now, PROBE_POINTS);
  if (first === null) return null;
  const coarse = fitPreset(now - first);
  if (coarse === widest.id) return coarse;
  const refined = await probe(Math.max(0, now - presetMs(coarse)), now, PROBE_POINTS);
  return refined === null ? coarse : fitPreset(now - refined);
}

/** A drag narrower than this (px) is a click, not a zoom. */
export const MIN_DRAG_PX = 6;
/** The narrowest zoom window (a few polls). */
export const MIN_ZOOM_MS = 10_000;

/**
 * A horizontal drag over a plot as the time window it covers: pixel x's relative to the plot's left
 * edge, clamped to the plot; null for a click-sized drag. Never narrower than MIN_ZOOM_MS.
 */
export function dragWindow(
  x0: number,
  x1: number,
  plotWidth: number,
  view: TimeWindow,
  minPx = MIN_DRAG_PX,
): TimeWindow | null {
  if (!(plotWidth > 0) || !(view.to > view.from)) return null;
  const clamp = (x: number) => Math.min(plotWidth, Math.max(0, x));
  const a = clamp(Math.min(x0, x1));
  const b = clamp(Math.max(x0, x1));
  if (b - a < minPx) return null;
  const span = view.to - view.from;
  let from = Math.round(view.from + (a / plotWidth) * span);
  let to = Math.round(view.from + (b / plotWidth) * span);
  if (to - from < MIN_ZOOM_MS) {
    const mid = (from + to) / 2;
    from = Math.round(mid - MIN_ZOOM_MS / 2);
    to = from + MIN_ZOOM_MS;
  }
  return { from, to };
}

/**
 * The crosshair of a synced chart (recharts `syncMethod`): the bucket nearest to the hovered time,
 * -1 (no crosshair) when none is within `maxDistance` — charts of one page have different bucket
 * grids (their widths differ), so matching timestamps exactly would rarely hit.
 */
export function nearestIndex(times: readonly number[], t: number, maxDistance: number): number {
  if (!Number.isFinite(t)) return -1;
  let best = -1;
  let bestDistance = Number.POSITIVE_INFINITY;
  times.forEach((time, i) => {
    const d = Math.abs(time - t);
    if (d < bestDistance) {
      best = i;
      bestDistance = d;
    }
  });
  return bestDistance <= maxDistance ? best : -1;
}

/** A stored pick (localStorage text) back to a preset range; null for anything else. */
export function parseStoredRange(text: string | null): ChartRange | null {
  if (text === null) return null;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || !('preset' in value)) return null;
    const preset = RANGE_PRESETS.find((p) => p.id === value.preset);
    return preset ? { preset: preset.id } : null;
  } catch {
    return null;
  }
}

/** Only presets are kept: a custom window is about one moment, stale at the next start. */
export function storedRangeText(range: ChartRange): string | null {
  return range.preset === 'custom' ? null : JSON.stringify({ preset: range.preset });
}

/** What the page's charts query: the zoom window when zoomed, else the picked or fitted range. */
export function effectiveRange(base: ChartRange | null, zoom: TimeWindow | null): ChartRange | null {
  if (zoom) return { preset: 'custom', from: zoom.from, to: zoom.to };
  return base;
}
