// Codec round trips of the history store, property-style: seeded random inputs, many iterations.
import { describe, expect, it } from 'vitest';
import { makeRandom } from '../../src/main/core/collector/fixtures.ts';
import {
  ByteReader,
  ByteWriter,
  CorruptDataError,
  decodeCheckpoint,
  decodeRollupChunk,
  decodeSeriesChunk,
  decodeTimeChunk,
  encodeCheckpoint,
  encodeRollupChunk,
  encodeSeriesChunk,
  encodeTimeChunk,
  finishSeriesChunk,
  FLAG_BREAK,
  FLAG_NO_PEERS,
  MODE_DOD,
  readFrameEntries,
  readFrameHeader,
  readTokens,
  TAG_BACK_RESET,
  TAG_GONE,
  unzigzag,
  writeFrameEntry,
  writeFrameHeader,
  writeTokens,
  writeValue,
  writeZeroRun,
  zigzag,
} from '../../src/main/core/history/codec.ts';
import { dequantizeRate, quantizeRate } from '../../src/main/core/history/rollup.ts';

/** An integer of random magnitude (0 … 2^50), random sign when `signed`. */
function randomInt(random: () => number, signed: boolean): number {
  const bits = Math.floor(random() * 51);
  const v = Math.floor(random() * 2 ** bits);
  return signed && random() < 0.5 && v !== 0 ? -v : v;
}

/** Deltas shaped like real series: idle runs, sparse keepalives, dense noisy traffic, steady streams. */
function randomSeries(random: () => number, n: number): Float64Array {
  const out = new Float64Array(n);
  const shape = Math.floor(random() * 4);
  const rate = Math.floor(10 ** (random() * 7));
  for (let i = 0; i < n; i++) {
    if (shape === 0) out[i] = random() < 0.03 ? randomInt(random, true) : 0;
    else if (shape === 1) out[i] = i % 5 === 0 ? 32 : 0;
    else if (shape === 2) out[i] = Math.floor(rate * (0.5 + random()));
    else out[i] = rate + (random() < 0.1 ? Math.floor(random() * 10) - 5 : 0);
  }
  return out;
}

describe('varints and zigzag', () => {
  it('round-trip every magnitude up to 2^52', () => {
    const random = makeRandom(1);
    const values: number[] = [
      0,
      1,
      -1,
      127,
      128,
      -64,
      -65,
      2 ** 31 - 1,
      2 ** 31,
      -(2 ** 31),
      2 ** 50,
      -(2 ** 50),
    ];
    for (let i = 0; i < 20_000; i++) values.push(randomInt(random, true));
    const w = new ByteWriter(8);
    for (const v of values) w.svar(v);
    for (const v of values) if (v >= 0) w.uvar(v * 2);
    const r = new ByteReader(w.toBytes());
    for (const v of values) expect(r.svar()).toBe(v);
    for (const v of values) if (v >= 0) expect(r.uvar()).toBe(v * 2);
    expect(r.done).toBe(true);
    for (const v of values) expect(unzigzag(zigzag(v))).toBe(v);
  });

  it('reject truncated input', () => {
    const w = new ByteWriter();
    w.uvar(2 ** 40);
    const bytes = w.toBytes().subarray(0, 3);
    expect(() => new ByteReader(bytes).uvar()).toThrow(CorruptDataError);
  });
});

