// HistoryStore behaviour on real SQLite files: resets, gaps, reopen, idle cost, events, queries.
import { mkdtempSync, rmSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  HistoryStore,
  SCHEMA_VERSION,
  SchemaTooNewError,
  type HistoryOptions,
} from '../../src/main/core/history/index.ts';
import { makeSnapshot, ServerSimulator } from '../../src/main/core/history/simulate.ts';

const T0 = Date.UTC(2025, 5, 2, 0, 0, 0);
const KEY = `${'A'.repeat(43)}=`;
const KEY2 = `${'B'.repeat(43)}=`;
const MIN = 60_000;
const HOUR = 3_600_000;

const cleanup: (() => void)[] = [];
afterEach(() => {
  while (cleanup.length > 0) cleanup.pop()!();
});

function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wgdeck-history-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'history.db');
}

function open(path = tempPath(), options?: HistoryOptions): { store: HistoryStore; path: string } {
  const store = HistoryStore.open(path, options);
  cleanup.push(() => store.close());
  return { store, path };
}

function drain(store: HistoryStore): void {
  for (let i = 0; i < 100_000; i++) if (store.maintain(100).idle) return;
  throw new Error('maintain never went idle');
}

function peer(monotonic: number, rx: number, tx = 0, extra: { handshake?: number; endpoint?: string } = {}) {
  return makeSnapshot({ monotonic, peers: [{ key: KEY, rx, tx, ...extra }] });
}

const nonNull = (values: (number | null)[]) => values.filter((v): v is number => v !== null);

function hasGap(gaps: [number, number][], from: number, to: number): boolean {
  return gaps.some(([a, b]) => a <= from && b >= to);
}

describe('HistoryStore: schema', () => {
  it('creates and migrates an empty file, reopens it, refuses a newer schema', () => {
    const path = tempPath();
    const { store } = open(path);
    store.close();
    const db = new DatabaseSync(path);
    expect((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version).toBe(
      SCHEMA_VERSION,
    );
    expect((db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode).toBe('wal');
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]
    ).map((r) => r.name);
    expect(tables).toEqual(
      expect.arrayContaining(['server', 'entity', 'frame', 'chunk', 'timechunk', 'event', 'meta']),
    );
    db.close();
    open(path).store.close();
    const newer = new DatabaseSync(path);
    newer.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    newer.close();
    expect(() => HistoryStore.open(path)).toThrow(SchemaTooNewError);
  });
});

describe('HistoryStore: counter resets', () => {
  it('continues the cumulative across a reset: no negative rate, no spike', () => {
    const { store } = open();
    const rx = [1000, 2000, 3000, 500, 1500, 2500];
    rx.forEach((v, i) => store.record('s', peer(100 + i * 5, v), T0 + i * 5000, 5));
    const r = store.peerSeries({
      server: 's',
      iface: 'wg0',
      peer: KEY,
      from: T0,
      to: T0 + 30_000,
      points: 100,
      tier: 'raw',
    });
    const rates = nonNull(r.rxRate);
    expect(rates.length).toBeGreaterThan(0);
    expect(Math.min(...nonNull(r.rxMin))).toBe(100); // the reset step: post-reset value / Δt, a lower bound
    expect(Math.max(...nonNull(r.rxMax))).toBe(200);
    const usage = store.usage({ server: 's', iface: 'wg0', peer: KEY, by: 'day', from: T0, to: T0 + 30_000 });
    expect(usage.reduce((sum, u) => sum + u.rxBytes, 0)).toBe(1000 + 1000 + 500 + 1000 + 1000);
  });

  it('treats a monotonic clock that went back as a reboot even when counters grew', () => {
    const { store } = open();
    store.record('s', peer(1000, 1000), T0, 5);
    store.record('s', peer(1005, 3000), T0 + 5000, 5);
    store.record('s', peer(3, 5000), T0 + 10_000, 5); // rebooted: 5000 bytes since boot, not 2000
    const usage = store.usage({ server: 's', iface: 'wg0', peer: KEY, by: 'day', from: T0, to: T0 + 20_000 });
    expect(usage[0]!.rxBytes).toBe(2000 + 5000);
    const r = store.peerSeries({
      server: 's',
      iface: 'wg0',
      peer: KEY,
      from: T0,
      to: T0 + 20_000,
      points: 2,
      tier: 'raw',
    });
    expect(Math.max(...nonNull(r.rxMax))).toBe(1000);
  });
});

