/**
 * Byte codecs of the history store. Everything is integers: varints (LEB128, exact up to 2^53 with
 * plain arithmetic, no BigInt), zigzag for signed values, and "token streams" — the compressed form of a
 * column of numbers:
 *
 *   varint x, x odd  → a run of (x >> 1) + 1 zeros
 *             x even → one value, unzigzag(x / 2)
 *
 * A series chunk stores per-sample deltas of a value (mode DELTA) or deltas of those deltas (mode DOD),
 * whichever is smaller; idle stretches are zero runs, a missing tail is implicit zeros. Timestamps live
 * once per server and block in a time chunk (delta-of-delta + two flag bits per sample).
 */

export class CorruptDataError extends Error {
  constructor(what: string) {
    super(`history: corrupt ${what}`);
    this.name = 'CorruptDataError';
  }
}

const TWO_31 = 2 ** 31;

export function zigzag(n: number): number {
  return n < 0 ? -2 * n - 1 : 2 * n;
}

export function unzigzag(z: number): number {
  return z % 2 === 1 ? -(z + 1) / 2 : z / 2;
}

/** A growable byte buffer with varint writers. */
export class ByteWriter {
  buf: Uint8Array;
  len = 0;

  constructor(capacity = 64) {
    this.buf = new Uint8Array(capacity);
  }

  reset(): void {
    this.len = 0;
  }