describe('token streams', () => {
  it('round-trip random arrays with zero runs, tail trimmed or not', () => {
    const random = makeRandom(2);
    for (let iter = 0; iter < 2000; iter++) {
      const n = 1 + Math.floor(random() * 300);
      const values = randomSeries(random, n);
      for (const trim of [true, false]) {
        const w = new ByteWriter();
        writeTokens(w, values, n, trim);
        const out = new Float64Array(n).fill(NaN);
        readTokens(new ByteReader(w.toBytes()), out, n);
        expect(Array.from(out)).toEqual(Array.from(values));
      }
    }
  });

  it('incremental writing (as the open block does) equals a trimmed stream', () => {
    const random = makeRandom(3);
    for (let iter = 0; iter < 500; iter++) {
      const n = 1 + Math.floor(random() * 200);
      const values = randomSeries(random, n);
      const incremental = new ByteWriter();
      let last = -1;
      for (let i = 0; i < n; i++) {
        if (values[i] === 0) continue;
        if (i > last + 1) writeZeroRun(incremental, i - last - 1);
        writeValue(incremental, values[i]!);
        last = i;
      }
      const batch = new ByteWriter();
      writeTokens(batch, values, n, true);
      expect(incremental.toBytes()).toEqual(batch.toBytes());
      const base = randomInt(random, false);
      const chunk = finishSeriesChunk(base, incremental.toBytes(), n);
      const out = new Float64Array(n);
      expect(decodeSeriesChunk(chunk, n, out)).toBe(base);
      expect(Array.from(out)).toEqual(Array.from(values));
    }
  });
});

describe('series chunks', () => {
  it('round-trip random series exactly and keep the smaller mode', () => {
    const random = makeRandom(4);
    for (let iter = 0; iter < 3000; iter++) {
      const n = 1 + Math.floor(random() * 240);
      const deltas = randomSeries(random, n);
      const base = randomInt(random, true);
      const chunk = encodeSeriesChunk(base, deltas, n);
      const out = new Float64Array(n);
      expect(decodeSeriesChunk(chunk, n, out)).toBe(base);
      expect(Array.from(out)).toEqual(Array.from(deltas));
    }
  });

  it('store a steady stream as delta-of-delta in a few bytes', () => {
    const deltas = new Float64Array(120).fill(5_000_000);
    const chunk = encodeSeriesChunk(123_456_789, deltas, 120);
    expect(chunk[0]).toBe(MODE_DOD);
    expect(chunk.length).toBeLessThan(16);
  });

  it('store an idle series as a header only', () => {
    expect(encodeSeriesChunk(42, new Float64Array(120), 120).length).toBeLessThanOrEqual(2);
  });
});

describe('time chunks', () => {
  it('round-trip jittered timestamps with flags', () => {
    const random = makeRandom(5);
    for (let iter = 0; iter < 500; iter++) {
      const n = 1 + Math.floor(random() * 150);
      const times = new Float64Array(n);
      const flags = new Uint8Array(n);
      let t = 1_750_000_000_000 + Math.floor(random() * 1e9);
      for (let i = 0; i < n; i++) {
        t += random() < 0.05 ? Math.floor(random() * 600_000) : 5000 + Math.floor(random() * 80) - 40;
        times[i] = t;
        flags[i] = random() < 0.1 ? FLAG_BREAK : random() < 0.05 ? FLAG_NO_PEERS : 0;
      }
      const prevT = random() < 0.2 ? null : times[0]! - 1 - Math.floor(random() * 1e6);
      const block = { n, times, flags, prevT, prevFlags: random() < 0.5 ? 0 : FLAG_NO_PEERS };
      const back = decodeTimeChunk(encodeTimeChunk(block));
      expect(back.n).toBe(n);
      expect(Array.from(back.times)).toEqual(Array.from(times));
      expect(Array.from(back.flags)).toEqual(Array.from(flags));
      expect(back.prevT).toBe(prevT);
      expect(back.prevFlags).toBe(block.prevFlags);
    }
  });

  it('cost about a byte per regular sample', () => {
    const n = 120;
    const times = Float64Array.from(
      { length: n },
      (_, i) => 1_750_000_000_000 + i * 5000 + ((i * 7919) % 41) - 20,
    );
    const bytes = encodeTimeChunk({ n, times, flags: new Uint8Array(n), prevT: null, prevFlags: 0 });
    expect(bytes.length).toBeLessThan(n * 1.6);
  });
});