describe('HistoryStore: downsampling', () => {
  it('keeps a single-sample spike in max, in raw and in the minute tier', () => {
    const { store } = open();
    let rx = 0;
    const polls = 14 * 60; // 70 minutes: the first hour completes and is rolled up
    for (let i = 0; i < polls; i++) {
      rx += i === 300 ? 10_000_000 : 5000;
      store.record('s', peer(100 + i * 5, rx), T0 + i * 5000, 5);
      if (i % 20 === 0) store.maintain(20);
    }
    drain(store);
    for (const tier of ['raw', 'minute'] as const) {
      const r = store.peerSeries({
        server: 's',
        iface: 'wg0',
        peer: KEY,
        from: T0,
        to: T0 + HOUR,
        points: 10,
        tier,
      });
      expect(r.t.length).toBeLessThanOrEqual(10);
      const spikeBucket = r.rxMax.findIndex((v) => v !== null && v > 1e6);
      expect(r.t[spikeBucket]! <= T0 + 300 * 5000 && T0 + 300 * 5000 < r.t[spikeBucket]! + r.step).toBe(true);
      expect(r.rxMax[spikeBucket]!).toBeCloseTo(2_000_000, -4);
      expect(r.rxRate[spikeBucket]!).toBeLessThan(200_000); // the average stays an average
      for (let i = 0; i < r.t.length; i++)
        if (i !== spikeBucket && r.rxMax[i] !== null) expect(r.rxMax[i]!).toBeCloseTo(1000, -1);
    }
  });

  it('answers the same from memory (uncompacted) and from chunks', () => {
    const { store } = open();
    const sim = new ServerSimulator({ peers: 20, seed: 3 });
    for (let i = 0; i < 25 * 12; i++) store.record('s', sim.step(5), T0 + i * 5000 + (i % 7), 5);
    const key = sim.peers[0]!.dump.publicKey;
    const q = {
      server: 's',
      iface: 'wg0',
      peer: key,
      from: T0,
      to: T0 + 25 * MIN,
      points: 200,
      tier: 'raw' as const,
    };
    const before = store.peerSeries(q);
    const server = store.serverSeries({
      server: 's',
      metrics: ['cpu', 'mem', 'load1'],
      from: T0,
      to: T0 + 25 * MIN,
      points: 50,
      tier: 'raw',
    });
    drain(store);
    expect(store.peerSeries(q)).toEqual(before);
    expect(
      store.serverSeries({
        server: 's',
        metrics: ['cpu', 'mem', 'load1'],
        from: T0,
        to: T0 + 25 * MIN,
        points: 50,
        tier: 'raw',
      }),
    ).toEqual(server);
  });
});

