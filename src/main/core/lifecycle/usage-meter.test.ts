// UsageMeter against a real history store: the same bytes as the store's own queries, through
// WireGuard restarts, gaps, a reopened file and a new UTC period; and its cost per poll at 1,000 peers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Quota } from '../../../shared/peer-lifecycle.ts';
import { HistoryStore } from '../history/history-store.ts';
import { makeSnapshot } from '../history/simulate.ts';
import { UsageMeter } from './usage-meter.ts';

const KEY = `${'A'.repeat(43)}=`;
/** 23:50 UTC: the day quota's period ends ten minutes in. */
const T0 = Date.UTC(2026, 11, 4, 23, 50);
const DAY: Quota = { bytes: 1_000_000, period: 'day', direction: 'both', reenable: true };
const MONTH_RX: Quota = { bytes: 1_000_000, period: 'month', direction: 'rx', reenable: true };
const TOTAL_TX: Quota = { bytes: 1_000_000, period: 'total', direction: 'tx', reenable: false };

const cleanup: (() => void)[] = [];
afterEach(() => {
  while (cleanup.length > 0) cleanup.pop()!();
});

function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wgdeck-usage-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'history.db');
}

function open(path: string): HistoryStore {
  const store = HistoryStore.open(path);
  cleanup.push(() => store.close());
  return store;
}

const sample = (monotonic: number, rx: number, tx: number) =>
  makeSnapshot({ monotonic, peers: [{ key: KEY, rx, tx }] });

