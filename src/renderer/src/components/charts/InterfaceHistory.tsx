import { memo, useMemo } from 'react';
import { formatPerSecond, formatRate } from '../../../../shared/format.ts';
import type { CounterName, InterfaceSeries } from '../../../../shared/history.ts';
import {
  countAxis,
  hasData,
  isDownsampled,
  rateAxis,
  rowsMax,
  toChartRows,
  toCsv,
  type Axis,
  type ChartRow,
  type CsvColumn,
  type SeriesInput,
} from '../../lib/charts.ts';
import { PRIORITY_CHART, queryHistory } from '../../lib/history.ts';
import { useChartColors } from '../../lib/theme.ts';
import { useApp } from '../../store/store.ts';
import { Legend } from './ChartPanel.tsx';
import { HistoryPanel, useHistoryChart } from './HistoryPanel.tsx';
import { plotWidthOf, TimeChart, type SeriesDef } from './TimeChart.tsx';
import { useChartEvents } from './use-chart-events.ts';
import { chartSources } from '../../lib/sources.ts';

const HEIGHT = 150;
const COUNTERS: CounterName[] = [
  'rxBytes',
  'txBytes',
  'rxPackets',
  'txPackets',
  'rxErrors',
  'txErrors',
  'rxDropped',
  'txDropped',
];

function inputs(s: InterfaceSeries, names: readonly CounterName[]): SeriesInput[] {
  return names.map((key) => {
    const c = s.counters[key];
    const empty = s.t.map(() => null);
    return { key, values: c?.rate ?? empty, min: c?.min ?? empty, max: c?.max ?? empty };
  });
}

/** Three charts side by side when there is room, else stacked. */
function columnsFor(width: number | null): number {
  return width === null ? 1 : width >= 960 ? 3 : width >= 620 ? 2 : 1;
}

/** Each chart gets the measured width shared among the columns. */
function cellWidthOf(width: number): number {
  const columns = columnsFor(width);
  return Math.floor((width - (columns - 1) * 16) / columns);
}

interface MiniChart {
  id: string;
  title: string;
  series: SeriesDef[];
  axis: (max: number) => Axis;
  format: (v: number) => string;
}

/**
 * An interface over time, next to its health panel: throughput, packets, and errors with drops (the
 * counters that explain "the VPN is slow"), one range for the three.
 */
export const InterfaceChart = memo(function InterfaceChart({
  server,
  iface,
}: {
  server: string;
  iface: string;
}) {
  const rateUnit = useApp((s) => s.rateUnit);
  const intervalMs = useApp((s) => (s.settings?.intervalSeconds ?? 5) * 1000);
  const colors = useChartColors();
  const identity = `${server}\n${iface}`;
  const chart = useHistoryChart(
    { kind: 'server', id: server },
    (r, signal) =>
      queryHistory('history:interface', { server, iface, counters: COUNTERS, ...r }, PRIORITY_CHART, signal),
    identity,
    (width) => plotWidthOf(cellWidthOf(width)),
  );
  const loaded = chart.loaded;
  const events = useChartEvents({ server, iface }, loaded?.range ?? null);
  const columns = columnsFor(chart.width);

  const charts: MiniChart[] = useMemo(
    () => [
      {
        id: 'throughput',
        title: 'Throughput',
        series: [
          { key: 'rxBytes', label: 'RX', color: colors.rx },
          { key: 'txBytes', label: 'TX', color: colors.tx },
        ],
        axis: (max) => rateAxis(max, rateUnit),
        format: (v) => formatRate(v, rateUnit),
      },
      {
        id: 'packets',
        title: 'Packets',
        series: [
          { key: 'rxPackets', label: 'RX packets', color: colors.rx },
          { key: 'txPackets', label: 'TX packets', color: colors.tx },
        ],
        axis: (max) => countAxis(max),
        format: formatPerSecond,
      },
      {
        id: 'trouble',
        title: 'Errors and drops',
        series: [
          { key: 'rxErrors', label: 'RX errors', color: colors.rx },
          { key: 'txErrors', label: 'TX errors', color: colors.tx },
          { key: 'rxDropped', label: 'RX drops', color: colors.rx, dashed: true },
          { key: 'txDropped', label: 'TX drops', color: colors.tx, dashed: true },
        ],
        axis: (max) => countAxis(max),
        format: formatPerSecond,
      },
    ],
    [colors, rateUnit],
  );

  const views = useMemo(() => {
    if (!loaded) return null;
    const bands = isDownsampled(loaded.data, intervalMs);
    return charts.map((c) => {
      const keys = c.series.map((s) => s.key as CounterName);
      const ins = inputs(loaded.data, keys);
      const rows: ChartRow[] = toChartRows(loaded.data, ins);
      return { chart: c, rows, bands, empty: !hasData(ins), axis: c.axis(rowsMax(rows, keys, bands)) };
    });
  }, [loaded, charts, intervalMs]);

  return (
    <HistoryPanel
      chart={chart}
      label={`History of ${iface}`}
      testId="interface-chart"
      data={{ 'data-interface': iface }}
      heading={<>{iface} over time</>}
      exportWhat={`the history of ${iface}`}
      exportName={['wgdeck-interface', server, iface]}
      pngTitle={`${iface} on ${server}`}
      csv={(s) => {
        const columns: CsvColumn[] = [];
        for (const name of COUNTERS) {
          const c = s.counters[name];
          const unit = name.endsWith('Bytes') ? 'bytes_per_s' : 'per_s';
          const snake = name.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`);
          columns.push({ name: `${snake}_${unit}`, values: c?.rate ?? [] });
          columns.push({ name: `${snake}_min_${unit}`, values: c?.min ?? [] });
          columns.push({ name: `${snake}_max_${unit}`, values: c?.max ?? [] });
        }
        return toCsv(s.t, columns);
      }}
      subject={server}
      bands={views?.[0]?.bands ?? false}
      empty={false}
      height={HEIGHT + 48}
    >
      {(loaded, width, interact) =>
        views && (
          <div className="chart-grid" style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }}>
            {views.map((v) => (
              <div key={v.chart.id} className="chart-cell" data-chart={v.chart.id}>
                <h4 className="chart-cell-title" data-export="text">
                  {v.chart.title}
                </h4>
                <div className="chart-area">
                  <TimeChart
                    rows={v.rows}
                    series={v.chart.series}
                    from={loaded.range.from}
                    to={loaded.range.to}
                    step={loaded.data.step}
                    bands={v.bands}
                    axis={v.axis}
                    format={v.chart.format}
                    width={cellWidthOf(width)}
                    height={HEIGHT}
                    title={`${iface}: ${v.chart.title}`}
                    events={events}
                    sources={chartSources(loaded.data)}
                    {...interact}
                  />
                  {v.empty && <div className="chart-empty">No data recorded in this range</div>}
                </div>
                <Legend series={v.chart.series} />
              </div>
            ))}
          </div>
        )
      }
    </HistoryPanel>
  );
});
