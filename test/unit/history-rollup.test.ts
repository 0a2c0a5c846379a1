// Rollups against brute force, and retention, on real SQLite files.
import { mkdtempSync, rmSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRandom } from '../../src/main/core/collector/fixtures.ts';
import { HistoryStore, type HistoryOptions } from '../../src/main/core/history/index.ts';
import { makeSnapshot } from '../../src/main/core/history/simulate.ts';

const T0 = Date.UTC(2025, 5, 2, 0, 0, 0);
const KEY = `${'C'.repeat(43)}=`;
const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

const cleanup: (() => void)[] = [];
afterEach(() => {
  while (cleanup.length > 0) cleanup.pop()!();
});

function open(options?: HistoryOptions): { store: HistoryStore; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'wgdeck-history-'));
  const path = join(dir, 'history.db');
  const store = HistoryStore.open(path, options);
  cleanup.push(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { store, path };
}

function drain(store: HistoryStore): void {
  for (let i = 0; i < 100_000; i++) if (store.maintain(100).idle) return;
  throw new Error('maintain never went idle');
}

interface Sample {
  t: number;
  rx: number;
  /** Δ of the reset-adjusted cumulative (0 for the first sample). */
  delta: number;
  /** Continuous with the previous sample (≤ 2.5 intervals apart). */
  continuous: boolean;
}

/** Records a random counter with jitter, idle stretches, resets and unreachable periods. */
function recordRandom(store: HistoryStore, seed: number, intervalS: number, until: number): Sample[] {
  const random = makeRandom(seed);
  const step = intervalS * 1000;
  const samples: Sample[] = [];
  let t = T0;
  let rx = 1e9;
  let monotonic = 1000;
  for (let i = 0; t < until; i++) {
    t += step + Math.floor(random() * 61) - 30;
    if (random() < 0.004) t += 3 * step + Math.floor(random() * 60 * step); // unreachable for a while
    monotonic += intervalS;
    const previous = rx;
    let delta: number;
    if (random() < 0.004) {
      rx = Math.floor(random() * 5000); // the peer was recreated: counter restarted
      delta = rx;
    } else {
      const inc = random() < 0.3 ? 0 : Math.floor(random() * 2e6);
      rx += inc;
      delta = inc;
    }
    const last = samples[samples.length - 1];
    samples.push({
      t,
      rx,
      delta: last ? delta : 0,
      continuous: last !== undefined && t - last.t <= 2.5 * step,
    });
    void previous;
    store.record('s', makeSnapshot({ monotonic, peers: [{ key: KEY, rx, tx: 0 }] }), t, intervalS);
    if (i % 17 === 0) store.maintain(10);
  }
  drain(store);
  return samples;
}

interface Expected {
  sum: number;
  dt: number;
  min: number;
  max: number;
}

function bruteForce(samples: Sample[], from: number, width: number, n: number): (Expected | null)[] {
  const out: (Expected | null)[] = new Array<Expected | null>(n).fill(null);
  for (let i = 1; i < samples.length; i++) {
    const s = samples[i]!;
    if (!s.continuous) continue;
    const b = Math.floor((s.t - from) / width);
    if (b < 0 || b >= n) continue;
    const dt = s.t - samples[i - 1]!.t;
    const rate = (s.delta * 1000) / dt;
    const e = (out[b] ??= { sum: 0, dt: 0, min: Infinity, max: -Infinity });
    e.sum += s.delta;
    e.dt += dt;
    e.min = Math.min(e.min, rate);
    e.max = Math.max(e.max, rate);
  }
  return out;
}

function expectMatches(
  r: { rxRate: (number | null)[]; rxMin: (number | null)[]; rxMax: (number | null)[] },
  expected: (Expected | null)[],
  exactExtremes: boolean,
): void {
  expect(r.rxRate.length).toBe(expected.length);
  for (let b = 0; b < expected.length; b++) {
    const e = expected[b];
    if (!e) {
      expect(r.rxRate[b], `bucket ${b}`).toBeNull();
      continue;
    }
    expect(r.rxRate[b], `bucket ${b}`).toBe((e.sum * 1000) / e.dt);
    if (exactExtremes) {
      expect(r.rxMin[b]).toBe(e.min);
      expect(r.rxMax[b]).toBe(e.max);
    } else {
      // min/max are stored with 12 significant bits
      expect(Math.abs(r.rxMin[b]! - e.min)).toBeLessThanOrEqual(e.min / 2048 + 0.001);
      expect(Math.abs(r.rxMax[b]! - e.max)).toBeLessThanOrEqual(e.max / 2048 + 0.001);
    }
  }
}

function localDayEdges(from: number, to: number): number[] {
  const d = new Date(from);
  let cursor = new Date(d.getFullYear(), d.getMonth(), d.getDate());
  const edges = [cursor.getTime()];
  while (cursor.getTime() < to) {
    cursor = new Date(cursor.getFullYear(), cursor.getMonth(), cursor.getDate() + 1);
    edges.push(cursor.getTime());
  }
  return edges;
}

