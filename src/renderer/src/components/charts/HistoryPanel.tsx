import { useMemo, useRef, useState, type ReactNode } from 'react';
import type { Tier } from '../../../../shared/history.ts';
import { exportFileName, refreshInterval, type HistoryRange } from '../../lib/charts.ts';
import { downloadCsv, exportPng } from '../../lib/export.ts';
import { isUnavailable, useSeries, type Loaded } from '../../lib/history.ts';
import { sourceNote, type Provenance } from '../../lib/sources.ts';
import { scopeKey, type PageScope, type TimeWindow } from '../../lib/time-range.ts';
import { pickRange, resetZoom, usePageRange, zoomTo } from '../../store/time-range.ts';
import { ChartBody, ExportButtons, Legend, RangePicker, rangeCaption, useWidth } from './ChartPanel.tsx';
import { usePickerOwner } from './picker-owner.ts';
import { plotWidthOf, type SeriesDef } from './TimeChart.tsx';

/** What a TimeChart of a page takes to join the page: shared crosshair, drag zoom, reset. */
export interface ChartInteraction {
  syncId: string;
  onZoom: (window: TimeWindow) => void;
  onResetZoom: () => void;
}

/**
 * What every history chart starts with: the page's range (shared by the page's charts, see
 * store/time-range.ts), the measured width, and the series for that range loaded with loading/error
 * state. `plotWidth` maps the measured width to the plot's pixel width (the point budget); by
 * default the whole width is one plot.
 */
export function useHistoryChart<T>(
  scope: PageScope,
  fetch: (range: HistoryRange, signal: AbortSignal) => Promise<T>,
  identity: string,
  plotWidth: (width: number) => number = plotWidthOf,
) {
  const page = usePageRange(scope);
  const [measure, width] = useWidth<HTMLDivElement>();
  const panel = useRef<HTMLDivElement>(null);
  const series = useSeries(
    fetch,
    identity,
    page.range,
    width === null ? null : plotWidth(width),
    page.range ? refreshInterval(page.range, Date.now()) : 0,
  );
  // While the page's default is fitted to the history, the chart is loading too.
  const state = page.range ? series : { ...series, loading: true };
  const loaded = state.value;
  const noHistory = !loaded && isUnavailable(state.error);
  const key = scopeKey(scope);
  const { kind, id } = scope;
  const interact: ChartInteraction = useMemo(
    () => ({
      syncId: key,
      onZoom: (w: TimeWindow) => zoomTo({ kind, id }, w),
      onResetZoom: () => resetZoom({ kind, id }),
    }),
    [key, kind, id],
  );
  return { scope, page, measure, width, panel, state, loaded, noHistory, interact };
}

export type HistoryChart<T> = ReturnType<typeof useHistoryChart<T>>;

/**
 * The frame around a history chart: title, range picker and export buttons (hidden when this process
 * keeps no history), the caption, the chart area with its loading/error/empty states, and the legend.
 * `children` draws the chart once a series is loaded and the area measured.
 */
export function HistoryPanel<T extends { step: number; tier: Tier } & Provenance>({
  chart,
  className = 'panel chart-panel',
  label,
  testId,
  data,
  markLoading = false,
  level = 3,
  heading,
  pickerBelowHeading = false,
  pickerAlways = false,
  exportWhat,
  exportName,
  pngTitle,
  csv,
  subject,
  bands,
  empty,
  height,
  legend,
  after,
  children,
}: {
  chart: HistoryChart<T>;
  className?: string;
  /** The section's accessible name. */
  label: string;
  testId: string;
  /** Extra `data-*` attributes on the section. */
  data?: Record<`data-${string}`, string>;
  /** Mark the section `data-loading` while a load is in flight. */
  markLoading?: boolean;
  level?: 2 | 3;
  heading: ReactNode;
  pickerBelowHeading?: boolean;
  /**
   * Show the page's range picker here whatever comes first (a drawer over the page); else only the
   * first chart panel of the page shows it.
   */
  pickerAlways?: boolean;
  /** "Export {exportWhat} as CSV". */
  exportWhat: string;
  /** File name parts of exports, before the time stamp. */
  exportName: readonly string[];
  pngTitle: string;
  csv: (data: T) => string;
  /** What the caption names before the range. */
  subject: string;
  bands: boolean;
  empty: boolean;
  height: number;
  legend?: readonly SeriesDef[];
  /** Below the exported area. */
  after?: ReactNode;
  children: (loaded: Loaded<T>, width: number, interact: ChartInteraction) => ReactNode;
}) {
  const { scope, page, measure, width, panel, state, loaded, noHistory, interact } = chart;
  const [section, setSection] = useState<HTMLElement | null>(null);
  const owner = usePickerOwner(scopeKey(scope), pickerAlways ? null : section);
  const Heading = level === 2 ? 'h2' : 'h3';
  const note = loaded ? sourceNote(loaded.data) : null;
  const exportCsv = () => {
    if (!loaded) return;
    downloadCsv(csv(loaded.data), exportFileName(exportName, Date.now(), 'csv'));
  };
  const exportImage = () =>
    exportPng(panel.current!, exportFileName(exportName, Date.now(), 'png'), pngTitle);
  const picker = !noHistory && (pickerAlways || owner) && (
    <RangePicker
      range={page.base}
      fitted={page.fitted}
      zoom={page.zoom}
      onChange={(r) => pickRange(scope.kind, r)}
      onResetZoom={interact.onResetZoom}
    />
  );

  return (
    <section
      ref={setSection}
      className={className}
      aria-label={label}
      data-testid={testId}
      {...data}
      data-tier={loaded?.data.tier}
      data-step={loaded?.data.step}
      data-loading={markLoading ? state.loading || undefined : undefined}
      data-vm={note?.kind}
    >
      <header className="chart-head">
        <Heading className="section-title">{heading}</Heading>
        {!pickerBelowHeading && picker}
        {!noHistory && (
          <ExportButtons disabled={!loaded} onCsv={exportCsv} onPng={exportImage} what={exportWhat} />
        )}
      </header>
      {pickerBelowHeading && picker}
      <div ref={panel} className="chart-export">
        <p className="chart-caption muted small" data-export="text">
          {loaded ? `${subject} · ${rangeCaption(loaded.range, loaded.data, bands)}` : '\u00a0'}
        </p>
        <div ref={measure} className="chart-measure">
          <ChartBody state={state} empty={empty} height={height}>
            {loaded && width !== null && children(loaded, width, interact)}
          </ChartBody>
        </div>
        {loaded && legend && <Legend series={legend} />}
        {note && (
          <p className="chart-source-note small" data-kind={note.kind} data-testid="chart-source-note">
            {note.kind === 'filled' && <span className="source-swatch" aria-hidden="true" />}
            <span data-export="text">{note.text}</span>
          </p>
        )}
      </div>
      {after}
    </section>
  );
}
