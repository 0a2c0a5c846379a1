/**
 * Reading series: plan which tier serves which part of the range, decode raw blocks (database chunks,
 * then the sealed and open blocks still in memory) or rollup rows, and feed a sink that downsamples
 * into at most N buckets. Gaps are found on the way: a sample that is not continuous with the previous
 * good one (break flag, absent series, `wg` failing) opens nothing and closes a gap; empty rollup
 * buckets are gaps; so is the tail after the last sample when recording stopped or went silent.
 */
import {
  ByteReader,
  decodeRollupChunk,
  decodeSeriesChunk,
  decodeTimeChunk,
  FLAG_BREAK,
  FLAG_NO_PEERS,
  readTokens,
  type TimeBlock,
} from './codec.ts';
import type { HistoryCore } from './core.ts';
import {
  BLOCK_MS,
  KIND_PEER,
  MINUTE_MS,
  TIER_BLOCK_MS,
  TIER_BUCKET_MS,
  TIER_HOUR,
  TIER_MINUTE,
  TIER_RAW,
  TYPE_COUNTER,
  TYPE_GAUGE,
  TYPE_MARKER,
  type Series,
  type ServerMem,
} from './model.ts';
import { loadPresence } from './presence.ts';
import {
  COUNTER_COLS,
  COVERAGE_COLS,
  dequantizeRate,
  GAUGE_COLS,
  MARKER_COLS,
  naturalCounter,
} from './rollup.ts';
import type { GapRange, GaugeSeries, HandshakeEvent, RateSeries } from './types.ts';

/** A tier serves at most this many source points per output point (more: the next coarser tier). */
const MAX_OVERSAMPLING = 16;

export interface Bucketing {
  origin: number;
  width: number;
  n: number;
}

export function bucketing(from: number, to: number, points: number, resolution: number): Bucketing {
  const max = Math.max(1, Math.floor(points));
  let width = Math.max(resolution, Math.ceil((to - from) / max / resolution) * resolution);
  for (;;) {
    const origin = Math.floor(from / width) * width;
    const n = Math.max(1, Math.ceil((to - origin) / width));
    if (n <= max) return { origin, width, n };
    width += resolution;
  }
}

export function bucketTimes(b: Bucketing): number[] {
  const t = new Array<number>(b.n);
  for (let i = 0; i < b.n; i++) t[i] = b.origin + i * b.width;
  return t;
}

/** Raw resolution of a chart: two poll intervals, so every bucket holds at least one step. */
export function rawResolution(intervalMs: number): number {
  return Math.max(1000, Math.ceil((2 * intervalMs) / 1000) * 1000);
}

interface Coverage {
  start: number;
  end: number;
}

/** Where each tier has data. A finer tier keeps data until it is rolled up, whatever the cut-off. */
export function coverage(core: HistoryCore): [Coverage, Coverage, Coverage] {
  return [
    { start: Math.min(core.rawCut(), core.minuteWM), end: Infinity },
    { start: Math.min(core.minuteCut(), core.hourWM), end: core.minuteWM },
    { start: core.hourCut(), end: core.hourWM },
  ];
}

export function chooseTier(
  core: HistoryCore,
  from: number,
  to: number,
  points: number,
  rawRes: number,
): number {
  const [raw, minute] = coverage(core);
  const budget = MAX_OVERSAMPLING * Math.max(1, points);
  if (raw.start <= from && (to - from) / rawRes <= budget) return TIER_RAW;
  if (minute.start <= from && (to - from) / MINUTE_MS <= budget) return TIER_MINUTE;
  return TIER_HOUR;
}

export interface Segment {
  /** -1: no tier has data there. */
  tier: number;
  a: number;
  b: number;
}