describe('rollup chunks', () => {
  it('round-trip random records', () => {
    const random = makeRandom(6);
    for (let iter = 0; iter < 1000; iter++) {
      const columns = 1 + Math.floor(random() * 6);
      const buckets = 1 + Math.floor(random() * 60);
      const values = new Float64Array(columns * buckets);
      for (let i = 0; i < values.length; i++) values[i] = random() < 0.5 ? 0 : randomInt(random, true);
      const back = decodeRollupChunk(encodeRollupChunk(values, columns, buckets));
      expect(back.columns).toBe(columns);
      expect(back.buckets).toBe(buckets);
      expect(Array.from(back.values)).toEqual(Array.from(values));
    }
  });
});

describe('frames and checkpoints', () => {
  it('round-trip headers and entries', () => {
    const random = makeRandom(7);
    for (let iter = 0; iter < 300; iter++) {
      const header = {
        flags: Math.floor(random() * 4),
        intervalMs: 1000 + Math.floor(random() * 60_000),
        monotonic: random() < 0.1 ? null : Math.round(random() * 1e9) / 100,
        cpuTotal: random() < 0.1 ? null : randomInt(random, false),
        cpuIdle: random() < 0.1 ? null : randomInt(random, false),
      };
      const entries: [number, number, number][] = [];
      let sid = 0;
      for (let i = 0; i < Math.floor(random() * 50); i++) {
        sid += Math.floor(random() * 40) - 5;
        const tag = Math.floor(random() * (TAG_BACK_RESET + 1));
        const payload =
          tag === TAG_GONE
            ? 0
            : tag === 1 || tag === TAG_BACK_RESET
              ? randomInt(random, false)
              : randomInt(random, true);
        entries.push([Math.max(0, sid), tag, payload]);
      }
      const w = new ByteWriter();
      writeFrameHeader(w, header);
      let previous = 0;
      for (const [s, tag, payload] of entries) {
        writeFrameEntry(w, s - previous, tag, payload);
        previous = s;
      }
      const r = new ByteReader(w.toBytes());
      expect(readFrameHeader(r)).toEqual(header);
      const back: [number, number, number][] = [];
      readFrameEntries(r, (s, tag, payload) => back.push([s, tag, payload]));
      expect(back).toEqual(entries);
    }
  });

  it('round-trip checkpoints', () => {
    const random = makeRandom(8);
    const series = Array.from({ length: 500 }, (_, i) => ({
      sid: i * 3 + 1,
      present: random() < 0.8,
      seen: true,
      value: randomInt(random, false),
      offset: randomInt(random, false),
    }));
    const server = {
      lastT: 1_750_000_000_123,
      lastFlags: 2,
      intervalMs: 5000,
      monotonic: 1234.56,
      cpuTotal: 99,
      cpuIdle: null,
    };
    expect(decodeCheckpoint(encodeCheckpoint(server, series))).toEqual({ server, series });
  });
});

describe('rate quantization', () => {
  it('is exact below 4096, monotonic, and within 1/2048 above', () => {
    const random = makeRandom(9);
    for (let m = 0; m < 4096; m++) expect(dequantizeRate(quantizeRate(m))).toBe(m);
    let previousQ = -1;
    let previousM = -1;
    const samples = Array.from({ length: 50_000 }, () => Math.floor(2 ** (random() * 46))).sort(
      (a, b) => a - b,
    );
    for (const m of samples) {
      const q = quantizeRate(m);
      if (m > previousM) expect(q).toBeGreaterThanOrEqual(previousQ);
      previousQ = q;
      previousM = m;
      const back = dequantizeRate(q);
      expect(Math.abs(back - m) / Math.max(1, m)).toBeLessThan(1 / 2048);
    }
    for (let e = 12; e < 46; e++) {
      for (const m of [2 ** e - 1, 2 ** e, 2 ** e + 1]) {
        expect(Math.abs(dequantizeRate(quantizeRate(m)) - m) / m).toBeLessThan(1 / 2048);
      }
    }
  });
});