describe('HistoryStore: gaps', () => {
  it('shows a gap when recording stops, even for a quick restart, and after reopening', () => {
    const { store, path } = open();
    let i = 0;
    for (; i < 20; i++) store.record('s', peer(100 + i * 5, i * 1000), T0 + i * 5000, 5);
    store.markStopped('s', T0 + 19 * 5000);
    const resume = T0 + 19 * 5000 + 6000; // within 2.5 intervals, but recording was closed
    store.record('s', peer(200, 20_000), resume, 5);
    store.record('s', peer(205, 21_000), resume + 5000, 5);
    let r = store.peerSeries({
      server: 's',
      iface: 'wg0',
      peer: KEY,
      from: T0,
      to: resume + 5000,
      points: 500,
      tier: 'raw',
    });
    expect(hasGap(r.gaps, T0 + 19 * 5000, resume)).toBe(true);
    expect(r.gaps.filter(([a]) => a > T0)).toHaveLength(1);
    store.close();

    const reopened = open(path).store;
    r = reopened.peerSeries({
      server: 's',
      iface: 'wg0',
      peer: KEY,
      from: T0,
      to: resume + 60_000,
      points: 500,
      tier: 'raw',
    });
    expect(hasGap(r.gaps, resume + 5000, resume + 60_000)).toBe(true); // not recording since the restart
    reopened.record('s', peer(210, 22_000), resume + 10_000, 5);
    // Ranges are half-open: [from, to).
    r = reopened.peerSeries({
      server: 's',
      iface: 'wg0',
      peer: KEY,
      from: T0,
      to: resume + 10_001,
      points: 500,
      tier: 'raw',
    });
    expect(hasGap(r.gaps, resume + 5000, resume + 10_000)).toBe(true);
  });

  it('shows an unreachable period as a gap with null points, raw and rolled up', () => {
    const { store } = open();
    let rx = 0;
    for (let i = 0; i < 16 * 60; i++) {
      const t = T0 + i * 5000;
      rx += 5000;
      if (t >= T0 + 20 * MIN && t < T0 + 30 * MIN) continue; // unreachable: nothing recorded
      store.record('s', peer(100 + i * 5, rx), t, 5);
      if (i % 20 === 0) store.maintain(20);
    }
    drain(store);
    for (const tier of ['raw', 'minute'] as const) {
      const r = store.peerSeries({
        server: 's',
        iface: 'wg0',
        peer: KEY,
        from: T0,
        to: T0 + HOUR,
        points: 60,
        tier,
      });
      expect(r.step).toBe(MIN);
      for (let m = 0; m < 60; m++) {
        if (m >= 20 && m < 30) expect(r.rxRate[m]).toBeNull();
        else if (m > 0 && m !== 30) expect(r.rxRate[m]).toBeCloseTo(1000, 0);
      }
      expect(hasGap(r.gaps, T0 + 20 * MIN, T0 + 30 * MIN)).toBe(true);
      expect(r.gaps).toHaveLength(1);
    }
  });

  it('shows a removed peer as a gap and does not spike when it returns', () => {
    const { store } = open();
    for (let i = 0; i < 180; i++) {
      const t = T0 + i * 5000;
      const peers = [{ key: KEY2, rx: i * 100, tx: 0 }];
      if (i < 60 || i >= 120) peers.push({ key: KEY, rx: i * 5000 + (i >= 120 ? 1_000_000 : 0), tx: 0 });
      store.record('s', makeSnapshot({ monotonic: 100 + i * 5, peers }), t, 5);
    }
    const r = store.peerSeries({
      server: 's',
      iface: 'wg0',
      peer: KEY,
      from: T0,
      to: T0 + 15 * MIN,
      points: 90,
      tier: 'raw',
    });
    expect(hasGap(r.gaps, T0 + 59 * 5000, T0 + 120 * 5000)).toBe(true);
    for (let b = 0; b < r.t.length; b++) {
      if (r.t[b]! >= T0 + 60 * 5000 && r.t[b]! + r.step <= T0 + 120 * 5000) expect(r.rxRate[b]).toBeNull();
    }
    expect(Math.max(...nonNull(r.rxMax))).toBe(1000);
    const usage = store.usage({
      server: 's',
      iface: 'wg0',
      peer: KEY,
      by: 'day',
      from: T0,
      to: T0 + 15 * MIN,
    });
    expect(usage[0]!.rxBytes).toBe(179 * 5000 + 1_000_000); // traffic while away is usage, not a rate
  });

  it('shows peers as a gap while wg fails; interface counters go on', () => {
    const { store } = open();
    for (let i = 0; i < 60; i++) {
      const failing = i >= 20 && i < 30;
      store.record(
        's',
        makeSnapshot({
          monotonic: 100 + i * 5,
          peers: [{ key: KEY, rx: i * 5000, tx: 0 }],
          wg0: { rxBytes: i * 7000 },
          wgError: failing ? 'sudo: a password is required' : null,
        }),
        T0 + i * 5000,
        5,
      );
    }
    const q = { server: 's', from: T0, to: T0 + 5 * MIN, points: 300, tier: 'raw' as const };
    const p = store.peerSeries({ ...q, iface: 'wg0', peer: KEY });
    expect(hasGap(p.gaps, T0 + 19 * 5000, T0 + 30 * 5000)).toBe(true);
    expect(Math.max(...nonNull(p.rxMax))).toBe(1000);
    const iface = store.interfaceSeries({ ...q, iface: 'wg0', counters: ['rxBytes'] });
    expect(iface.gaps).toEqual([]);
    expect(nonNull(iface.counters.rxBytes!.rate).every((v) => Math.abs(v - 1400) < 1e-9)).toBe(true);
  });
});

