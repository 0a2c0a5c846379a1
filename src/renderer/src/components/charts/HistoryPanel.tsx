import { useRef, type ReactNode } from 'react';
import type { Tier } from '../../../../shared/history.ts';
import { exportFileName, refreshInterval, type ChartRange, type HistoryRange } from '../../lib/charts.ts';
import { downloadCsv, exportPng } from '../../lib/export.ts';
import { isUnavailable, useSeries, type Loaded } from '../../lib/history.ts';
import {
  ChartBody,
  ExportButtons,
  Legend,
  RangePicker,
  rangeCaption,
  useRange,
  useWidth,
} from './ChartPanel.tsx';
import { plotWidthOf, type SeriesDef } from './TimeChart.tsx';

/**
 * What every history chart starts with: its range (remembered per `kind`), the measured width, and the
 * series for that range loaded with loading/error state. `plotWidth` maps the measured width to the
 * plot's pixel width (the point budget); by default the whole width is one plot.
 */
export function useHistoryChart<T>(
  kind: string,
  initial: ChartRange,
  fetch: (range: HistoryRange, signal: AbortSignal) => Promise<T>,
  identity: string,
  plotWidth: (width: number) => number = plotWidthOf,
) {
  const [range, setRange] = useRange(kind, initial);
  const [measure, width] = useWidth<HTMLDivElement>();
  const panel = useRef<HTMLDivElement>(null);
  const state = useSeries(
    fetch,
    identity,
    range,
    width === null ? null : plotWidth(width),
    refreshInterval(range, Date.now()),
  );
  const loaded = state.value;
  const noHistory = !loaded && isUnavailable(state.error);
  return { range, setRange, measure, width, panel, state, loaded, noHistory };
}

export type HistoryChart<T> = ReturnType<typeof useHistoryChart<T>>;

/**
 * The frame around a history chart: title, range picker and export buttons (hidden when this process
 * keeps no history), the caption, the chart area with its loading/error/empty states, and the legend.
 * `children` draws the chart once a series is loaded and the area measured.
 */
export function HistoryPanel<T extends { step: number; tier: Tier }>({
  chart,
  className = 'panel chart-panel',
  label,
  testId,
  data,
  markLoading = false,
  level = 3,
  heading,
  pickerBelowHeading = false,
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
  children: (loaded: Loaded<T>, width: number) => ReactNode;
}) {
  const { range, setRange, measure, width, panel, state, loaded, noHistory } = chart;
  const Heading = level === 2 ? 'h2' : 'h3';
  const exportCsv = () => {
    if (!loaded) return;
    downloadCsv(csv(loaded.data), exportFileName(exportName, Date.now(), 'csv'));
  };
  const exportImage = () =>
    exportPng(panel.current!, exportFileName(exportName, Date.now(), 'png'), pngTitle);
  const picker = !noHistory && <RangePicker range={range} onChange={setRange} />;

  return (
    <section
      className={className}
      aria-label={label}
      data-testid={testId}
      {...data}
      data-tier={loaded?.data.tier}
      data-step={loaded?.data.step}
      data-loading={markLoading ? state.loading || undefined : undefined}
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
            {loaded && width !== null && children(loaded, width)}
          </ChartBody>
        </div>
        {loaded && legend && <Legend series={legend} />}
      </div>
      {after}
    </section>
  );
}
