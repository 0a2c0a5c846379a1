import { memo, useCallback, useMemo, type ReactNode } from 'react';
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Line,
  ReferenceArea,
  ReferenceLine,
  Tooltip,
  XAxis,
  YAxis,
  type MouseHandlerDataParam,
  type TickItem,
} from 'recharts';
import { formatBucket, formatTimeTick, formatWindow } from '../../../../shared/time-format.ts';
import { timeTicks, type Axis, type ChartRow } from '../../lib/charts.ts';
import { groupMarks, markColor, type ChartEvent } from '../../lib/event-marks.ts';
import { remoteSpans, SOURCE_LABEL, sourceAt } from '../../lib/sources.ts';
import type { SourceSpan } from '../../../../shared/history.ts';
import { useChartColors } from '../../lib/theme.ts';
import { nearestIndex, type TimeWindow } from '../../lib/time-range.ts';
import { EventMarks } from './EventMarks.tsx';
import { ZoomLayer } from './ZoomLayer.tsx';

export interface SeriesDef {
  key: string;
  label: string;
  color: string;
  dashed?: boolean;
}

export const Y_AXIS_WIDTH = 70;
const MARGIN = { top: 8, right: 14, bottom: 0, left: 0 };
const X_AXIS_HEIGHT = 22;
const TICK_SPACING_PX = 84;

/** The width of the plot area (what the point budget is) for a chart `width` pixels wide. */
export function plotWidthOf(width: number): number {
  return Math.max(2, width - Y_AXIS_WIDTH - MARGIN.left - MARGIN.right);
}

/** Left and right insets of the plot area inside a chart, for strips drawn under it. */
export const PLOT_INSET = { left: Y_AXIS_WIDTH + MARGIN.left, right: MARGIN.right };

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function isolatedPoints(rows: readonly ChartRow[], key: string): Set<number> {
  const out = new Set<number>();
  rows.forEach((row, i) => {
    if (row.v[key] === null) return;
    const before = rows[i - 1]?.v[key] ?? null;
    const after = rows[i + 1]?.v[key] ?? null;
    if (before === null && after === null) out.add(i);
  });
  return out;
}

