import { memo, useCallback, useMemo, useState } from 'react';
import { formatBytes, formatRate, shortKey } from '../../../../shared/format.ts';
import { dayKey, formatDateTime, formatUsagePeriod, monthKey } from '../../../../shared/time-format.ts';
import type { EndpointEvent, HandshakeEvent, PeerSeries } from '../../../../shared/history.ts';
import {
  binEvents,
  hasData,
  isDownsampled,
  rateAxis,
  rowsMax,
  toChartRows,
  toCsv,
  usageRange,
  type HistoryRange,
  type SeriesInput,
} from '../../lib/charts.ts';
import { isUnavailable, PRIORITY_CHART, queryHistory, useQuery } from '../../lib/history.ts';
import { useChartColors } from '../../lib/theme.ts';
import { useApp } from '../../store/store.ts';
import { HistoryUnavailable } from './ChartPanel.tsx';
import { HistoryPanel, useHistoryChart } from './HistoryPanel.tsx';
import { endpointEvents, eventsOnChart, type ChartEvent } from '../../lib/event-marks.ts';
import { PLOT_INSET, TimeChart, type SeriesDef } from './TimeChart.tsx';
import { useLoggedEvents } from './use-chart-events.ts';
import { chartSources } from '../../lib/sources.ts';

const HEIGHT = 190;
const STRIP_HEIGHT = 14;

function peerSeriesInputs(s: PeerSeries): SeriesInput[] {
  return [
    { key: 'rxRate', values: s.rxRate, min: s.rxMin, max: s.rxMax },
    { key: 'txRate', values: s.txRate, min: s.txMin, max: s.txMax },
  ];
}

/** Handshakes as a strip of ticks under the chart, aligned with its plot area. */
function HandshakeStrip({
  handshakes,
  range,
  width,
  color,
}: {
  handshakes: readonly HandshakeEvent[];
  range: HistoryRange;
  width: number;
  color: string;
}) {
  const plot = width - PLOT_INSET.left - PLOT_INSET.right;
  const bins = Math.max(1, Math.floor(plot / 3));
  const counts = useMemo(
    () =>
      binEvents(
        handshakes.map((h) => h.t),
        range.from,
        range.to,
        bins,
      ),
    [handshakes, range.from, range.to, bins],
  );
  const binWidth = plot / bins;
  return (
    <div className="handshake-strip" style={{ paddingLeft: PLOT_INSET.left, paddingRight: PLOT_INSET.right }}>
      <svg
        width={plot}
        height={STRIP_HEIGHT}
        data-export="svg"
        role="img"
        aria-label={`${handshakes.length} handshakes in this range`}
      >
        <rect x={0} y={STRIP_HEIGHT / 2} width={plot} height={1} fill={color} opacity={0.25} />
        {counts.map((n, i) =>
          n === 0 ? null : (
            <rect
              key={i}
              x={i * binWidth + binWidth / 2 - 1}
              y={2}
              width={2}
              height={STRIP_HEIGHT - 4}
              rx={1}
              fill={color}
            />
          ),
        )}
      </svg>
    </div>
  );
}

function EventList({
  handshakes,
  endpoints,
}: {
  handshakes: readonly HandshakeEvent[];
  endpoints: readonly EndpointEvent[];
}) {
  const latest = handshakes[handshakes.length - 1];
  const recent = endpoints.slice(-8).reverse();
  return (
    <div className="peer-events" data-testid="peer-events">
      <p className="small">
        <span className="muted">Handshakes in range:</span>{' '}
        <span className="num" data-testid="handshake-count">
          {handshakes.length}
        </span>
        {latest && (
          <span className="muted">
            {' '}
            · latest seen {formatDateTime(latest.t)} (server clock {formatDateTime(latest.handshake * 1000)})
          </span>
        )}
      </p>
      {endpoints.length > 0 && (
        <>
          <h4 className="subsection-title">
            Endpoint changes <span className="muted num">({endpoints.length})</span>
          </h4>
          <ul className="event-list" data-testid="endpoint-events">
            {recent.map((e) => (
              <li key={`${e.t}-${e.endpoint ?? ''}`} data-t={e.t}>
                <span className="num muted">{formatDateTime(e.t)}</span>{' '}
                {e.endpoint === null ? (
                  <span className="muted">endpoint gone</span>
                ) : (
                  <span className="mono">{e.endpoint}</span>
                )}
              </li>
            ))}
          </ul>
          {endpoints.length > recent.length && (
            <p className="muted small">
              and {endpoints.length - recent.length} earlier; dashed lines on the chart
            </p>
          )}
        </>
      )}
    </div>
  );
}