/** Splits [from, to) by tier: the preferred one where it has data, then finer ones, then coarser. */
export function plan(core: HistoryCore, from: number, to: number, preferred: number): Segment[] {
  const cov = coverage(core);
  const order = [preferred];
  for (let k = preferred - 1; k >= 0; k--) order.push(k);
  for (let k = preferred + 1; k <= TIER_HOUR; k++) order.push(k);
  const usable = (k: number) => cov[k]!.end > cov[k]!.start;
  const segments: Segment[] = [];
  let t = from;
  while (t < to) {
    let chosen = -1;
    for (const k of order) {
      if (usable(k) && cov[k]!.start <= t && t < cov[k]!.end) {
        chosen = k;
        break;
      }
    }
    let end = chosen >= 0 ? Math.min(to, cov[chosen]!.end) : to;
    for (const k of order) {
      if (k === chosen) break;
      if (usable(k) && cov[k]!.start > t && cov[k]!.start < end) end = cov[k]!.start;
    }
    const last = segments[segments.length - 1];
    if (last && last.tier === chosen) last.b = end;
    else segments.push({ tier: chosen, a: t, b: end });
    t = end;
  }
  return segments;
}

// ---------------------------------------------------------------------------------------------------
// Sinks

export interface Sink {
  /** A raw sample: its delta from the previous sample, its value, the step length, whether the step is continuous. */
  sample(t: number, delta: number, value: number, dt: number, rate: boolean, good: boolean): void;
  /** A rollup bucket starting at t; `synthetic`: made from server coverage for an idle series. */
  bucket(t: number, rec: Float64Array, offset: number, synthetic: boolean): void;
}

export class RateAccumulator implements Sink {
  readonly #b: Bucketing;
  readonly #sum: Float64Array;
  readonly #dt: Float64Array;
  readonly #count: Float64Array;
  readonly #min: Float64Array;
  readonly #max: Float64Array;

  constructor(b: Bucketing) {
    this.#b = b;
    this.#sum = new Float64Array(b.n);
    this.#dt = new Float64Array(b.n);
    this.#count = new Float64Array(b.n);
    this.#min = new Float64Array(b.n).fill(Infinity);
    this.#max = new Float64Array(b.n).fill(-Infinity);
  }

