import { memo, useCallback, useMemo, useRef } from 'react';
import { formatRate } from '../../../../shared/format.ts';
import {
  exportFileName,
  hasData,
  rateAxis,
  refreshInterval,
  rowsMax,
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

const HEIGHT = 190;

/** Servers reporting in a bucket, under the tooltip's values. */
function tooltipExtra(row: ChartRow) {
  const n = row.v['servers'] ?? null;
  return n === null ? null : (
    <div className="muted small num" data-servers={n}>
      {n} {n === 1 ? 'server' : 'servers'} reporting
    </div>
  );
}

/** Total WireGuard throughput of every server, from the history store (so it works offline too). */
export const FleetChart = memo(function FleetChart() {
  const rateUnit = useApp((s) => s.rateUnit);
  const colors = useChartColors();
  const [range, setRange] = useRange('fleet', { preset: '24h' });
  const [measure, width] = useWidth<HTMLDivElement>();
  const panel = useRef<HTMLDivElement>(null);
  const state = useSeries(
    (r, signal) => queryHistory('history:fleet', r, PRIORITY_CHART, signal),
    'fleet',
    range,
    width === null ? null : plotWidthOf(width),
    refreshInterval(range, Date.now()),
  );
  const loaded = state.value;
  const noHistory = !loaded && isUnavailable(state.error);
  const series: SeriesDef[] = useMemo(
    () => [
      { key: 'rxRate', label: 'Received by servers (RX)', color: colors.rx },
      { key: 'txRate', label: 'Sent by servers (TX)', color: colors.tx },
    ],
    [colors],
  );
  const view = useMemo(() => {
    if (!loaded) return null;
    const s = loaded.data;
    const drawn: SeriesInput[] = [
      { key: 'rxRate', values: s.rxRate },
      { key: 'txRate', values: s.txRate },
    ];
    const rows = toChartRows(s, [
      ...drawn,
      { key: 'servers', values: s.servers.map((n) => (n > 0 ? n : null)) },
    ]);
    return {
      rows,
      empty: !hasData(drawn),
      axis: rateAxis(rowsMax(rows, ['rxRate', 'txRate'], false), rateUnit),
    };
  }, [loaded, rateUnit]);
  const format = useCallback((v: number) => formatRate(v, rateUnit), [rateUnit]);
  const exportCsv = () => {
    if (!loaded) return;
    const s = loaded.data;
    const csv = toCsv(s.t, [
      { name: 'rx_bytes_per_s', values: s.rxRate },
      { name: 'tx_bytes_per_s', values: s.txRate },
      { name: 'servers_reporting', values: s.servers },
    ]);
    downloadCsv(csv, exportFileName(['wgdeck-fleet'], Date.now(), 'csv'));
  };
  const exportImage = () =>
    exportPng(panel.current!, exportFileName(['wgdeck-fleet'], Date.now(), 'png'), 'Fleet throughput');

  return (
    <section
      className="panel chart-panel"
      aria-label="Fleet throughput over time"
      data-testid="fleet-chart"
      data-tier={loaded?.data.tier}
      data-step={loaded?.data.step}
    >
      <header className="chart-head">
        <h2 className="section-title">Fleet throughput</h2>
        {!noHistory && <RangePicker range={range} onChange={setRange} />}
        {!noHistory && (
          <ExportButtons disabled={!loaded} onCsv={exportCsv} onPng={exportImage} what="fleet throughput" />
        )}
      </header>
      <div ref={panel} className="chart-export">
        <p className="chart-caption muted small" data-export="text">
          {loaded
            ? `All servers’ WireGuard interfaces · ${rangeCaption(loaded.range, loaded.data, false)}`
            : '\u00a0'}
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
                bands={false}
                axis={view.axis}
                format={format}
                width={width}
                height={HEIGHT}
                tooltipExtra={tooltipExtra}
                title="Fleet throughput over time"
              />
            )}
          </ChartBody>
        </div>
        {loaded && <Legend series={series} />}
      </div>
    </section>
  );
});
