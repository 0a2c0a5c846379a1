/**
 * The page's time range, shared by every chart of the page (store slice): the range the user picked
 * (per kind of page, kept in localStorage), else one fitted to the recorded history (per subject,
 * probed once per session), and a zoom window (per subject, from a drag on any chart, until reset).
 */
import { useEffect } from 'react';
import { create } from 'zustand';
import type { ChartRange } from '../lib/charts.ts';
import { PRIORITY_CHART, queryHistory } from '../lib/history.ts';
import {
  effectiveRange,
  firstDataTime,
  fitRecordedHistory,
  parseStoredRange,
  scopeKey,
  storedRangeText,
  type FirstDataProbe,
  type PageKind,
  type PageScope,
  type TimeWindow,
} from '../lib/time-range.ts';

interface TimeRangeState {
  picked: Partial<Record<PageKind, ChartRange>>;
  /** By scopeKey. */
  fitted: Record<string, ChartRange>;
  /** By scopeKey. */
  zoom: Record<string, TimeWindow>;
}

const KINDS: readonly PageKind[] = ['overview', 'server'];
const storageKey = (kind: PageKind) => `wgdeck.chartRange.${kind}`;

function loadPicked(): Partial<Record<PageKind, ChartRange>> {
  const out: Partial<Record<PageKind, ChartRange>> = {};
  for (const kind of KINDS) {
    try {
      const range = parseStoredRange(localStorage.getItem(storageKey(kind)));
      if (range) out[kind] = range;
    } catch {
      // No storage (a locked-down profile): the fitted range it is.
    }
  }
  return out;
}

export const useTimeRange = create<TimeRangeState>()(() => ({ picked: loadPicked(), fitted: {}, zoom: {} }));

/** Without zoom: picking a range leaves every zoom of that kind of page. */
function withoutZoomOf(zoom: Record<string, TimeWindow>, kind: PageKind): Record<string, TimeWindow> {
  return Object.fromEntries(Object.entries(zoom).filter(([key]) => !key.startsWith(`${kind}:`)));
}

export function pickRange(kind: PageKind, range: ChartRange): void {
  try {
    const text = storedRangeText(range);
    if (text === null) localStorage.removeItem(storageKey(kind));
    else localStorage.setItem(storageKey(kind), text);
  } catch {
    // Kept for this session only.
  }
  useTimeRange.setState((s) => ({
    picked: { ...s.picked, [kind]: range },
    zoom: withoutZoomOf(s.zoom, kind),
  }));
}

export function zoomTo(scope: PageScope, window: TimeWindow): void {
  useTimeRange.setState((s) => ({ zoom: { ...s.zoom, [scopeKey(scope)]: window } }));
}

export function resetZoom(scope: PageScope): void {
  const key = scopeKey(scope);
  useTimeRange.setState((s) => {
    if (!(key in s.zoom)) return s;
    const { [key]: _dropped, ...rest } = s.zoom;
    return { zoom: rest };
  });
}

/** The first recorded time of what a page shows: the server's CPU, or any server for the overview. */
function probeFor(scope: PageScope): FirstDataProbe {
  if (scope.kind === 'overview') {
    return async (from, to, points) => {
      const s = await queryHistory('history:fleet', { from, to, points }, PRIORITY_CHART);
      return firstDataTime(s.t, [s.servers.map((n) => (n > 0 ? n : null))]);
    };
  }
  return async (from, to, points) => {
    const s = await queryHistory(
      'history:server',
      { server: scope.id, metrics: ['cpu'], from, to, points },
      PRIORITY_CHART,
    );
    return firstDataTime(s.t, [s.cpu?.avg]);
  };
}

/** Before any history (or when it cannot be read): the charts say so themselves at this range. */
const FALLBACK: ChartRange = { preset: '1h' };
const fitting = new Set<string>();

function fit(scope: PageScope): void {
  const key = scopeKey(scope);
  if (fitting.has(key) || useTimeRange.getState().fitted[key]) return;
  fitting.add(key);
  const settle = (range: ChartRange) =>
    useTimeRange.setState((s) => ({ fitted: { ...s.fitted, [key]: range } }));
  fitRecordedHistory(probeFor(scope), Date.now())
    .then((preset) => settle(preset ? { preset } : FALLBACK))
    .catch(() => settle(FALLBACK))
    .finally(() => fitting.delete(key));
}

export interface PageRange {
  /** What the charts query; null while the default is being fitted to the history. */
  range: ChartRange | null;
  /** The picked (or fitted) range, under any zoom: what the picker shows. */
  base: ChartRange | null;
  /** True while the range is the fitted default, not one the user picked. */
  fitted: boolean;
  zoom: TimeWindow | null;
}

/** The page's range for one of its charts; fits a default to the history when none was picked. */
export function usePageRange(scope: PageScope): PageRange {
  const key = scopeKey(scope);
  const picked = useTimeRange((s) => s.picked[scope.kind] ?? null);
  const fitted = useTimeRange((s) => s.fitted[key] ?? null);
  const zoom = useTimeRange((s) => s.zoom[key] ?? null);
  const needsFit = picked === null && fitted === null;
  useEffect(() => {
    if (needsFit) fit(scope);
    // `scope` is a fresh object each render; its key names it.
  }, [needsFit, key]);
  const base = picked ?? fitted;
  return { range: effectiveRange(base, zoom), base, fitted: picked === null && fitted !== null, zoom };
}