  #index(t: number): number {
    const i = Math.floor((t - this.#b.origin) / this.#b.width);
    return i >= 0 && i < this.#b.n ? i : -1;
  }

  sample(t: number, delta: number, _value: number, dt: number, rate: boolean): void {
    if (!rate) return;
    const i = this.#index(t);
    if (i < 0) return;
    this.#sum[i] = this.#sum[i]! + delta;
    this.#dt[i] = this.#dt[i]! + dt;
    this.#count[i] = this.#count[i]! + 1;
    const r = (delta * 1000) / dt;
    if (r < this.#min[i]!) this.#min[i] = r;
    if (r > this.#max[i]!) this.#max[i] = r;
  }

  bucket(t: number, rec: Float64Array, o: number): void {
    const count = rec[o + 2]!;
    if (count <= 0) return;
    const i = this.#index(t);
    if (i < 0) return;
    this.#sum[i] = this.#sum[i]! + rec[o + 1]!;
    this.#dt[i] = this.#dt[i]! + rec[o + 3]!;
    this.#count[i] = this.#count[i]! + count;
    const min = rec[o + 4]! / 1000;
    const max = rec[o + 5]! / 1000;
    if (min < this.#min[i]!) this.#min[i] = min;
    if (max > this.#max[i]!) this.#max[i] = max;
  }

  result(): RateSeries {
    const n = this.#b.n;
    const rate = new Array<number | null>(n);
    const min = new Array<number | null>(n);
    const max = new Array<number | null>(n);
    for (let i = 0; i < n; i++) {
      const ok = this.#count[i]! > 0 && this.#dt[i]! > 0;
      rate[i] = ok ? (this.#sum[i]! * 1000) / this.#dt[i]! : null;
      min[i] = ok ? this.#min[i]! : null;
      max[i] = ok ? this.#max[i]! : null;
    }
    return { rate, min, max };
  }
}

export class GaugeAccumulator implements Sink {
  readonly #b: Bucketing;
  readonly #scale: number;
  readonly #sum: Float64Array;
  readonly #count: Float64Array;
  readonly #min: Float64Array;
  readonly #max: Float64Array;

  constructor(b: Bucketing, scale: number) {
    this.#b = b;
    this.#scale = scale;
    this.#sum = new Float64Array(b.n);
    this.#count = new Float64Array(b.n);
    this.#min = new Float64Array(b.n).fill(Infinity);
    this.#max = new Float64Array(b.n).fill(-Infinity);
  }

  #index(t: number): number {
    const i = Math.floor((t - this.#b.origin) / this.#b.width);
    return i >= 0 && i < this.#b.n ? i : -1;
  }

  sample(t: number, _delta: number, value: number, _dt: number, _rate: boolean, good: boolean): void {
    if (!good) return;
    const i = this.#index(t);
    if (i < 0) return;
    this.#sum[i] = this.#sum[i]! + value;
    this.#count[i] = this.#count[i]! + 1;
    if (value < this.#min[i]!) this.#min[i] = value;
    if (value > this.#max[i]!) this.#max[i] = value;
  }

  bucket(t: number, rec: Float64Array, o: number): void {
    const count = rec[o + 1]!;
    if (count <= 0) return;
    const i = this.#index(t);
    if (i < 0) return;
    this.#sum[i] = this.#sum[i]! + rec[o]!;
    this.#count[i] = this.#count[i]! + count;
    if (rec[o + 2]! < this.#min[i]!) this.#min[i] = rec[o + 2]!;
    if (rec[o + 3]! > this.#max[i]!) this.#max[i] = rec[o + 3]!;
  }

  result(): GaugeSeries {
    const n = this.#b.n;
    const avg = new Array<number | null>(n);
    const min = new Array<number | null>(n);
    const max = new Array<number | null>(n);
    const k = this.#scale;
    for (let i = 0; i < n; i++) {
      const c = this.#count[i]!;
      avg[i] = c > 0 ? this.#sum[i]! / c / k : null;
      min[i] = c > 0 ? this.#min[i]! / k : null;
      max[i] = c > 0 ? this.#max[i]! / k : null;
    }
    return { avg, min, max };
  }
}

/** Sums every delta of a cumulative into arbitrary buckets (local days or months). */
export class UsageAccumulator implements Sink {
  readonly #edges: number[];
  readonly sums: Float64Array;

  constructor(edges: number[]) {
    this.#edges = edges;
    this.sums = new Float64Array(Math.max(0, edges.length - 1));
  }

  #index(t: number): number {
    const edges = this.#edges;
    let lo = 0;
    let hi = edges.length - 1;
    if (hi < 1 || t < edges[0]! || t >= edges[hi]!) return -1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (edges[mid]! <= t) lo = mid;
      else hi = mid;
    }
    return lo;
  }

  sample(t: number, delta: number): void {
    if (delta === 0) return;
    const i = this.#index(t);
    if (i >= 0) this.sums[i] = this.sums[i]! + delta;
  }

  bucket(t: number, rec: Float64Array, o: number, synthetic: boolean): void {
    if (synthetic || rec[o] === 0) return;
    const i = this.#index(t);
    if (i >= 0) this.sums[i] = this.sums[i]! + rec[o]!;
  }
}

export class MarkerCollector implements Sink {
  readonly events: HandshakeEvent[] = [];

  sample(t: number, delta: number, value: number): void {
    if (delta !== 0 && value > 0) this.events.push({ t, handshake: value });
  }

  bucket(t: number, rec: Float64Array, o: number, synthetic: boolean): void {
    if (!synthetic && rec[o + 1]! > 0 && rec[o]! > 0) this.events.push({ t, handshake: rec[o]! });
  }
}

// ---------------------------------------------------------------------------------------------------
// Reading

export function readSeries(
  core: HistoryCore,
  s: Series,
  from: number,
  to: number,
  tier: number,
  sink: Sink,
  gaps: GapRange[],
): void {
  for (const seg of plan(core, from, to, tier)) {
    if (seg.tier === TIER_RAW) readRaw(core, s, seg.a, seg.b, sink, gaps);
    else if (seg.tier < 0) gaps.push([seg.a, seg.b]);
    else readRollup(core, s, seg.tier, seg.a, seg.b, sink, gaps);
  }
}

interface RawBlock {
  time: TimeBlock;
  /** Fills `deltas` with the series' per-sample deltas, returns the value before the first (NaN: unknown). */
  load(deltas: Float64Array): number;
}

function rawBlocks(core: HistoryCore, srv: ServerMem, s: Series, from: number, to: number): RawBlock[] {
  const lo = Math.floor(from / BLOCK_MS) * BLOCK_MS;
  const memory = srv.memoryBlocks().filter((m) => m.start >= lo && m.start < to);
  const inMemory = new Set(memory.map((m) => m.start));
  const blocks: { start: number; block: RawBlock }[] = [];
  const rows = (
    core.s.timeRange.all(srv.id, TIER_RAW, lo, to) as { start: number; data: Uint8Array }[]
  ).filter((row) => !inMemory.has(row.start));
  const chunks = core.chunksAt(
    TIER_RAW,
    rows.map((row) => row.start),
    s.sid,
  );
  for (const row of rows) {
    const time = decodeTimeChunk(row.data);
    const chunk = chunks.get(row.start);
    blocks.push({
      start: row.start,
      block: {
        time,
        load(deltas) {
          if (chunk) return decodeSeriesChunk(chunk, time.n, deltas);
          deltas.fill(0, 0, time.n);
          return NaN;
        },
      },
    });
  }
  for (const m of memory) {
    if (m.sealed) {
      const sealed = m.sealed;
      blocks.push({
        start: m.start,
        block: {
          time: sealed.time,
          load(deltas) {
            const series = sealed.series.get(s.sid);
            if (!series) {
              deltas.fill(0, 0, sealed.time.n);
              return NaN;
            }
            readTokens(new ByteReader(series.tokens), deltas, sealed.time.n);
            return series.base;
          },
        },
      });
    } else if (m.open) {
      const open = m.open;
      const time = open.timeBlock();
      blocks.push({
        start: m.start,
        block: {
          time,
          load(deltas) {
            if (s.block === open && s.writer) {
              readTokens(new ByteReader(s.writer.buf, 0, s.writer.len), deltas, time.n);
              return s.base;
            }
            deltas.fill(0, 0, time.n);
            return s.value; // untouched in this block: unchanged since its start
          },
        },
      });
    }
  }
  blocks.sort((x, y) => x.start - y.start);
  return blocks.map((b) => b.block);
}

function readRaw(core: HistoryCore, s: Series, a: number, b: number, sink: Sink, gaps: GapRange[]): void {
  const srv = s.entity.server;
  const blocks = rawBlocks(core, srv, s, a, b);
  const presence = loadPresence(core, s.psid, Math.floor(a / BLOCK_MS) * BLOCK_MS, b);
  const peer = s.entity.kind === KIND_PEER;
  const gauge = s.type === TYPE_GAUGE;
  let deltas = new Float64Array(256);
  let lastGood: number | null = null;
  let first = true;
  outer: for (const block of blocks) {
    const tb = block.time;
    if (deltas.length < tb.n) deltas = new Float64Array(tb.n * 2);
    const base = block.load(deltas);
    const known = !gauge || !Number.isNaN(base);
    let prevT = tb.prevT;
    let prevGood =
      prevT !== null && known && presence.at(prevT) && !(peer && (tb.prevFlags & FLAG_NO_PEERS) !== 0);
    if (first) {
      first = false;
      if (prevGood) lastGood = prevT;
    }
    let v = base;
    for (let i = 0; i < tb.n; i++) {
      const t = tb.times[i]!;
      if (t >= b) break outer;
      const f = tb.flags[i]!;
      const d = deltas[i]!;
      v += d;
      const good = known && presence.at(t) && !(peer && (f & FLAG_NO_PEERS) !== 0);
      const rate = good && prevGood && prevT !== null && (f & FLAG_BREAK) === 0;
      if (t >= a) {
        sink.sample(t, d, v, prevT === null ? 0 : t - prevT, rate, good);
        if (good && !rate) gaps.push([lastGood ?? a, t]);
      }
      if (good) lastGood = t;
      prevT = t;
      prevGood = good;
    }
  }
  const gap = srv.gapMs();
  if (lastGood === null) {
    if (b - a > gap || srv.stopped) gaps.push([a, b]);
  } else if (b > lastGood && (b - lastGood > gap || (srv.stopped && lastGood >= (srv.lastT ?? 0)))) {
    gaps.push([lastGood, b]);
  }
}

function readRollup(
  core: HistoryCore,
  s: Series,
  tier: number,
  a: number,
  b: number,
  sink: Sink,
  gaps: GapRange[],
): void {
  const srv = s.entity.server;
  const res = TIER_BUCKET_MS[tier]!;
  const span = TIER_BLOCK_MS[tier]!;
  const perBlock = span / res;
  const lo = Math.floor(a / span) * span;
  const covRows = core.s.timeRange.all(srv.id, tier, lo, b) as { start: number; data: Uint8Array }[];
  const cov = new Map<number, Float64Array>();
  for (const row of covRows) cov.set(row.start, decodeRollupChunk(row.data).values);
  const rows = core.chunksAt(tier, [...cov.keys()], s.sid);
  if (s.type === TYPE_MARKER) {
    // Rows hold one bucket per hour; only the events matter.
    for (const block of cov.keys()) {
      const row = rows.get(block);
      if (!row) continue;
      const { values, buckets } = decodeRollupChunk(row);
      for (let k = 0; k < buckets; k++) {
        const u = block + k * (span / buckets);
        if (u >= a && u < b) sink.bucket(u, values, k * MARKER_COLS, false);
      }
    }
    return;
  }
  const presence = loadPresence(core, s.psid, lo, b);
  const peer = s.entity.kind === KIND_PEER;
  const counter = s.type === TYPE_COUNTER;
  const natural = new Float64Array(COUNTER_COLS);
  let runStart: number | null = null;
  for (let block = lo; block < b; block += span) {
    const c = cov.get(block);
    let rec: Float64Array | null = null;
    const row = c ? rows.get(block) : undefined;
    if (row) rec = decodeRollupChunk(row).values;
    for (let k = 0; k < perBlock; k++) {
      const u = block + k * res;
      if (u + res <= a) continue; // a bucket straddling the query's start counts
      if (u >= b) break;
      let good = false;
      if (counter) {
        if (rec) naturalCounter(rec, k * COUNTER_COLS, c, k * COVERAGE_COLS, peer, natural);
        else if (c && presence.at(u)) {
          const o = k * COVERAGE_COLS;
          natural.fill(0);
          natural[2] = c[o + (peer ? 3 : 1)]!;
          natural[3] = c[o + (peer ? 4 : 2)]!;
        } else natural.fill(0);
        good = natural[2]! > 0;
        if (good || natural[0] !== 0) {
          natural[4] = dequantizeRate(natural[4]!);
          natural[5] = dequantizeRate(natural[5]!);
          sink.bucket(u, natural, 0, rec === null);
        }
      } else if (rec) {
        good = rec[k * GAUGE_COLS + 1]! > 0;
        sink.bucket(u, rec, k * GAUGE_COLS, false);
      }
      if (!good) runStart ??= u;
      else if (runStart !== null) {
        gaps.push([runStart, u]);
        runStart = null;
      }
    }
  }
  if (runStart !== null) gaps.push([runStart, b]);
}

// ---------------------------------------------------------------------------------------------------
// Gap lists

/** Clipped to [from, to], sorted, overlapping or touching ranges merged. */
export function normalizeGaps(gaps: GapRange[], from: number, to: number): GapRange[] {
  const clipped: GapRange[] = [];
  for (const [a, b] of gaps) {
    const x = Math.max(a, from);
    const y = Math.min(b, to);
    if (y > x) clipped.push([x, y]);
  }
  clipped.sort((p, q) => p[0] - q[0]);
  const out: GapRange[] = [];
  for (const g of clipped) {
    const last = out[out.length - 1];
    if (last && g[0] <= last[1]) last[1] = Math.max(last[1], g[1]);
    else out.push([g[0], g[1]]);
  }
  return out;
}

/** Ranges that are gaps in both (normalized) lists. */
export function intersectGaps(x: GapRange[], y: GapRange[]): GapRange[] {
  const out: GapRange[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    const a = Math.max(x[i]![0], y[j]![0]);
    const b = Math.min(x[i]![1], y[j]![1]);
    if (b > a) out.push([a, b]);
    if (x[i]![1] < y[j]![1]) i++;
    else j++;
  }
  return out;
}
