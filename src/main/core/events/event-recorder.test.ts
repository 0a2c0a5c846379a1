import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DomainEventBus } from '../bus/domain-events.ts';
import { HistoryStore } from '../history/history-store.ts';
import { readEventLog } from '../history/event-log-table.ts';
import { EventRecorder, logEntryFor, logEntryForChange } from './event-recorder.ts';

const KEY = `${'A'.repeat(43)}=`;
const AT = 1_800_000_000_000;
const none = () => null;

describe('the event log', () => {
  it('maps domain facts onto log types, once each; samples and stale moves are not logged', () => {
    const peer = { server: 's', iface: 'wg0', publicKey: KEY, at: AT };
    expect(logEntryFor({ type: 'peer.status', ...peer, from: 'offline', to: 'online' }, none)?.type).toBe(
      'peer.online',
    );
    expect(logEntryFor({ type: 'peer.status', ...peer, from: 'stale', to: 'offline' }, none)?.type).toBe(
      'peer.offline',
    );
    expect(logEntryFor({ type: 'peer.status', ...peer, from: 'online', to: 'stale' }, none)).toBeNull();
    expect(logEntryFor({ type: 'peer.handshake', ...peer, handshakeAt: 1 }, none)?.type).toBe('peer.session');
    expect(
      logEntryFor({ type: 'peer.roamed', ...peer, from: '198.18.0.1:1', to: '198.18.0.2:1' }, () => 'laptop'),
    ).toEqual({
      at: AT / 1000,
      type: 'peer.roamed',
      server: 's',
      interface: 'wg0',
      peer: KEY,
      name: 'laptop',
      details: { from: '198.18.0.1:1', to: '198.18.0.2:1' },
    });
    expect(logEntryFor({ type: 'peer.counterReset', ...peer }, none)?.type).toBe('counter.reset');
    expect(
      logEntryFor(
        { type: 'server.unreachable', server: 's', at: AT, state: 'reconnecting', error: 'gone' },
        none,
      )?.details,
    ).toEqual({ state: 'reconnecting', error: 'gone' });
    expect(
      logEntryFor({ type: 'server.recovered', server: 's', at: AT, downForMs: 12_400 }, none)?.details,
    ).toEqual({
      downForSeconds: 12,
    });
    expect(
      logEntryFor(
        { type: 'iface.problemsRising', server: 's', iface: 'wg0', increase: { rxErrors: 3 }, at: AT },
        none,
      ),
    ).toMatchObject({ type: 'interface.errors', interface: 'wg0', details: { rxErrors: 3 } });
    expect(logEntryFor({ type: 'server.streamLost', server: 's', at: AT }, none)).toBeNull();
    expect(
      logEntryFor({ type: 'peer.pingFailed', ...peer, address: '198.18.4.2' }, () => 'phone'),
    ).toMatchObject({ type: 'ping.failed', peer: KEY, name: 'phone', details: { address: '198.18.4.2' } });
    expect(
      logEntryFor({ type: 'peer.pingRecovered', ...peer, address: '198.18.4.2', rttMs: 1.5 }, none)?.details,
    ).toEqual({ address: '198.18.4.2', rttMs: 1.5 });
    const alert = { server: 's', rule: 'r1', message: 'wg0 errors 12/min', at: AT };
    expect(logEntryFor({ type: 'alert.fired', ...alert, iface: 'wg0', publicKey: null }, none)).toMatchObject(
      { type: 'alert.fired', interface: 'wg0', peer: null, details: { rule: 'r1' } },
    );
    expect(
      logEntryFor({ type: 'alert.resolved', ...alert, iface: 'wg0', publicKey: KEY }, () => 'phone'),
    ).toMatchObject({ type: 'alert.resolved', interface: 'wg0', peer: KEY, name: 'phone' });
    expect(logEntryFor({ type: 'alert.fired', ...alert, iface: null, publicKey: null }, none)).toMatchObject({
      interface: null,
      peer: null,
    });
    const change = { txId: 't', planId: null, server: 's', iface: 'wg0', rollbackAt: null, message: 'ok' };
    expect(logEntryForChange({ ...change, phase: 'confirmed' }, AT)?.type).toBe('change.applied');
    expect(logEntryForChange({ ...change, phase: 'rolled-back' }, AT)?.type).toBe('change.rolledBack');
    expect(logEntryForChange({ ...change, phase: 'verifying' }, AT)).toBeNull();
  });

  it('is written where history is recorded, survives reopening, filters, and is readable read-only', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'wgdeck-log-')), 'history.db');
    const bus = new DomainEventBus();
    let store: HistoryStore | null = HistoryStore.open(path);
    new EventRecorder({
      bus,
      store: () => store,
      nameOf: (server, iface, key) => (server === 's' && iface === 'wg0' && key === KEY ? 'laptop' : null),
    });
    bus.publish([
      { type: 'server.unreachable', server: 's', at: AT, state: 'reconnecting', error: 'reset' },
      { type: 'server.recovered', server: 's', at: AT + 5000, downForMs: 5000 },
      {
        type: 'peer.status',
        server: 's',
        iface: 'wg0',
        publicKey: KEY,
        from: 'never',
        to: 'online',
        at: AT + 6000,
      },
      { type: 'server.rebooted', server: 'other', at: AT + 7000 },
    ]);
    store.close();
    store = null;
    bus.publish([{ type: 'server.rebooted', server: 's', at: AT + 8000 }]); // not recording: not kept
    const reopened = HistoryStore.open(path);
    expect(reopened.events({}).map((e) => e.type)).toEqual([
      'server.rebooted',
      'peer.online',
      'server.recovered',
      'server.unreachable',
    ]);
    expect(reopened.events({ server: 's', types: ['peer.online'] })[0]).toMatchObject({
      name: 'laptop',
      peer: KEY,
    });
    expect(reopened.events({ peer: 'laptop' })).toHaveLength(1);
    expect(reopened.events({ since: (AT + 5000) / 1000, server: 's' }).map((e) => e.type)).toEqual([
      'peer.online',
      'server.recovered',
    ]);
    // A chart's window: both ends included.
    expect(
      reopened.events({ since: AT / 1000, until: (AT + 5000) / 1000, server: 's' }).map((e) => e.type),
    ).toEqual(['server.recovered', 'server.unreachable']);
    // Another process reads beside the writer.
    expect(readEventLog(path, { limit: 2 }).map((e) => e.type)).toEqual(['server.rebooted', 'peer.online']);
    reopened.close();
    // And with no writer at all (the app closed, `wgdeck events` alone).
    expect(readEventLog(path, { server: 'other' }).map((e) => e.type)).toEqual(['server.rebooted']);
    expect(readEventLog(join(tmpdir(), 'no-such-history.db'), {})).toEqual([]);
  });

  it('logs drift once when an interface starts drifting (or drifts otherwise), not on every look', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'wgdeck-log-')), 'history.db');
    const store = HistoryStore.open(path);
    const recorder = new EventRecorder({ bus: new DomainEventBus(), store: () => store, nameOf: none });
    const inSync = {
      iface: 'wg0',
      inSync: true,
      onlyLive: [],
      onlyFile: [],
      disabledButLive: [],
      different: [],
      interface: [],
    };
    const handAdded = { publicKey: KEY, name: null, allowedIps: ['198.18.4.9/32'] };
    const drifting = { ...inSync, inSync: false, onlyLive: [handAdded] };
    recorder.onDrift('s', inSync);
    recorder.onDrift('s', drifting);
    recorder.onDrift('s', drifting); // looked at again: not news
    recorder.onDrift('s', { ...drifting, onlyFile: [handAdded] }); // drifts otherwise: news
    recorder.onDrift('s', inSync);
    recorder.onDrift('s', drifting); // drifts again after being in sync: news
    const logged = store.events({ types: ['drift.found'] });
    expect(logged).toHaveLength(3);
    expect(logged.at(-1)).toMatchObject({
      server: 's',
      interface: 'wg0',
      details: { onlyLive: 1, onlyFile: 0, different: 0, disabledButLive: 0, interfaceSettings: 0 },
    });
    store.close();
  });
});