describe('HistoryStore rollups', () => {
  it('minute rollups and raw reads match brute force: average, min, max, gaps, usage', () => {
    const { store } = open();
    const samples = recordRandom(store, 21, 5, T0 + 3 * HOUR + 20 * MIN);
    const expected = bruteForce(samples, T0, MIN, 180);
    const q = { server: 's', iface: 'wg0', peer: KEY, from: T0, to: T0 + 3 * HOUR, points: 180 };
    const minute = store.peerSeries({ ...q, tier: 'minute' });
    expect(minute.step).toBe(MIN);
    expectMatches(minute, expected, false);
    const raw = store.peerSeries({ ...q, tier: 'raw' });
    expect(raw.step).toBe(MIN);
    expectMatches(raw, expected, true);
    // Every discontinuity is reported as a gap.
    for (let i = 1; i < samples.length; i++) {
      const s = samples[i]!;
      if (s.continuous || s.t >= T0 + 3 * HOUR) continue;
      const prev = samples[i - 1]!.t;
      expect(raw.gaps.some(([a, b]) => a <= prev && b >= s.t)).toBe(true);
    }
    expect(samples.some((s, i) => i > 0 && !s.continuous)).toBe(true);
    // Usage: every delta (resets and gaps included) lands in its day, from whichever tier serves it.
    const last = samples[samples.length - 1]!.t;
    const usage = store.usage({ server: 's', iface: 'wg0', peer: KEY, by: 'day', from: T0, to: last + 1 });
    const edges = localDayEdges(T0, last + 1);
    expect(usage.map((u) => u.start)).toEqual(edges.slice(0, -1));
    for (let d = 0; d < usage.length; d++) {
      const sum = samples
        .filter((s) => s.t >= edges[d]! && s.t < edges[d + 1]!)
        .reduce((a, s) => a + s.delta, 0);
      expect(usage[d]!.rxBytes).toBe(sum);
    }
  });

  it('hour rollups match brute force', () => {
    const { store } = open();
    const samples = recordRandom(store, 22, 60, T0 + 2 * DAY + 3 * HOUR);
    const expected = bruteForce(samples, T0, HOUR, 48);
    const r = store.peerSeries({
      server: 's',
      iface: 'wg0',
      peer: KEY,
      from: T0,
      to: T0 + 2 * DAY,
      points: 48,
      tier: 'hour',
    });
    expect(r.step).toBe(HOUR);
    expectMatches(r, expected, false);
    const last = samples[samples.length - 1]!.t;
    const usage = store.usage({ server: 's', iface: 'wg0', peer: KEY, by: 'month', from: T0, to: last + 1 });
    expect(usage.reduce((a, u) => a + u.rxBytes, 0)).toBe(samples.reduce((a, s) => a + s.delta, 0));
  });
});

describe('HistoryStore retention', () => {
  it('deletes raw, minute and hour data past their retention and nothing newer', () => {
    const { store, path } = open({ retention: { rawHours: 2, minuteDays: 1, hourDays: 3 } });
    const samples = recordRandom(store, 23, 60, T0 + 5 * DAY + 12 * HOUR);
    const now = samples[samples.length - 1]!.t;
    const rawCut = Math.floor((now - 2 * HOUR) / (10 * MIN)) * 10 * MIN;
    const minuteCut = Math.floor((now - DAY) / HOUR) * HOUR;
    const hourCut = Math.floor((now - 3 * DAY) / DAY) * DAY;
    const db = new DatabaseSync(path);
    const starts = (tier: number) =>
      (
        db.prepare('SELECT DISTINCT start FROM timechunk WHERE tier = ? ORDER BY start').all(tier) as {
          start: number;
        }[]
      ).map((r) => r.start);
    const chunkMin = (tier: number) =>
      (db.prepare('SELECT MIN(start) AS m FROM chunk WHERE tier = ?').get(tier) as { m: number | null }).m;
    // What each tier should still hold: every block from the cut to the newest with data (gaps aside).
    const expectedBlocks = (cut: number, span: number, until: number) => {
      const out = new Set<number>();
      for (const s of samples) if (s.t >= cut && s.t < until) out.add(Math.floor(s.t / span) * span);
      return [...out].sort((a, b) => a - b);
    };
    const raw = starts(0);
    expect(raw[0]).toBeGreaterThanOrEqual(rawCut);
    expect(chunkMin(0)).toBeGreaterThanOrEqual(rawCut);
    const rawUntil = Math.floor(now / (10 * MIN)) * 10 * MIN; // the open block is still in frames
    expect(raw).toEqual(expectedBlocks(rawCut, 10 * MIN, rawUntil));
    const minute = starts(1);
    expect(minute[0]).toBeGreaterThanOrEqual(minuteCut);
    expect(chunkMin(1)).toBeGreaterThanOrEqual(minuteCut);
    expect(minute).toEqual(expectedBlocks(minuteCut, HOUR, Math.floor(now / HOUR) * HOUR));
    const hour = starts(2);
    expect(hour[0]).toBeGreaterThanOrEqual(hourCut);
    expect(chunkMin(2)).toBeGreaterThanOrEqual(hourCut);
    expect(hour).toEqual(expectedBlocks(hourCut, DAY, Math.floor(now / DAY) * DAY));
    db.close();
    // Deleted ranges read as gaps; what is kept reads as data.
    const whole = store.peerSeries({ server: 's', iface: 'wg0', peer: KEY, from: T0, to: now, points: 500 });
    expect(whole.gaps[0]![0]).toBe(T0);
    expect(whole.gaps[0]![1]).toBeGreaterThanOrEqual(hourCut);
    expect(whole.rxRate.some((v) => v !== null)).toBe(true);
  });
});