describe('HistoryStore: durability and reopen', () => {
  it('rebuilds uncompacted blocks from frames on reopen and answers identically', () => {
    const path = tempPath();
    const first = open(path).store;
    const sim = new ServerSimulator({ peers: 30, seed: 5 });
    for (let i = 0; i < 400; i++) {
      first.record('s', sim.step(5), T0 + i * 5000, 5);
      if (i === 250) first.maintain(5);
    }
    const key = sim.peers[1]!.dump.publicKey;
    const q = {
      server: 's',
      iface: 'wg0',
      peer: key,
      from: T0,
      to: T0 + 400 * 5000,
      points: 120,
      tier: 'raw' as const,
    };
    const before = first.peerSeries(q);
    const fleet = first.fleetSeries({ from: T0, to: T0 + 400 * 5000, points: 40, tier: 'raw' });
    first.close();
    const second = open(path).store;
    const after = second.peerSeries(q);
    expect(after.rxRate).toEqual(before.rxRate);
    expect(after.rxMax).toEqual(before.rxMax);
    expect(after.txRate).toEqual(before.txRate);
    expect(second.fleetSeries({ from: T0, to: T0 + 400 * 5000, points: 40, tier: 'raw' }).rxRate).toEqual(
      fleet.rxRate,
    );
    // Recording continues from the replayed state: counters are not mistaken for resets.
    for (let i = 400; i < 420; i++) second.record('s', sim.step(5), T0 + i * 5000, 5);
    const usage = second.usage({
      server: 's',
      iface: 'wg0',
      peer: key,
      by: 'day',
      from: T0,
      to: T0 + 420 * 5000,
    });
    const dump = sim.peers[1]!.dump;
    expect(usage[0]!.rxBytes).toBeGreaterThan(0);
    expect(usage[0]!.rxBytes).toBeLessThanOrEqual(dump.rxBytes);
    drain(second);
    const db = new DatabaseSync(path);
    expect(db.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    db.close();
  });

  it('forces timestamps to increase per server; a clock step back is a gap, not a spike', () => {
    const { store } = open();
    store.record('s', peer(100, 0), T0 + 10_000, 5);
    store.record('s', peer(105, 1000), T0 + 5000, 5); // the laptop clock stepped back 10 s
    store.record('s', peer(110, 2000), T0 + 10_000 + 5000, 5);
    expect(store.catalog()[0]!.lastSample).toBe(T0 + 15_000);
    const r = store.peerSeries({
      server: 's',
      iface: 'wg0',
      peer: KEY,
      from: T0,
      to: T0 + 20_000,
      points: 100,
      tier: 'raw',
    });
    expect(Math.max(...nonNull(r.rxMax))).toBeLessThan(300); // no 1000 B / 1 ms = 1 MB/s
    expect(hasGap(r.gaps, T0 + 10_000, T0 + 10_001)).toBe(true);
  });
});

describe('HistoryStore: storage', () => {
  it('stores nothing per idle peer beyond its identity', () => {
    const path = tempPath();
    const { store } = open(path);
    const sim = new ServerSimulator({ peers: 51, seed: 9, busy: 1 / 51, light: 0 });
    for (let i = 0; i < 16 * 60; i++) {
      store.record('s', sim.step(5), T0 + i * 5000, 5);
      if (i % 10 === 0) store.maintain(20);
    }
    drain(store);
    const idle = sim.peers.slice(1).map((p) => p.dump.publicKey);
    const db = new DatabaseSync(path);
    const ids = (
      db.prepare('SELECT id, peer FROM entity WHERE kind = 2').all() as { id: number; peer: string }[]
    )
      .filter((e) => idle.includes(e.peer))
      .map((e) => e.id);
    expect(ids).toHaveLength(50);
    const rows = db.prepare('SELECT sid FROM chunk').all() as { sid: number }[];
    expect(rows.filter((r) => ids.includes(Math.floor(r.sid / 16)))).toHaveLength(0);
    const tiers = db.prepare('SELECT DISTINCT tier FROM chunk ORDER BY tier').all() as { tier: number }[];
    expect(tiers.map((r) => r.tier)).toEqual([0, 1]);
    db.close();
  });
});

describe('HistoryStore: events, servers, fleet', () => {
  it('records handshakes and endpoint changes', () => {
    const { store } = open();
    for (let i = 0; i < 100; i++) {
      const handshake = 1_750_000_000 + Math.floor(i / 24) * 120;
      const endpoint = i < 50 ? '198.18.100.7:51820' : '198.18.113.9:40000';
      store.record('s', peer(100 + i * 5, i * 10, 0, { handshake, endpoint }), T0 + i * 5000, 5);
    }
    const q = { server: 's', iface: 'wg0', peer: KEY, from: T0, to: T0 + 100 * 5000 };
    expect(store.handshakes(q)).toEqual(
      [24, 48, 72, 96].map((i) => ({ t: T0 + i * 5000, handshake: 1_750_000_000 + (i / 24) * 120 })),
    );
    expect(store.endpointChanges(q)).toEqual([
      { t: T0, endpoint: '198.18.100.7:51820' },
      { t: T0 + 50 * 5000, endpoint: '198.18.113.9:40000' },
    ]);
  });

  it('computes CPU %, memory and load per server, and fleet totals across servers', () => {
    const { store } = open();
    for (let i = 0; i < 60; i++) {
      for (const [name, rate] of [
        ['a', 1000],
        ['b', 3000],
      ] as const) {
        store.record(
          name,
          makeSnapshot({
            monotonic: 100 + i * 5,
            cpu: { total: 10_000 + i * 1000, idle: 5000 + i * 750 },
            memUsed: 2 * 1024 ** 3,
            load1: 0.5,
            wg0: { rxBytes: i * rate * 5, txBytes: i * rate },
          }),
          T0 + i * 5000 + (name === 'b' ? 1 : 0),
          5,
        );
      }
    }
    const s = store.serverSeries({
      server: 'a',
      metrics: ['cpu', 'mem', 'load1'],
      from: T0 + 10_000,
      to: T0 + 5 * MIN,
      points: 5,
      tier: 'raw',
    });
    expect(nonNull(s.cpu!.avg).every((v) => Math.abs(v - 25) < 1e-9)).toBe(true);
    expect(nonNull(s.memUsed!.max).every((v) => v === 2 * 1024 ** 3)).toBe(true);
    expect(nonNull(s.load1!.min).every((v) => v === 0.5)).toBe(true);
    expect(s.gaps).toEqual([]);
    const fleet = store.fleetSeries({ from: T0 + 10_000, to: T0 + 5 * MIN, points: 5, tier: 'raw' });
    expect(nonNull(fleet.rxRate).every((v) => Math.abs(v - 4000) < 1)).toBe(true);
    expect(fleet.servers.every((n) => n === 2)).toBe(true);
  });
});

describe('HistoryStore: maintain', () => {
  it('splits a large backlog into bounded units', () => {
    const { store } = open();
    const sim = new ServerSimulator({ peers: 3000, seed: 11, busy: 1, light: 0 });
    for (let i = 0; i < 13 * 60; i++) store.record('s', sim.step(5), T0 + i * 5000, 5);
    let calls = 0;
    let worst = 0;
    let total = 0;
    for (; calls < 10_000; calls++) {
      const start = performance.now();
      const result = store.maintain(1);
      const took = performance.now() - start;
      worst = Math.max(worst, took);
      total += took;
      if (result.idle) break;
    }
    expect(calls).toBeGreaterThan(10);
    // No unit is a large share of the whole (a share, not milliseconds: the machine may be busy).
    expect(worst).toBeLessThan(total / 4);
  }, 60_000);
});
