import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, type LoggedEvent } from '../../../shared/event-log.ts';
import {
  belongsTo,
  endpointEvents,
  eventsOnChart,
  groupMarks,
  MARK_GAP_PX,
  markColor,
  type ChartEvent,
} from './event-marks.ts';
import { eventKind } from './event-text.ts';

const KEY = 'a'.repeat(43) + '=';
const OTHER = 'b'.repeat(43) + '=';
const T0 = 1_700_000_000_000;

function logged(over: Partial<LoggedEvent>): LoggedEvent {
  return {
    at: T0 / 1000,
    type: 'server.unreachable',
    server: 's1',
    interface: null,
    peer: null,
    name: null,
    details: {},
    ...over,
  };
}

const serverDown = logged({ type: 'server.unreachable', details: { error: 'timed out' } });
const ifaceErrors = logged({ type: 'interface.errors', interface: 'wg0', details: { rxErrors: 4 } });
const otherIface = logged({ type: 'change.applied', interface: 'wg1' });
const peerOffline = logged({ type: 'peer.offline', interface: 'wg0', peer: KEY, name: 'laptop' });
const otherPeer = logged({ type: 'peer.online', interface: 'wg0', peer: OTHER });
const otherServer = logged({ type: 'server.rebooted', server: 's2' });
const all = [serverDown, ifaceErrors, otherIface, peerOffline, otherPeer, otherServer];

describe('which events land on which chart', () => {
  it('a server chart shows only the events of the whole server', () => {
    expect(all.filter((e) => belongsTo(e, { server: 's1' }))).toEqual([serverDown]);
  });

  it("an interface chart adds its interface's own events, not its peers' or another interface's", () => {
    expect(all.filter((e) => belongsTo(e, { server: 's1', iface: 'wg0' }))).toEqual([
      serverDown,
      ifaceErrors,
    ]);
  });

  it("a peer chart adds that peer's events and no other peer's", () => {
    expect(all.filter((e) => belongsTo(e, { server: 's1', iface: 'wg0', peer: KEY }))).toEqual([
      serverDown,
      ifaceErrors,
      peerOffline,
    ]);
    expect(belongsTo(peerOffline, { server: 's1', iface: 'wg1', peer: KEY })).toBe(false);
  });

  it('keeps the window (both ends), says each event in words, oldest first', () => {
    const events = [
      logged({ at: (T0 + 60_000) / 1000, type: 'server.recovered', details: { downForSeconds: 60 } }),
      logged({ at: (T0 - 1) / 1000 }),
      serverDown,
      logged({ at: (T0 + 120_001) / 1000 }),
      { ...peerOffline, at: (T0 + 120_000) / 1000 },
    ];
    const shown = eventsOnChart(events, { server: 's1', iface: 'wg0', peer: KEY }, T0, T0 + 120_000);
    expect(shown).toEqual([
      { t: T0, kind: 'problem', title: 'Server unreachable', name: 's1', detail: 'timed out' },
      { t: T0 + 60_000, kind: 'good', title: 'Server back', name: 's1', detail: 'down for 1 min' },
      { t: T0 + 120_000, kind: 'problem', title: 'Peer offline', name: 'laptop', detail: '' },
    ]);
  });

  it('names an interface event by server and interface, a nameless peer by its short key', () => {
    const [iface, peer] = eventsOnChart(
      [ifaceErrors, otherPeer],
      { server: 's1', iface: 'wg0', peer: OTHER },
      T0,
      T0,
    );
    expect(iface!.name).toBe('s1 · wg0');
    expect(peer!.name).toBe('bbbbbbbb…');
  });

  it("drops the history's endpoint change the log already has as peer.roamed", () => {
    const roamed = logged({
      type: 'peer.roamed',
      interface: 'wg0',
      peer: KEY,
      at: (T0 + 5_000) / 1000,
      details: { from: '198.18.0.2:1000', to: '198.18.0.2:2000' },
    });
    const changes = [
      { t: T0 - 600_000, endpoint: '198.18.0.2:1000' },
      { t: T0 + 4_000, endpoint: '198.18.0.2:2000' },
      { t: T0 + 900_000, endpoint: null },
    ];
    expect(endpointEvents(changes, [roamed], 'laptop')).toEqual([
      {
        t: T0 - 600_000,
        kind: 'neutral',
        title: 'Endpoint changed',
        name: 'laptop',
        detail: 'to 198.18.0.2:1000',
      },
      { t: T0 + 900_000, kind: 'neutral', title: 'Endpoint gone', name: 'laptop', detail: '' },
    ]);
  });
});

