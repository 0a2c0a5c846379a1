import { useMemo } from 'react';
import type { LoggedEvent } from '../../../../shared/event-log.ts';
import type { HistoryRange } from '../../lib/charts.ts';
import { eventsOnChart, type ChartEvent, type ChartScope } from '../../lib/event-marks.ts';
import { PRIORITY_CHART, queryHistory, useQuery } from '../../lib/history.ts';

/** A chart shows at most MAX_MARKS marks; more than this many events in its window is a flood. */
const LIMIT = 2000;

/**
 * The logged events of a server within a chart's shown window, asked again whenever the chart
 * loads (each refresh slides a preset window, so the key changes with it). Failing to load them
 * costs the marks only, never the chart.
 */
export function useLoggedEvents(server: string, range: HistoryRange | null): readonly LoggedEvent[] {
  const events = useQuery(
    (signal) =>
      queryHistory(
        'events:list',
        { server, since: range!.from / 1000, until: range!.to / 1000, limit: LIMIT },
        PRIORITY_CHART,
        signal,
      ),
    range ? `${server}|${range.from}|${range.to}` : null,
    server,
    0,
  );
  return events.value ?? NONE;
}

const NONE: readonly LoggedEvent[] = [];

/** The events a chart of `scope` marks in its window (see lib/event-marks.ts). */
export function useChartEvents(scope: ChartScope, range: HistoryRange | null): ChartEvent[] {
  const logged = useLoggedEvents(scope.server, range);
  const { server, iface, peer } = scope;
  return useMemo(
    () => (range ? eventsOnChart(logged, { server, iface, peer }, range.from, range.to) : []),
    [logged, server, iface, peer, range],
  );
}