function TooltipBox({
  row,
  series,
  step,
  format,
  bands,
  extra,
  sources,
}: {
  row: ChartRow;
  series: readonly SeriesDef[];
  step: number;
  format: (v: number) => string;
  bands: boolean;
  extra?: (row: ChartRow) => ReactNode;
  sources?: readonly SourceSpan[];
}) {
  const attrs: Record<string, string> = {};
  for (const s of series) {
    const v = row.v[s.key];
    attrs[`data-${kebab(s.key)}`] = v === null || v === undefined ? '' : String(v);
  }
  const empty = series.every((s) => row.v[s.key] === null);
  const source = row.gap || empty ? null : sourceAt(sources, row.t);
  return (
    <div
      className="chart-tooltip"
      data-testid="chart-tooltip"
      data-t={row.gap ? row.gap[0] : row.t}
      data-step={step}
      data-gap={empty || undefined}
      data-source={source ?? undefined}
      {...attrs}
    >
      <div className="chart-tooltip-time num">
        {row.gap ? formatWindow(row.gap[0], row.gap[1]) : formatBucket(row.t, step)}
      </div>
      {row.gap ? (
        <div className="muted">No data: not recorded or unreachable</div>
      ) : (
        <table className="chart-tooltip-values">
          <tbody>
            {series.map((s) => {
              const v = row.v[s.key] ?? null;
              const band = bands ? (row.band[s.key] ?? null) : null;
              return (
                <tr key={s.key}>
                  <th scope="row">
                    <span
                      className="legend-swatch"
                      data-dashed={s.dashed || undefined}
                      style={{ background: s.color }}
                    />
                    {s.label}
                  </th>
                  <td className="num">{v === null ? <span className="muted">no data</span> : format(v)}</td>
                  <td className="num muted">
                    {band && band[0] !== band[1] ? `${format(band[0])} – ${format(band[1])}` : ''}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {source && (
        <div className="chart-tooltip-source" data-source={source}>
          {source === 'victoria-metrics' && <span className="source-swatch" aria-hidden="true" />}
          {SOURCE_LABEL[source]}
        </div>
      )}
      {!row.gap && extra?.(row)}
    </div>
  );
}

/**
 * One time-series chart: lines per series that break at nulls (never across a gap, never through
 * zero), an optional min/max band, round-time ticks, a tooltip with the bucket's values in units.
 * Rows come from `toChartRows`; values are in the series' own unit (bytes/s, %, /s).
 */
export const TimeChart = memo(function TimeChart({
  rows,
  series,
  from,
  to,
  step,
  bands,
  axis,
  format,
  width,
  height,
  events,
  tooltipExtra,
  title,
  syncId,
  onZoom,
  onResetZoom,
  sources,
}: {
  rows: ChartRow[];
  series: readonly SeriesDef[];
  from: number;
  to: number;
  step: number;
  bands: boolean;
  axis: Axis;
  /** Tooltip values. */
  format: (v: number) => string;
  width: number;
  height: number;
  /** Marked on the time axis, a line each across the plot (see lib/event-marks.ts). */
  events?: readonly ChartEvent[];
  tooltipExtra?: (row: ChartRow) => ReactNode;
  title: string;
  /** Charts with one syncId show one crosshair: at the hovered time, in each chart's nearest bucket. */
  syncId?: string;
  /** A drag across the plot: zoom every chart of the page into that window. */
  onZoom?: (window: TimeWindow) => void;
  /** A double click on the plot. */
  onResetZoom?: () => void;
  /**
   * Where the buckets came from, when VictoriaMetrics reads are on: its spans are tinted, with a
   * strip along the time axis, and the tooltip names each bucket's source.
   */
  sources?: readonly SourceSpan[];
}) {
  const colors = useChartColors();
  const span = to - from;
  const ticks = useMemo(
    () => timeTicks(from, to, Math.max(2, Math.floor(plotWidthOf(width) / TICK_SPACING_PX))),
    [from, to, width],
  );
  const isolated = useMemo(
    () => new Map(series.map((s) => [s.key, isolatedPoints(rows, s.key)])),
    [rows, series],
  );
  const plotWidth = plotWidthOf(width);
  const filled = useMemo(() => remoteSpans(sources), [sources]);
  const marks = useMemo(() => groupMarks(events ?? [], from, to, plotWidth), [events, from, to, plotWidth]);
  const tick = { fill: colors.axis, fontSize: 11 };
  // Another chart's hovered time → this chart's nearest bucket (their grids differ with their widths).
  const syncByTime = useCallback(
    (axisTicks: ReadonlyArray<TickItem>, data: MouseHandlerDataParam) =>
      nearestIndex(
        axisTicks.map((t) => Number(t.value)),
        Number(data.activeLabel),
        Math.max(step, 1),
      ),
    [step],
  );
  const chart = (
    <ComposedChart
      width={width}
      height={height}
      data={rows}
      margin={MARGIN}
      accessibilityLayer
      title={title}
      aria-label={title}
      syncId={syncId}
      syncMethod={syncByTime}
    >
      <CartesianGrid vertical={false} stroke={colors.grid} />
      <XAxis
        dataKey="t"
        type="number"
        scale="time"
        domain={[from, to]}
        allowDataOverflow
        ticks={ticks}
        tickFormatter={(v: number) => formatTimeTick(v, span)}
        tick={tick}
        stroke={colors.grid}
        tickLine={false}
        height={X_AXIS_HEIGHT}
        interval={0}
        minTickGap={4}
      />
      <YAxis
        type="number"
        domain={[0, axis.max]}
        ticks={axis.ticks}
        tickFormatter={axis.format}
        allowDataOverflow
        width={Y_AXIS_WIDTH}
        tick={tick}
        axisLine={false}
        tickLine={false}
      />
      {filled.map((s) => (
        <ReferenceArea
          key={`vm-${s.from}`}
          x1={s.from}
          x2={s.to}
          fill={colors.faint}
          fillOpacity={0.12}
          stroke="none"
          ifOverflow="hidden"
        />
      ))}
      {/* The strip along the time axis: readable where the tint is too faint (a small span). */}
      {filled.map((s) => (
        <ReferenceArea
          key={`vm-strip-${s.from}`}
          x1={s.from}
          x2={s.to}
          y1={0}
          y2={axis.max * 0.025}
          fill={colors.axis}
          fillOpacity={0.8}
          stroke="none"
          ifOverflow="hidden"
        />
      ))}
      {bands &&
        series.map((s) => (
          <Area
            key={`band-${s.key}`}
            type="linear"
            dataKey={(row: ChartRow) => row.band[s.key] ?? null}
            stroke="none"
            fill={s.color}
            fillOpacity={0.16}
            connectNulls={false}
            isAnimationActive={false}
            activeDot={false}
            dot={false}
            legendType="none"
            tooltipType="none"
          />
        ))}
      {marks.marks.map((m) => (
        <ReferenceLine
          key={`m-${m.t}`}
          x={m.t}
          stroke={markColor(m.kind, colors)}
          strokeOpacity={0.6}
          strokeDasharray="3 3"
          ifOverflow="hidden"
          label={undefined}
        />
      ))}
      {series.map((s) => {
        const alone = isolated.get(s.key)!;
        return (
          <Line
            key={s.key}
            type="linear"
            name={s.label}
            dataKey={(row: ChartRow) => row.v[s.key] ?? null}
            stroke={s.color}
            strokeWidth={1.6}
            strokeDasharray={s.dashed ? '4 3' : undefined}
            connectNulls={false}
            isAnimationActive={false}
            dot={
              alone.size === 0
                ? false
                : (p: { index?: number; cx?: number; cy?: number }) =>
                    p.index !== undefined &&
                    alone.has(p.index) &&
                    p.cx !== undefined &&
                    p.cy !== undefined ? (
                      <circle key={`dot-${p.index}`} cx={p.cx} cy={p.cy} r={1.8} fill={s.color} />
                    ) : (
                      <g key={`nodot-${p.index}`} />
                    )
            }
            activeDot={{ r: 3, strokeWidth: 0, fill: s.color }}
          />
        );
      })}
      <Tooltip
        isAnimationActive={false}
        cursor={{ stroke: colors.faint, strokeDasharray: '2 2' }}
        wrapperStyle={{ zIndex: 5, outline: 'none' }}
        allowEscapeViewBox={{ x: false, y: true }}
        content={(p) => {
          if (!p.active) return null;
          const index =
            p.activeIndex === undefined || p.activeIndex === null ? Number.NaN : Number(p.activeIndex);
          const row =
            (Number.isInteger(index) ? rows[index] : undefined) ?? rows.find((r) => r.t === Number(p.label));
          if (!row) return null;
          return (
            <TooltipBox
              row={row}
              series={series}
              step={step}
              format={format}
              bands={bands}
              extra={tooltipExtra}
              sources={sources}
            />
          );
        }}
      />
    </ComposedChart>
  );
  return (
    <div className="time-chart">
      {onZoom ? (
        <ZoomLayer
          plotLeft={PLOT_INSET.left}
          plotWidth={plotWidth}
          top={MARGIN.top}
          height={height - MARGIN.top - X_AXIS_HEIGHT}
          view={{ from, to }}
          onZoom={onZoom}
          onReset={onResetZoom}
        >
          {chart}
        </ZoomLayer>
      ) : (
        chart
      )}
      {marks.marks.length > 0 && (
        <EventMarks
          marks={marks.marks}
          hidden={marks.hidden}
          left={PLOT_INSET.left}
          top={height - MARGIN.bottom - X_AXIS_HEIGHT}
          plotWidth={plotWidth}
          colors={colors}
        />
      )}
    </div>
  );
});