/**
 * A peer's history in the drawer: RX/TX rate over a chosen range (min/max band when buckets hold
 * several polls, breaks at gaps), handshakes and endpoint changes, CSV/PNG export.
 */
export const PeerChart = memo(function PeerChart({
  server,
  iface,
  peer,
}: {
  server: string;
  iface: string;
  peer: string;
}) {
  const rateUnit = useApp((s) => s.rateUnit);
  const intervalMs = useApp((s) => (s.settings?.intervalSeconds ?? 5) * 1000);
  const colors = useChartColors();
  const identity = `${server}\n${iface}\n${peer}`;
  const chart = useHistoryChart(
    { kind: 'server', id: server },
    (r, signal) => queryHistory('history:peer', { server, iface, peer, ...r }, PRIORITY_CHART, signal),
    identity,
  );
  const loaded = chart.loaded;
  const events = useQuery(
    (signal) =>
      queryHistory(
        'history:events',
        { server, iface, peer, from: loaded!.range.from, to: loaded!.range.to },
        PRIORITY_CHART,
        signal,
      ),
    loaded ? `${identity}|${loaded.range.from}|${loaded.range.to}` : null,
    identity,
    0,
  );

  const series: SeriesDef[] = useMemo(
    () => [
      { key: 'rxRate', label: 'Received (RX)', color: colors.rx },
      { key: 'txRate', label: 'Sent (TX)', color: colors.tx },
    ],
    [colors],
  );
  const view = useMemo(() => {
    if (!loaded) return null;
    const inputs = peerSeriesInputs(loaded.data);
    const bands = isDownsampled(loaded.data, intervalMs);
    const rows = toChartRows(loaded.data, inputs);
    return {
      rows,
      bands,
      empty: !hasData(inputs),
      axis: rateAxis(rowsMax(rows, ['rxRate', 'txRate'], bands), rateUnit),
    };
  }, [loaded, intervalMs, rateUnit]);
  const logged = useLoggedEvents(server, loaded?.range ?? null);
  const marked: ChartEvent[] = useMemo(() => {
    if (!loaded) return [];
    const { from, to } = loaded.range;
    const name = logged.find((e) => e.peer === peer && e.name !== null)?.name ?? shortKey(peer);
    return [
      ...eventsOnChart(logged, { server, iface, peer }, from, to),
      ...endpointEvents(events.value?.endpoints ?? [], logged, name),
    ];
  }, [loaded, logged, server, iface, peer, events.value]);
  const format = useCallback((v: number) => formatRate(v, rateUnit), [rateUnit]);

  return (
    <HistoryPanel
      chart={chart}
      className="chart-panel chart-panel-flat"
      label="Traffic history"
      testId="peer-chart"
      markLoading
      heading="Traffic history"
      pickerBelowHeading
      pickerAlways
      exportWhat="the peer’s traffic"
      exportName={['wgdeck-peer', server, iface, peer.slice(0, 8)]}
      pngTitle={`Traffic of peer ${shortKey(peer)} on ${server} · ${iface}`}
      csv={(s) =>
        toCsv(s.t, [
          { name: 'rx_bytes_per_s', values: s.rxRate },
          { name: 'rx_min_bytes_per_s', values: s.rxMin },
          { name: 'rx_max_bytes_per_s', values: s.rxMax },
          { name: 'tx_bytes_per_s', values: s.txRate },
          { name: 'tx_min_bytes_per_s', values: s.txMin },
          { name: 'tx_max_bytes_per_s', values: s.txMax },
        ])
      }
      subject={`${server} · ${iface} · ${shortKey(peer)}`}
      bands={view?.bands ?? false}
      empty={view?.empty ?? false}
      height={HEIGHT}
      legend={series}
      after={
        events.value && <EventList handshakes={events.value.handshakes} endpoints={events.value.endpoints} />
      }
    >
      {(loaded, width, interact) =>
        view && (
          <>
            <TimeChart
              rows={view.rows}
              series={series}
              from={loaded.range.from}
              to={loaded.range.to}
              step={loaded.data.step}
              bands={view.bands}
              axis={view.axis}
              format={format}
              width={width}
              height={HEIGHT}
              events={marked}
              title="Received and sent rate over time"
              sources={chartSources(loaded.data)}
              {...interact}
            />
            {events.value && (
              <HandshakeStrip
                handshakes={events.value.handshakes}
                range={loaded.range}
                width={width}
                color={colors.faint}
              />
            )}
          </>
        )
      }
    </HistoryPanel>
  );
});

