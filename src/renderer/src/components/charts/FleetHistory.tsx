import { memo, useCallback, useMemo } from 'react';
import { formatRate } from '../../../../shared/format.ts';
import {
  hasData,
  rateAxis,
  rowsMax,
  toChartRows,
  toCsv,
  type ChartRow,
  type SeriesInput,
} from '../../lib/charts.ts';
import { PRIORITY_CHART, queryHistory } from '../../lib/history.ts';
import { useChartColors } from '../../lib/theme.ts';
import { useApp } from '../../store/store.ts';
import { HistoryPanel, useHistoryChart } from './HistoryPanel.tsx';
import { TimeChart, type SeriesDef } from './TimeChart.tsx';
import { chartSources } from '../../lib/sources.ts';

const HEIGHT = 190;
const OVERVIEW = { kind: 'overview', id: 'fleet' } as const;

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
  const chart = useHistoryChart(
    OVERVIEW,
    (r, signal) => queryHistory('history:fleet', r, PRIORITY_CHART, signal),
    'fleet',
  );
  const loaded = chart.loaded;
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

  return (
    <HistoryPanel
      chart={chart}
      label="Fleet throughput over time"
      testId="fleet-chart"
      level={2}
      heading="Fleet throughput"
      exportWhat="fleet throughput"
      exportName={['wgdeck-fleet']}
      pngTitle="Fleet throughput"
      csv={(s) =>
        toCsv(s.t, [
          { name: 'rx_bytes_per_s', values: s.rxRate },
          { name: 'tx_bytes_per_s', values: s.txRate },
          { name: 'servers_reporting', values: s.servers },
        ])
      }
      subject="All servers’ WireGuard interfaces"
      bands={false}
      empty={view?.empty ?? false}
      height={HEIGHT}
      legend={series}
    >
      {(loaded, width, interact) =>
        view && (
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
            sources={chartSources(loaded.data)}
            {...interact}
          />
        )
      }
    </HistoryPanel>
  );
});