function event(t: number, kind: ChartEvent['kind'] = 'neutral'): ChartEvent {
  return { t, kind, title: kind, name: 's1', detail: '' };
}

describe('grouping by pixel distance', () => {
  // 1000 ms over 100 px: 10 ms a pixel; marks MARK_GAP_PX pixels apart at least.
  const gap = 10 * MARK_GAP_PX;

  it("events within a mark's width of its first are one mark at the first, of the most pressing kind", () => {
    const { marks, hidden } = groupMarks(
      [event(T0 + 300, 'good'), event(T0 + 300 + gap - 1, 'problem'), event(T0 + 300 + gap)],
      T0,
      T0 + 1000,
      100,
    );
    expect(hidden).toBe(0);
    expect(marks.map((m) => [m.t, m.kind, m.events.length])).toEqual([
      [T0 + 300, 'problem', 2],
      [T0 + 300 + gap, 'neutral', 1],
    ]);
    expect(marks[0]!.x).toBeCloseTo(30);
    expect(marks[0]!.events.map((e) => e.kind)).toEqual(['good', 'problem']);
  });

  it("no two marks are nearer than MARK_GAP_PX, however the events fall; the window's ends count, outside does not", () => {
    const events = [
      T0 - 1,
      T0,
      T0 + 1001,
      T0 + 1000,
      ...Array.from({ length: 30 }, (_, i) => T0 + 200 + i * 13),
    ];
    const { marks } = groupMarks(
      events.map((t) => event(t)),
      T0,
      T0 + 1000,
      100,
    );
    for (let i = 1; i < marks.length; i++)
      expect(marks[i]!.x - marks[i - 1]!.x).toBeGreaterThanOrEqual(MARK_GAP_PX);
    expect(marks[0]!.t).toBe(T0);
    expect(marks[marks.length - 1]!.t).toBe(T0 + 1000);
    expect(marks.reduce((n, m) => n + m.events.length, 0)).toBe(32);
  });

  it('caps the count: trouble first, then the newest; the rest are counted as hidden', () => {
    const events = [
      event(T0, 'problem'),
      event(T0 + 150),
      event(T0 + 300, 'good'),
      event(T0 + 450),
      event(T0 + 600),
      event(T0 + 601),
    ];
    const { marks, hidden } = groupMarks(events, T0, T0 + 1000, 100, 3);
    expect(marks.map((m) => [m.t, m.kind])).toEqual([
      [T0, 'problem'],
      [T0 + 300, 'good'],
      [T0 + 600, 'neutral'],
    ]);
    expect(hidden).toBe(2);
  });

  it('an empty window or plot has no marks', () => {
    expect(groupMarks([event(T0)], T0, T0, 100).marks).toEqual([]);
    expect(groupMarks([event(T0)], T0, T0 + 1000, 0).marks).toEqual([]);
  });
});

describe('kind and colour', () => {
  const colors = { bad: 'red', ok: 'green', axis: 'grey' };

  it('problems, recoveries and plain facts, as issue 12 sorts them', () => {
    const byKind = (kind: string) => EVENT_TYPES.filter((t) => eventKind(t) === kind).sort();
    expect(byKind('problem')).toEqual(
      [
        'server.unreachable',
        'peer.offline',
        'ping.failed',
        'interface.errors',
        'alert.fired',
        'change.rolledBack',
        'peer.quotaWarning',
        'peer.quotaExceeded',
        'peer.expiryWarning',
        'peer.expired',
        'peer.enforcementFailed',
      ].sort(),
    );
    expect(byKind('good')).toEqual(
      [
        'server.recovered',
        'peer.online',
        'ping.recovered',
        'alert.resolved',
        'change.applied',
        'peer.quotaReset',
        'peer.expiryExtended',
        'peer.enabledBySchedule',
      ].sort(),
    );
    expect(byKind('neutral')).toEqual(
      [
        'peer.roamed',
        'peer.session',
        'server.rebooted',
        'counter.reset',
        'drift.found',
        'peer.disabledBySchedule',
      ].sort(),
    );
  });

  it('trouble in the alert colour, good news in the ok colour, the rest muted', () => {
    expect(markColor('problem', colors)).toBe('red');
    expect(markColor('good', colors)).toBe('green');
    expect(markColor('neutral', colors)).toBe('grey');
  });
});