/** The peer's traffic per local day or month (`history:usage`), newest first. */
export const PeerUsage = memo(function PeerUsage({
  server,
  iface,
  peer,
}: {
  server: string;
  iface: string;
  peer: string;
}) {
  const [by, setBy] = useState<'day' | 'month'>('day');
  const identity = `${server}\n${iface}\n${peer}`;
  const usage = useQuery(
    (signal) =>
      queryHistory(
        'history:usage',
        { server, iface, peer, by, ...usageRange(by, Date.now()) },
        PRIORITY_CHART,
        signal,
      ),
    `${identity}|${by}`,
    `${identity}|${by}`,
    300_000,
  );
  const rows = useMemo(() => {
    const buckets = usage.value ?? [];
    // Leading empty periods (before the store first saw the peer) say nothing: start at the first traffic.
    const first = buckets.findIndex((b) => b.rxBytes > 0 || b.txBytes > 0);
    return first < 0 ? [] : buckets.slice(first).reverse();
  }, [usage.value]);
  const max = rows.reduce((m, b) => Math.max(m, b.rxBytes + b.txBytes), 0);
  return (
    <section className="usage" aria-label="Usage totals">
      <header className="chart-head">
        <h3 className="section-title">Usage</h3>
        <div className="segmented" role="radiogroup" aria-label="Usage per">
          {(['day', 'month'] as const).map((b) => (
            <label key={b} className="segment" data-active={by === b || undefined}>
              <input
                type="radio"
                name={`usage-by-${identity}`}
                value={b}
                checked={by === b}
                onChange={() => setBy(b)}
                data-testid={`usage-by-${b}`}
              />
              <span>{b === 'day' ? 'Per day' : 'Per month'}</span>
            </label>
          ))}
        </div>
      </header>
      {isUnavailable(usage.error) ? (
        <HistoryUnavailable message={usage.error!.message} />
      ) : usage.error && !usage.value ? (
        <p className="form-error" role="alert">
          Could not load usage: {usage.error.message}{' '}
          <button type="button" className="link-button" onClick={usage.reload}>
            Retry
          </button>
        </p>
      ) : !usage.value ? (
        <p className="muted small">Loading usage…</p>
      ) : rows.length === 0 ? (
        <p className="muted small" data-testid="usage-empty">
          No traffic recorded in the last {by === 'day' ? '31 days' : '12 months'}.
        </p>
      ) : (
        <div className="usage-scroll">
          <table className="usage-table" data-testid="usage-table" data-by={by}>
            <thead>
              <tr>
                <th scope="col">{by === 'day' ? 'Day' : 'Month'}</th>
                <th scope="col" className="end">
                  Received
                </th>
                <th scope="col" className="end">
                  Sent
                </th>
                <th scope="col" className="end">
                  Total
                </th>
                <th scope="col" aria-hidden="true" />
              </tr>
            </thead>
            <tbody>
              {rows.map((b) => {
                const total = b.rxBytes + b.txBytes;
                const key =
                  by === 'day' ? { 'data-day': dayKey(b.start) } : { 'data-month': monthKey(b.start) };
                return (
                  <tr key={b.start} {...key} data-rx-bytes={b.rxBytes} data-tx-bytes={b.txBytes}>
                    <th scope="row" className="num">
                      {formatUsagePeriod(b.start, by)}
                    </th>
                    <td className="num end">{formatBytes(b.rxBytes)}</td>
                    <td className="num end">{formatBytes(b.txBytes)}</td>
                    <td className="num end">{formatBytes(total)}</td>
                    <td className="usage-bar-cell" aria-hidden="true">
                      <span
                        className="usage-bar"
                        style={{ width: `${max > 0 ? (total / max) * 100 : 0}%` }}
                      />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
});