  #grow(extra: number): void {
    let size = this.buf.length * 2;
    while (size < this.len + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  byte(b: number): void {
    if (this.len + 1 > this.buf.length) this.#grow(1);
    this.buf[this.len++] = b;
  }

  /** Unsigned varint; `v` must be an integer in [0, 2^53). */
  uvar(v: number): void {
    if (this.len + 10 > this.buf.length) this.#grow(10);
    const buf = this.buf;
    let len = this.len;
    if (v < TWO_31) {
      while (v > 0x7f) {
        buf[len++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      buf[len++] = v;
    } else {
      while (v >= 0x80) {
        buf[len++] = (v % 0x80) | 0x80;
        v = Math.floor(v / 0x80);
      }
      buf[len++] = v;
    }
    this.len = len;
  }

  svar(v: number): void {
    this.uvar(zigzag(v));
  }

  bytes(data: Uint8Array): void {
    if (this.len + data.length > this.buf.length) this.#grow(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
  }

  /** A copy of the written bytes. */
  toBytes(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

export class ByteReader {
  readonly buf: Uint8Array;
  pos: number;
  readonly end: number;

  constructor(buf: Uint8Array, pos = 0, end = buf.length) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  byte(): number {
    if (this.pos >= this.end) throw new CorruptDataError('varint (truncated)');
    return this.buf[this.pos++]!;
  }

  uvar(): number {
    const buf = this.buf;
    let pos = this.pos;
    const end = this.end;
    if (pos >= end) throw new CorruptDataError('varint (truncated)');
    let b = buf[pos++]!;
    if (b < 0x80) {
      this.pos = pos;
      return b;
    }
    let v = b & 0x7f;
    let mul = 0x80;
    for (let i = 1; i < 8; i++) {
      if (pos >= end) throw new CorruptDataError('varint (truncated)');
      b = buf[pos++]!;
      v += (b & 0x7f) * mul;
      if (b < 0x80) {
        this.pos = pos;
        return v;
      }
      mul *= 0x80;
    }
    throw new CorruptDataError('varint (too long)');
  }

  svar(): number {
    return unzigzag(this.uvar());
  }
}

// ---------------------------------------------------------------------------------------------------
// Token streams

/** Appends a run of `count` ≥ 1 zeros. */
export function writeZeroRun(w: ByteWriter, count: number): void {
  w.uvar((count - 1) * 2 + 1);
}

/** Appends one value (any integer, zero included). */
export function writeValue(w: ByteWriter, value: number): void {
  w.uvar(zigzag(value) * 2);
}

/**
 * Encodes `values[0..n)`. With `trimTail` a trailing run of zeros is left out (readers know n and
 * fill the tail with zeros).
 */
export function writeTokens(w: ByteWriter, values: ArrayLike<number>, n: number, trimTail: boolean): void {
  let zeros = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v === 0) {
      zeros++;
      continue;
    }
    if (zeros > 0) {
      writeZeroRun(w, zeros);
      zeros = 0;
    }
    writeValue(w, v);
  }
  if (zeros > 0 && !trimTail) writeZeroRun(w, zeros);
}

/** Decodes tokens into `out[0..n)`; whatever the stream leaves unset is zero. */
export function readTokens(r: ByteReader, out: Float64Array, n: number): void {
  let i = 0;
  while (i < n && !r.done) {
    const x = r.uvar();
    if (x % 2 === 1) {
      const run = (x - 1) / 2 + 1;
      if (i + run > n) throw new CorruptDataError('token stream (run past end)');
      for (let k = 0; k < run; k++) out[i++] = 0;
    } else {
      out[i++] = unzigzag(x / 2);
    }
  }
  while (i < n) out[i++] = 0;
}

// ---------------------------------------------------------------------------------------------------
// Series chunks

export const MODE_DELTA = 0;
export const MODE_DOD = 1;

let scratchDeltas = new Float64Array(256);
let scratchDod = new Float64Array(256);

function scratch(n: number): [Float64Array, Float64Array] {
  if (scratchDeltas.length < n) {
    scratchDeltas = new Float64Array(n * 2);
    scratchDod = new Float64Array(n * 2);
  }
  return [scratchDeltas, scratchDod];
}

/**
 * A series chunk: `mode`, `base` (the value before the block's first sample), then tokens of per-sample
 * deltas (DELTA) or delta-of-deltas (DOD), tail trimmed. Encodes both, keeps the smaller.
 */
export function encodeSeriesChunk(base: number, deltas: Float64Array, n: number): Uint8Array {
  const plain = new ByteWriter(16 + n);
  plain.uvar(MODE_DELTA);
  plain.svar(base);
  writeTokens(plain, deltas, n, true);
  if (n < 8) return plain.toBytes();
  const [, dod] = scratch(n);
  let previous = 0;
  for (let i = 0; i < n; i++) {
    const d = deltas[i]!;
    dod[i] = d - previous;
    previous = d;
  }
  const second = new ByteWriter(plain.len + 8);
  second.uvar(MODE_DOD);
  second.svar(base);
  writeTokens(second, dod, n, true);
  return second.len < plain.len ? second.toBytes() : plain.toBytes();
}

/** Decodes a series chunk into per-sample deltas; returns the base. */
export function decodeSeriesChunk(data: Uint8Array, n: number, deltas: Float64Array): number {
  const r = new ByteReader(data);
  const mode = r.uvar();
  const base = r.svar();
  readTokens(r, deltas, n);
  if (mode === MODE_DOD) {
    let d = 0;
    for (let i = 0; i < n; i++) {
      d += deltas[i]!;
      deltas[i] = d;
    }
  } else if (mode !== MODE_DELTA) {
    throw new CorruptDataError(`series chunk (mode ${mode})`);
  }
  return base;
}

/**
 * Turns the in-memory form of a block (DELTA tokens written incrementally, tail trimmed, no header)
 * into a chunk. A sparse series (fewer token bytes than samples) keeps its DELTA tokens as they are —
 * delta-of-delta only pays when nearly every sample changes; a dense one gets the smaller of the two.
 */
export function finishSeriesChunk(base: number, tokens: Uint8Array, n: number): Uint8Array {
  if (tokens.length < n) {
    const w = new ByteWriter(tokens.length + 12);
    w.uvar(MODE_DELTA);
    w.svar(base);
    w.bytes(tokens);
    return w.toBytes();
  }
  const [deltas] = scratch(n);
  readTokens(new ByteReader(tokens), deltas, n);
  return encodeSeriesChunk(base, deltas, n);
}

// ---------------------------------------------------------------------------------------------------
// Time chunks

/** Sample flag: the step from the previous sample is not continuous (app stopped, server lost, long pause). */
export const FLAG_BREAK = 1;
/** Sample flag: `wg` failed this round, so no peer data exists at this sample. */
export const FLAG_NO_PEERS = 2;

export interface TimeBlock {
  n: number;
  times: Float64Array;
  flags: Uint8Array;
  /** The sample before the block's first one (null: none ever), and its flags. */
  prevT: number | null;
  prevFlags: number;
}

export function encodeTimeChunk(block: TimeBlock): Uint8Array {
  const { n, times, flags } = block;
  const w = new ByteWriter(16 + n * 2);
  w.uvar(n);
  if (n === 0) return w.toBytes();
  const t0 = times[0]!;
  w.uvar(t0);
  w.uvar(block.prevT === null ? 0 : t0 - block.prevT + 1);
  w.uvar(block.prevFlags);
  w.uvar(flags[0]!);
  let previousDelta = 0;
  for (let i = 1; i < n; i++) {
    const delta = times[i]! - times[i - 1]!;
    w.uvar(zigzag(delta - previousDelta) * 4 + flags[i]!);
    previousDelta = delta;
  }
  return w.toBytes();
}

export function decodeTimeChunk(data: Uint8Array): TimeBlock {
  const r = new ByteReader(data);
  const n = r.uvar();
  const times = new Float64Array(n);
  const flags = new Uint8Array(n);
  if (n === 0) return { n, times, flags, prevT: null, prevFlags: 0 };
  const t0 = r.uvar();
  const prevGap = r.uvar();
  const prevFlags = r.uvar();
  times[0] = t0;
  flags[0] = r.uvar();
  let delta = 0;
  for (let i = 1; i < n; i++) {
    const x = r.uvar();
    flags[i] = x % 4;
    delta += unzigzag(Math.floor(x / 4));
    times[i] = times[i - 1]! + delta;
  }
  return { n, times, flags, prevT: prevGap === 0 ? null : t0 - prevGap + 1, prevFlags };
}

// ---------------------------------------------------------------------------------------------------
// Rollup chunks: `columns` × `buckets` integers, column-major, each column delta-coded bucket to bucket.

export function encodeRollupChunk(values: Float64Array, columns: number, buckets: number): Uint8Array {
  const w = new ByteWriter(16 + columns * buckets);
  w.uvar(columns);
  w.uvar(buckets);
  const deltas = new Float64Array(buckets);
  for (let c = 0; c < columns; c++) {
    let previous = 0;
    for (let b = 0; b < buckets; b++) {
      const v = values[b * columns + c]!;
      deltas[b] = v - previous;
      previous = v;
    }
    writeTokens(w, deltas, buckets, false);
  }
  return w.toBytes();
}

let rollupColumn = new Float64Array(64);

/** Decodes into a new row-major array (`buckets × columns`). */
export function decodeRollupChunk(data: Uint8Array): {
  values: Float64Array;
  columns: number;
  buckets: number;
} {
  const r = new ByteReader(data);
  const columns = r.uvar();
  const buckets = r.uvar();
  if (columns > 64 || buckets > 100_000) throw new CorruptDataError('rollup chunk header');
  const values = new Float64Array(columns * buckets);
  if (rollupColumn.length < buckets) rollupColumn = new Float64Array(buckets);
  const column = rollupColumn;
  for (let c = 0; c < columns; c++) {
    readTokens(r, column, buckets);
    let v = 0;
    for (let b = 0; b < buckets; b++) {
      v += column[b]!;
      values[b * columns + c] = v;
    }
  }
  return { values, columns, buckets };
}

// ---------------------------------------------------------------------------------------------------
// Frames (the write-ahead rows: one per server and poll) and checkpoints.

/** Token tags of a frame entry. */
export const TAG_DELTA = 0;
/** Counter reset: payload is the post-reset raw value, added to the cumulative. */
export const TAG_RESET = 1;
/** First sight of a series: payload is its absolute value. */
export const TAG_NEW = 2;
/** The series is absent from this poll on. */
export const TAG_GONE = 3;
/** Back after an absence, with a delta. */
export const TAG_BACK = 4;
/** Back after an absence with a counter reset. */
export const TAG_BACK_RESET = 5;

export interface FrameHeader {
  flags: number;
  intervalMs: number;
  /** Server monotonic seconds, null when unknown. */
  monotonic: number | null;
  cpuTotal: number | null;
  cpuIdle: number | null;
}

function writeNullable(w: ByteWriter, v: number | null): void {
  w.uvar(v === null || !Number.isFinite(v) || v < 0 ? 0 : Math.round(v) + 1);
}

function readNullable(r: ByteReader): number | null {
  const x = r.uvar();
  return x === 0 ? null : x - 1;
}

export function writeFrameHeader(w: ByteWriter, h: FrameHeader): void {
  w.uvar(1); // format version
  w.uvar(h.flags);
  w.uvar(h.intervalMs);
  writeNullable(w, h.monotonic === null ? null : h.monotonic * 1000);
  writeNullable(w, h.cpuTotal);
  writeNullable(w, h.cpuIdle);
}

export function readFrameHeader(r: ByteReader): FrameHeader {
  const version = r.uvar();
  if (version !== 1) throw new CorruptDataError(`frame (version ${version})`);
  const flags = r.uvar();
  const intervalMs = r.uvar();
  const monotonicMs = readNullable(r);
  return {
    flags,
    intervalMs,
    monotonic: monotonicMs === null ? null : monotonicMs / 1000,
    cpuTotal: readNullable(r),
    cpuIdle: readNullable(r),
  };
}

/** One entry: series id (delta from the previous entry's, signed) with the tag, then the payload. */
export function writeFrameEntry(w: ByteWriter, sidDelta: number, tag: number, payload: number): void {
  w.uvar(zigzag(sidDelta) * 8 + tag);
  if (tag === TAG_RESET || tag === TAG_BACK_RESET) w.uvar(payload);
  else if (tag !== TAG_GONE) w.svar(payload);
}

export function readFrameEntries(
  r: ByteReader,
  visit: (sid: number, tag: number, payload: number) => void,
): void {
  let sid = 0;
  while (!r.done) {
    const x = r.uvar();
    const tag = x % 8;
    if (tag > TAG_BACK_RESET) throw new CorruptDataError(`frame entry (tag ${tag})`);
    sid += unzigzag(Math.floor(x / 8));
    let payload = 0;
    if (tag === TAG_RESET || tag === TAG_BACK_RESET) payload = r.uvar();
    else if (tag !== TAG_GONE) payload = r.svar();
    visit(sid, tag, payload);
  }
}

export interface CheckpointServer {
  lastT: number | null;
  lastFlags: number;
  intervalMs: number;
  monotonic: number | null;
  cpuTotal: number | null;
  cpuIdle: number | null;
}

export interface CheckpointSeries {
  sid: number;
  present: boolean;
  seen: boolean;
  value: number;
  offset: number;
}

/** Series state as parallel arrays (captured cheaply when a block is sealed, encoded later). */
export interface CheckpointArrays {
  count: number;
  sids: Float64Array;
  values: Float64Array;
  offsets: Float64Array;
  /** bit 0 present, bit 1 seen */
  states: Uint8Array;
}

export function encodeCheckpoint(server: CheckpointServer, series: Iterable<CheckpointSeries>): Uint8Array {
  const list = [...series];
  const arrays: CheckpointArrays = {
    count: list.length,
    sids: Float64Array.from(list, (s) => s.sid),
    values: Float64Array.from(list, (s) => s.value),
    offsets: Float64Array.from(list, (s) => s.offset),
    states: Uint8Array.from(list, (s) => (s.present ? 1 : 0) + (s.seen ? 2 : 0)),
  };
  return encodeCheckpointArrays(server, arrays);
}

export function encodeCheckpointArrays(server: CheckpointServer, a: CheckpointArrays): Uint8Array {
  const w = new ByteWriter(64 + a.count * 8);
  w.uvar(1);
  writeNullable(w, server.lastT);
  w.uvar(server.lastFlags);
  w.uvar(server.intervalMs);
  writeNullable(w, server.monotonic === null ? null : server.monotonic * 1000);
  writeNullable(w, server.cpuTotal);
  writeNullable(w, server.cpuIdle);
  let previous = 0;
  for (let i = 0; i < a.count; i++) {
    const sid = a.sids[i]!;
    w.svar(sid - previous);
    previous = sid;
    w.uvar(a.states[i]!);
    w.svar(a.values[i]!);
    w.svar(a.offsets[i]!);
  }
  return w.toBytes();
}

export function decodeCheckpoint(data: Uint8Array): { server: CheckpointServer; series: CheckpointSeries[] } {
  const r = new ByteReader(data);
  const version = r.uvar();
  if (version !== 1) throw new CorruptDataError(`checkpoint (version ${version})`);
  const lastT = readNullable(r);
  const lastFlags = r.uvar();
  const intervalMs = r.uvar();
  const monotonicMs = readNullable(r);
  const server: CheckpointServer = {
    lastT,
    lastFlags,
    intervalMs,
    monotonic: monotonicMs === null ? null : monotonicMs / 1000,
    cpuTotal: readNullable(r),
    cpuIdle: readNullable(r),
  };
  const series: CheckpointSeries[] = [];
  let sid = 0;
  while (!r.done) {
    sid += r.svar();
    const state = r.uvar();
    series.push({
      sid,
      present: (state & 1) === 1,
      seen: (state & 2) === 2,
      value: r.svar(),
      offset: r.svar(),
    });
  }
  return { server, series };
}