describe('UsageMeter', () => {
  it('counts what the store counts, through a restart, a gap and midnight UTC', () => {
    const store = open(tempPath());
    const meter = new UsageMeter();
    let rx = 5000; // the counters the peer already had when first seen are not usage
    let tx = 7000;
    let monotonic = 100;
    let seenDay = 0;
    let seenAll = { rx: 0, tx: 0 };
    for (let i = 0; i < 400; i++) {
      const at = T0 + i * 5000;
      if (i === 50) [rx, tx] = [0, 0]; // wg-quick down/up: the counters start again
      if (i === 200) [monotonic, rx, tx] = [0, 0, 0]; // a reboot: uptime and counters start again
      if (i >= 120 && i < 140) continue; // the stream was lost for 100 s
      rx += 1000;
      tx += 300;
      monotonic += 5;
      store.record('s', sample(monotonic, rx, tx), at, 5);
      const day = meter.usage(store, 's', 'wg0', KEY, DAY, at);
      const month = meter.usage(store, 's', 'wg0', KEY, MONTH_RX, at);
      const total = meter.usage(store, 's', 'wg0', KEY, TOTAL_TX, at);
      const dayStart = Date.UTC(2026, 11, at < Date.UTC(2026, 11, 5) ? 4 : 5);
      const expected = store.peerBytes({ server: 's', iface: 'wg0', peer: KEY, from: dayStart, to: at + 1 });
      expect(day.bytes).toBe(expected.rxBytes + expected.txBytes);
      expect(day.periodStart).toBe(dayStart);
      expect(day.resetsAt).toBe(dayStart + 86_400_000);
      if (at >= Date.UTC(2026, 11, 5)) {
        expect(day.periodKey).toBe('2026-12-05');
        expect(month.periodKey).toBe('2026-12');
      }
      seenDay = day.bytes;
      seenAll = { rx: month.rx, tx: total.tx };
    }
    // Every poll after the first added 1000 rx and 300 tx; the first poll after midnight is in the new day.
    const polls = 400 - 20 - 1;
    expect(seenAll).toEqual({ rx: polls * 1000, tx: polls * 300 });
    const afterMidnight = 400 - 120 - 20; // polls at or after 00:00 (i ≥ 120), less the gap
    expect(seenDay).toBe(afterMidnight * 1300);
    // The store's own calendar query agrees with the month (TZ=UTC in tests).
    const month = store.usage({ server: 's', iface: 'wg0', peer: KEY, by: 'month', from: T0, to: T0 + 1 });
    expect(month[0]!.rxBytes).toBe(seenAll.rx);
  });

  it('gives the same usage from a reopened store (another process on the file after a restart)', () => {
    const path = tempPath();
    const first = HistoryStore.open(path);
    const meter = new UsageMeter();
    for (let i = 0; i < 30; i++) first.record('s', sample(100 + i * 5, 1000 * i, 0), T0 + i * 5000, 5);
    const before = meter.usage(first, 's', 'wg0', KEY, MONTH_RX, T0 + 30 * 5000);
    first.close();
    const second = open(path);
    const again = new UsageMeter().usage(second, 's', 'wg0', KEY, MONTH_RX, T0 + 30 * 5000);
    expect(again).toEqual(before);
    expect(before.bytes).toBe(29 * 1000);
    // The old meter notices the new store and reads its base again.
    second.record('s', sample(100 + 30 * 5, 30_000 + 500, 0), T0 + 30 * 5000, 5);
    expect(meter.usage(second, 's', 'wg0', KEY, MONTH_RX, T0 + 31 * 5000).bytes).toBe(29 * 1000 + 1500);
  });

  it('counts a peer disabled and enabled again (gone from wg, back from 0) once', () => {
    const store = open(tempPath());
    const meter = new UsageMeter();
    store.record('s', sample(100, 1000, 0), T0, 5);
    store.record('s', sample(105, 3000, 0), T0 + 5000, 5);
    store.record('s', makeSnapshot({ monotonic: 110, peers: [] }), T0 + 10_000, 5); // removed live
    expect(meter.usage(store, 's', 'wg0', KEY, MONTH_RX, T0 + 10_000).bytes).toBe(2000);
    store.record('s', sample(115, 400, 0), T0 + 15_000, 5); // added again: counters from 0
    expect(meter.usage(store, 's', 'wg0', KEY, MONTH_RX, T0 + 15_000).bytes).toBe(2400);
  });

  it('is 0 for a peer the store never saw', () => {
    const store = open(tempPath());
    const usage = new UsageMeter().usage(store, 's', 'wg0', KEY, DAY, T0);
    expect(usage).toMatchObject({ bytes: 0, rx: 0, tx: 0, periodKey: '2026-12-04' });
  });

  it('costs little per poll at 1,000 peers with quotas on one server', () => {
    const store = open(tempPath());
    const keys = Array.from({ length: 1000 }, (_, i) => `${String(i).padStart(4, '0')}${'k'.repeat(39)}=`);
    // An hour of polls at 5 s, every peer moving data, then the quota reads.
    const polls = 720;
    const start = Date.UTC(2026, 11, 4, 10);
    for (let p = 0; p < polls; p++) {
      const snapshot = makeSnapshot({
        monotonic: 100 + p * 5,
        peers: keys.map((key, i) => ({ key, rx: p * (1000 + i), tx: p * 10 })),
      });
      store.record('s', snapshot, start + p * 5000, 5);
      if (p % 20 === 0) store.maintain(20);
    }
    const meter = new UsageMeter();
    const now = start + polls * 5000;
    const seedStart = performance.now();
    for (const key of keys) meter.usage(store, 's', 'wg0', key, MONTH_RX, now);
    const seedMs = performance.now() - seedStart;
    const times: number[] = [];
    for (let run = 0; run < 21; run++) {
      const t = performance.now();
      for (const key of keys) meter.usage(store, 's', 'wg0', key, MONTH_RX, now);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const median = times[10]!;
    console.log(
      `usage at 1,000 quota peers: first read (base from the store) ${seedMs.toFixed(1)} ms, then ${median.toFixed(3)} ms per poll (median of 21)`,
    );
    expect(meter.usage(store, 's', 'wg0', keys[7]!, MONTH_RX, now).bytes).toBe((polls - 1) * 1007);
    expect(median).toBeLessThan(20);
  });
});
