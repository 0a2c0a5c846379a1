/**
 * Which logged events a history chart marks on its time axis, and how: each chart shows the events
 * of its own scope and of the scopes around it (a server going down explains the gap in a peer's
 * chart), events too close to tell apart are one mark, and a chart never shows more than
 * MAX_MARKS marks (trouble first, then the newest).
 */
import type { LoggedEvent } from '../../../shared/event-log.ts';
import type { EndpointEvent } from '../../../shared/history.ts';
import { shortKey } from '../../../shared/format.ts';
import type { ChartColors } from './theme.ts';
import { EVENT_LABEL, eventDetails, eventKind, type EventKind } from './event-text.ts';

/** What a chart shows: a server (CPU, memory), one of its interfaces, or a peer on an interface. */
export interface ChartScope {
  server: string;
  iface?: string;
  peer?: string;
}

/** One event as a chart mark says it (all text: it may come from the server, and is shown as text). */
export interface ChartEvent {
  /** Laptop ms. */
  t: number;
  kind: EventKind;
  /** The type in words: "Server unreachable". */
  title: string;
  /** Who: the peer's name or short key, the interface, or the server. */
  name: string;
  detail: string;
}

export interface EventMark {
  /** Where the line is drawn: the earliest event of the column (ms). */
  t: number;
  /** Pixels from the plot's left edge. */
  x: number;
  /** The most pressing kind among its events. */
  kind: EventKind;
  /** Oldest first. */
  events: ChartEvent[];
}

/**
 * Marks closer than this (pixels, about a mark's width) would overlap: a mark takes every event
 * within this distance after its first, so no two marks ever cover each other.
 */
export const MARK_GAP_PX = 10;
/** More marks than this is noise; the least pressing are left out. */
export const MAX_MARKS = 40;

const RANK: Record<EventKind, number> = { problem: 2, good: 1, neutral: 0 };

/** Whether `event` belongs on the chart of `scope` (its time is checked by the caller). */
export function belongsTo(event: LoggedEvent, scope: ChartScope): boolean {
  if (event.server !== scope.server) return false;
  if (event.interface === null) return true; // the whole server: every chart of it
  if (scope.iface === undefined || event.interface !== scope.iface) return false;
  if (event.peer === null) return true; // the whole interface: its chart and its peers'
  return scope.peer !== undefined && event.peer === scope.peer;
}

/** The events of `scope` within [from, to] (ms), as marks say them, oldest first. */
export function eventsOnChart(
  events: readonly LoggedEvent[],
  scope: ChartScope,
  from: number,
  to: number,
): ChartEvent[] {
  return events
    .filter((e) => e.at * 1000 >= from && e.at * 1000 <= to && belongsTo(e, scope))
    .map(toChartEvent)
    .sort((a, b) => a.t - b.t);
}

export function toChartEvent(event: LoggedEvent): ChartEvent {
  return {
    t: event.at * 1000,
    kind: eventKind(event.type),
    title: EVENT_LABEL[event.type],
    name:
      event.peer !== null
        ? (event.name ?? shortKey(event.peer))
        : event.interface !== null
          ? `${event.server} · ${event.interface}`
          : event.server,
    detail: eventDetails(event),
  };
}

/** How near (ms) a logged roam and the history's endpoint change are taken for one fact. */
const SAME_CHANGE_MS = 60_000;

/**
 * The peer history's endpoint changes (kept before the event log existed, and the first endpoint
 * too) as marks, without those the log already has as `peer.roamed`.
 */
export function endpointEvents(
  changes: readonly EndpointEvent[],
  logged: readonly LoggedEvent[],
  peerName: string,
): ChartEvent[] {
  const roams = logged.filter((e) => e.type === 'peer.roamed');
  return changes
    .filter(
      (c) =>
        !roams.some((r) => r.details['to'] === c.endpoint && Math.abs(r.at * 1000 - c.t) <= SAME_CHANGE_MS),
    )
    .map((c) => ({
      t: c.t,
      kind: 'neutral' as const,
      title: c.endpoint === null ? 'Endpoint gone' : 'Endpoint changed',
      name: peerName,
      detail: c.endpoint === null ? '' : `to ${c.endpoint}`,
    }));
}

/**
 * Events as marks on a plot `plotWidth` pixels wide showing [from, to]: events within MARK_GAP_PX
 * of a mark's first event join it, at most `max` marks.
 */
export function groupMarks(
  events: readonly ChartEvent[],
  from: number,
  to: number,
  plotWidth: number,
  max = MAX_MARKS,
): { marks: EventMark[]; hidden: number } {
  const span = to - from;
  if (span <= 0 || plotWidth <= 0) return { marks: [], hidden: 0 };
  const all: EventMark[] = [];
  for (const event of [...events].sort((a, b) => a.t - b.t)) {
    if (event.t < from || event.t > to) continue;
    const x = ((event.t - from) / span) * plotWidth;
    const mark = all[all.length - 1];
    if (!mark || x - mark.x >= MARK_GAP_PX) {
      all.push({ t: event.t, x, kind: event.kind, events: [event] });
      continue;
    }
    mark.events.push(event);
    if (RANK[event.kind] > RANK[mark.kind]) mark.kind = event.kind;
  }
  const kept =
    all.length <= max
      ? all
      : [...all].sort((a, b) => RANK[b.kind] - RANK[a.kind] || b.t - a.t).slice(0, Math.max(0, max));
  const shown = new Set(kept);
  const hidden = all.filter((m) => !shown.has(m)).reduce((n, m) => n + m.events.length, 0);
  return { marks: kept.sort((a, b) => a.t - b.t), hidden };
}

/** A mark's colour: trouble in the alert colour, good news in the ok colour, the rest muted. */
export function markColor(kind: EventKind, colors: Pick<ChartColors, 'bad' | 'ok' | 'axis'>): string {
  return kind === 'problem' ? colors.bad : kind === 'good' ? colors.ok : colors.axis;
}
