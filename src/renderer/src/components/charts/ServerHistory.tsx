import { memo, useMemo } from 'react';
import { formatBytes, formatPercent } from '../../../../shared/format.ts';
import {
  hasData,
  isDownsampled,
  PERCENT_AXIS,
  percentSeries,
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
import { useChartEvents } from './use-chart-events.ts';
import { chartSources } from '../../lib/sources.ts';

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
  const chart = useHistoryChart(
    { kind: 'server', id: server },
    (r, signal) =>
      queryHistory('history:server', { server, metrics: ['cpu', 'mem'], ...r }, PRIORITY_CHART, signal),
    server,
  );
  const loaded = chart.loaded;
  const events = useChartEvents({ server }, loaded?.range ?? null);
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

  return (
    <HistoryPanel
      chart={chart}
      label={`CPU and memory of ${server} over time`}
      testId="server-chart"
      heading="CPU and memory"
      exportWhat="CPU and memory"
      exportName={['wgdeck-server', server]}
      pngTitle={`CPU and memory of ${server}`}
      csv={(s) =>
        toCsv(s.t, [
          { name: 'cpu_percent', values: s.cpu?.avg ?? [] },
          { name: 'cpu_min_percent', values: s.cpu?.min ?? [] },
          { name: 'cpu_max_percent', values: s.cpu?.max ?? [] },
          { name: 'mem_used_bytes', values: s.memUsed?.avg ?? [] },
          { name: 'mem_used_min_bytes', values: s.memUsed?.min ?? [] },
          { name: 'mem_used_max_bytes', values: s.memUsed?.max ?? [] },
          { name: 'mem_total_bytes', values: s.memTotal?.avg ?? [] },
        ])
      }
      subject={server}
      bands={view?.bands ?? false}
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
            bands={view.bands}
            axis={PERCENT_AXIS}
            format={formatPercent}
            width={width}
            height={HEIGHT}
            tooltipExtra={tooltipExtra}
            events={events}
            title={`CPU and memory of ${server}`}
            sources={chartSources(loaded.data)}
            {...interact}
          />
        )
      }
    </HistoryPanel>
  );
});
