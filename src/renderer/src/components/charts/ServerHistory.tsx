import { memo, useMemo, useRef } from 'react';
import { formatBytes, formatPercent } from '../../../../shared/format.ts';
import {
  exportFileName,
  hasData,
  isDownsampled,
  PERCENT_AXIS,
  percentSeries,
  refreshInterval,
  toChartRows,
  toCsv,
  type ChartRow,
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

const HEIGHT = 160;

/** Memory in bytes under the tooltip's percentages. */
function tooltipExtra(row: ChartRow) {
  const used = row.v['memUsed'] ?? null;
  const total = row.v['memTotal'] ?? null;
  return used === null ? null : (
    <div className="muted small num">
      Memory {formatBytes(used)} of {formatBytes(total)}
    </div>
  );
}

/** CPU and memory of one server over time (percent), memory in bytes in the tooltip. */
export const ServerChart = memo(function ServerChart({ server }: { server: string }) {
  const intervalMs = useApp((s) => (s.settings?.intervalSeconds ?? 5) * 1000);
  const colors = useChartColors();
  const [range, setRange] = useRange('server', { preset: '24h' });
  const [measure, width] = useWidth<HTMLDivElement>();
  const panel = useRef<HTMLDivElement>(null);
  const state = useSeries(
    (r, signal) =>
      queryHistory('history:server', { server, metrics: ['cpu', 'mem'], ...r }, PRIORITY_CHART, signal),
    server,
    range,
    width === null ? null : plotWidthOf(width),
    refreshInterval(range, Date.now()),
  );
  const loaded = state.value;
  const noHistory = !loaded && isUnavailable(state.error);
  const series: SeriesDef[] = useMemo(
    () => [
      { key: 'cpu', label: 'CPU', color: colors.rx },
      { key: 'mem', label: 'Memory', color: colors.third },
    ],
    [colors],
  );
  const view = useMemo(() => {
    if (!loaded) return null;
    const s = loaded.data;
    const none = s.t.map(() => null);
    const mem =
      s.memUsed && s.memTotal ? percentSeries(s.memUsed, s.memTotal) : { values: none, min: none, max: none };
    const drawn: SeriesInput[] = [
      { key: 'cpu', values: s.cpu?.avg ?? none, min: s.cpu?.min ?? none, max: s.cpu?.max ?? none },
      { key: 'mem', ...mem },
    ];
    // Carried for the tooltip, not drawn.
    const carried: SeriesInput[] = [
      { key: 'memUsed', values: s.memUsed?.avg ?? none },
      { key: 'memTotal', values: s.memTotal?.avg ?? none },
    ];
    return {
      rows: toChartRows(s, [...drawn, ...carried]),
      bands: isDownsampled(s, intervalMs),
      empty: !hasData(drawn),
    };
  }, [loaded, intervalMs]);

  const exportCsv = () => {
    if (!loaded) return;
    const s = loaded.data;
    const csv = toCsv(s.t, [
      { name: 'cpu_percent', values: s.cpu?.avg ?? [] },
      { name: 'cpu_min_percent', values: s.cpu?.min ?? [] },
      { name: 'cpu_max_percent', values: s.cpu?.max ?? [] },
      { name: 'mem_used_bytes', values: s.memUsed?.avg ?? [] },
      { name: 'mem_used_min_bytes', values: s.memUsed?.min ?? [] },
      { name: 'mem_used_max_bytes', values: s.memUsed?.max ?? [] },
      { name: 'mem_total_bytes', values: s.memTotal?.avg ?? [] },
    ]);
    downloadCsv(csv, exportFileName(['wgdeck-server', server], Date.now(), 'csv'));
  };
  const exportImage = () =>
    exportPng(
      panel.current!,
      exportFileName(['wgdeck-server', server], Date.now(), 'png'),
      `CPU and memory of ${server}`,
    );

  return (
    <section
      className="panel chart-panel"
      aria-label={`CPU and memory of ${server} over time`}
      data-testid="server-chart"
      data-tier={loaded?.data.tier}
      data-step={loaded?.data.step}
    >
      <header className="chart-head">
        <h3 className="section-title">CPU and memory</h3>
        {!noHistory && <RangePicker range={range} onChange={setRange} />}
        {!noHistory && (
          <ExportButtons disabled={!loaded} onCsv={exportCsv} onPng={exportImage} what="CPU and memory" />
        )}
      </header>
      <div ref={panel} className="chart-export">
        <p className="chart-caption muted small" data-export="text">
          {loaded ? `${server} · ${rangeCaption(loaded.range, loaded.data, view?.bands ?? false)}` : '\u00a0'}
        </p>
        <div ref={measure} className="chart-measure">
          <ChartBody state={state} empty={view?.empty ?? false} height={HEIGHT}>
            {loaded && view && width !== null && (
              <TimeChart
                rows={view.rows}
                series={series}
                from={loaded.range.from}
                to={loaded.range.to}
                step={loaded.data.step}
                bands={view.bands}
                axis={PERCENT_AXIS}
                format={formatPercent}
                width={width}
                height={HEIGHT}
                tooltipExtra={tooltipExtra}
                title={`CPU and memory of ${server}`}
              />
            )}
          </ChartBody>
        </div>
        {loaded && <Legend series={series} />}
      </div>
    </section>
  );
});
