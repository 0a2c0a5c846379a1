import { memo, useMemo, useRef } from 'react';
import { formatPerSecond, formatRate } from '../../../../shared/format.ts';
import type { CounterName, InterfaceSeries } from '../../../../shared/history.ts';
import {
  countAxis,
  exportFileName,
  hasData,
  isDownsampled,
  rateAxis,
  refreshInterval,
  rowsMax,
  toChartRows,
  toCsv,
  type Axis,
  type ChartRow,
  type CsvColumn,
  type SeriesInput,
} from '../../lib/charts.ts';
import { downloadCsv, exportPng } from '../../lib/export.ts';
import { isUnavailable, PRIORITY_CHART, queryHistory, useSeries } from '../../lib/history.ts';
import { useChartColors } from '../../lib/theme.ts';
import { useApp } from '../../store/store.ts';
import {
  ChartBody,
  ExportButtons,
  Legend,
  RangePicker,
  rangeCaption,
  useRange,
  useWidth,
} from './ChartPanel.tsx';
import { plotWidthOf, TimeChart, type SeriesDef } from './TimeChart.tsx';

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
  const [range, setRange] = useRange('interface', { preset: '24h' });
  const [measure, width] = useWidth<HTMLDivElement>();
  const panel = useRef<HTMLDivElement>(null);
  const identity = `${server}\n${iface}`;
  // Three charts side by side when there is room, else stacked: each gets the measured cell width.
  const columns = width === null ? 1 : width >= 960 ? 3 : width >= 620 ? 2 : 1;
  const cellWidth = width === null ? null : Math.floor((width - (columns - 1) * 16) / columns);
  const state = useSeries(
    (r, signal) =>
      queryHistory('history:interface', { server, iface, counters: COUNTERS, ...r }, PRIORITY_CHART, signal),
    identity,
    range,
    cellWidth === null ? null : plotWidthOf(cellWidth),
    refreshInterval(range, Date.now()),
  );
  const loaded = state.value;
  const noHistory = !loaded && isUnavailable(state.error);

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

  const exportCsv = () => {
    if (!loaded) return;
    const columns: CsvColumn[] = [];
    for (const name of COUNTERS) {
      const c = loaded.data.counters[name];
      const unit = name.endsWith('Bytes') ? 'bytes_per_s' : 'per_s';
      const snake = name.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`);
      columns.push({ name: `${snake}_${unit}`, values: c?.rate ?? [] });
      columns.push({ name: `${snake}_min_${unit}`, values: c?.min ?? [] });
      columns.push({ name: `${snake}_max_${unit}`, values: c?.max ?? [] });
    }
    downloadCsv(
      toCsv(loaded.data.t, columns),
      exportFileName(['wgdeck-interface', server, iface], Date.now(), 'csv'),
    );
  };
  const exportImage = () =>
    exportPng(
      panel.current!,
      exportFileName(['wgdeck-interface', server, iface], Date.now(), 'png'),
      `${iface} on ${server}`,
    );

  return (
    <section
      className="panel chart-panel"
      aria-label={`History of ${iface}`}
      data-testid="interface-chart"
      data-interface={iface}
      data-tier={loaded?.data.tier}
      data-step={loaded?.data.step}
    >
      <header className="chart-head">
        <h3 className="section-title">{iface} over time</h3>
        {!noHistory && <RangePicker range={range} onChange={setRange} />}
        {!noHistory && (
          <ExportButtons
            disabled={!loaded}
            onCsv={exportCsv}
            onPng={exportImage}
            what={`the history of ${iface}`}
          />
        )}
      </header>
      <div ref={panel} className="chart-export">
        <p className="chart-caption muted small" data-export="text">
          {loaded
            ? `${server} · ${rangeCaption(loaded.range, loaded.data, views?.[0]?.bands ?? false)}`
            : '\u00a0'}
        </p>
        <div ref={measure} className="chart-measure">
          <ChartBody state={state} empty={false} height={HEIGHT + 48}>
            {views && cellWidth !== null && loaded && (
              <div
                className="chart-grid"
                style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }}
              >
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
                        width={cellWidth}
                        height={HEIGHT}
                        title={`${iface}: ${v.chart.title}`}
                      />
                      {v.empty && <div className="chart-empty">No data recorded in this range</div>}
                    </div>
                    <Legend series={v.chart.series} />
                  </div>
                ))}
              </div>
            )}
          </ChartBody>
        </div>
      </div>
    </section>
  );
});
