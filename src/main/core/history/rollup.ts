/**
 * Rollup records: per bucket a few integer columns, by series type, stored so that the usual case is
 * a run of zeros (see codec.ts token streams):
 *
 *   coverage [samples, steps, stepMs, peerSteps, peerStepMs]   per server: was it recording, how
 *            many continuous steps (peerSteps: also with peer data, i.e. `wg` did not fail)
 *   counter  [gapSum, sumRate, missingSteps, missingMs, minQ, maxQ]
 *            sumRate: Δ of the continuous steps (average rate = sumRate / their Δt);
 *            gapSum: Δ seen on non-continuous steps (after a gap, a reset, a return) — usage only;
 *            missingSteps/Ms: continuous steps of the server this series did not have (absent peer),
 *            so count = coverage steps − missingSteps, normally zero;
 *            minQ/maxQ: extreme step rates, milli-units/s, quantized to 12 significant bits.
 *   gauge    [sum, count, min, max, last]
 *   marker   [last, changes]     latest handshake; one bucket per hour in both rollup tiers' rows
 *
 * In jobs, counters accumulate in natural form [sumAll, sumRate, count, dtMs, min, max] and are
 * converted by finishCounter().
 */
import { TYPE_COUNTER, TYPE_GAUGE } from './model.ts';

export const COUNTER_COLS = 6;
export const GAUGE_COLS = 5;
export const MARKER_COLS = 2;
export const COVERAGE_COLS = 5;

export function columns(type: number): number {
  return type === TYPE_COUNTER ? COUNTER_COLS : type === TYPE_GAUGE ? GAUGE_COLS : MARKER_COLS;
}

const MANTISSA = 2048;

/** Monotonic quantization of a non-negative milli-rate: exact below 4096, then 12 significant bits. */
export function quantizeRate(milli: number): number {
  const m = Math.max(0, Math.round(milli));
  if (m < 2 * MANTISSA) return m;
  let e = Math.floor(Math.log2(m)) - 11;
  let mant = Math.floor(m / 2 ** e);
  // Math.log2 may land one off near powers of two.
  if (mant >= 2 * MANTISSA) mant = Math.floor(m / 2 ** ++e);
  else if (mant < MANTISSA) mant = Math.floor(m / 2 ** --e);
  return e * MANTISSA + mant;
}

const POW2 = Array.from({ length: 64 }, (_, e) => 2 ** e);

export function dequantizeRate(q: number): number {
  if (q < 2 * MANTISSA) return q;
  const e = Math.floor(q / MANTISSA) - 1;
  const mant = q - e * MANTISSA;
  return (mant + 0.5) * (POW2[e] ?? 2 ** e);
}

/** A fresh accumulator; min/max columns start at ±Infinity. */
export function newAccumulator(type: number, buckets: number): Float64Array {
  const cols = columns(type);
  const acc = new Float64Array(buckets * cols);
  const lo = type === TYPE_COUNTER ? 4 : type === TYPE_GAUGE ? 2 : -1;
  if (lo >= 0) {
    for (let b = 0; b < buckets; b++) {
      acc[b * cols + lo] = Infinity;
      acc[b * cols + lo + 1] = -Infinity;
    }
  }
  return acc;
}

/**
 * Natural counter accumulator → stored form, in place. `quantized`: min/max already are quantized
 * (hour job); otherwise they are milli-rates. `cov` is the server's coverage for the same buckets.
 */
export function finishCounter(
  acc: Float64Array,
  buckets: number,
  cov: Float64Array | undefined,
  peer: boolean,
  quantized: boolean,
): void {
  for (let b = 0; b < buckets; b++) {
    const o = b * COUNTER_COLS;
    const c = b * COVERAGE_COLS;
    const count = acc[o + 2]!;
    const dt = acc[o + 3]!;
    const covSteps = cov ? cov[c + (peer ? 3 : 1)]! : count;
    const covDt = cov ? cov[c + (peer ? 4 : 2)]! : dt;
    acc[o] = acc[o]! - acc[o + 1]!;
    acc[o + 2] = Math.max(0, covSteps - count);
    acc[o + 3] = Math.max(0, covDt - dt);
    if (count === 0) {
      acc[o + 4] = 0;
      acc[o + 5] = 0;
    } else if (!quantized) {
      acc[o + 4] = quantizeRate(acc[o + 4]!);
      acc[o + 5] = quantizeRate(acc[o + 5]!);
    }
  }
}

/** Gauge accumulator → stored form (empty buckets' ±Infinity become 0), in place. */
export function finishGauge(acc: Float64Array, buckets: number): void {
  for (let b = 0; b < buckets; b++) {
    const o = b * GAUGE_COLS;
    if (acc[o + 1] === 0) {
      acc[o + 2] = 0;
      acc[o + 3] = 0;
    }
  }
}

/**
 * Stored counter bucket → natural [sumAll, sumRate, count, dtMs, minQ, maxQ] in `out`.
 * Without coverage there is no step to count.
 */
export function naturalCounter(
  rec: Float64Array,
  o: number,
  cov: Float64Array | undefined,
  c: number,
  peer: boolean,
  out: Float64Array,
): void {
  out[0] = rec[o]! + rec[o + 1]!;
  out[1] = rec[o + 1]!;
  out[2] = cov ? Math.max(0, cov[c + (peer ? 3 : 1)]! - rec[o + 2]!) : 0;
  out[3] = cov ? Math.max(0, cov[c + (peer ? 4 : 2)]! - rec[o + 3]!) : 0;
  out[4] = rec[o + 4]!;
  out[5] = rec[o + 5]!;
}

/** Folds natural counter values into bucket `into` of a natural accumulator (min/max quantized). */
export function combineCounter(acc: Float64Array, into: number, n: Float64Array): void {
  const o = into * COUNTER_COLS;
  acc[o] = acc[o]! + n[0]!;
  if (n[2]! <= 0) return;
  acc[o + 1] = acc[o + 1]! + n[1]!;
  acc[o + 2] = acc[o + 2]! + n[2]!;
  acc[o + 3] = acc[o + 3]! + n[3]!;
  if (n[4]! < acc[o + 4]!) acc[o + 4] = n[4]!;
  if (n[5]! > acc[o + 5]!) acc[o + 5] = n[5]!;
}

export function combineGauge(acc: Float64Array, into: number, rec: Float64Array, from: number): void {
  const o = into * GAUGE_COLS;
  const p = from * GAUGE_COLS;
  const count = rec[p + 1]!;
  if (count <= 0) return;
  acc[o] = acc[o]! + rec[p]!;
  acc[o + 1] = acc[o + 1]! + count;
  if (rec[p + 2]! < acc[o + 2]!) acc[o + 2] = rec[p + 2]!;
  if (rec[p + 3]! > acc[o + 3]!) acc[o + 3] = rec[p + 3]!;
  acc[o + 4] = rec[p + 4]!;
}

export function combineMarker(acc: Float64Array, into: number, rec: Float64Array, from: number): void {
  const o = into * MARKER_COLS;
  const p = from * MARKER_COLS;
  if (rec[p + 1]! <= 0) return;
  acc[o] = rec[p]!;
  acc[o + 1] = acc[o + 1]! + rec[p + 1]!;
}
