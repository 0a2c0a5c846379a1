/**
 * In-memory model of the history store: entities (a server's system, a netdev interface, a peer), their
 * series, and per server the open block (samples not compacted yet, also in `frame` rows) and sealed
 * blocks waiting for compaction.
 */
import { COUNTER_NAMES } from '../../../shared/domain.ts';
import type { ByteWriter, CheckpointArrays, CheckpointServer, TimeBlock } from './codec.ts';
import { SeriesColumns, STATE_PRESENT, STATE_SEEN } from './series-columns.ts';

export const KIND_SYSTEM = 0;
export const KIND_IFACE = 1;
export const KIND_PEER = 2;

/** Cumulative, reset-adjusted counter (bytes, packets…): charts show its rate. */
export const TYPE_COUNTER = 0;
/** A level (CPU %, memory…). */
export const TYPE_GAUGE = 1;
/** A value whose changes are events (latest handshake). */
export const TYPE_MARKER = 2;

export const SYSTEM_METRICS = ['cpu', 'memUsed', 'memTotal', 'diskUsed', 'diskTotal', 'load1'] as const;
export type SystemMetricName = (typeof SYSTEM_METRICS)[number];
export const SYS_CPU = 0;
export const SYS_MEM_USED = 1;
export const SYS_MEM_TOTAL = 2;
export const SYS_DISK_USED = 3;
export const SYS_DISK_TOTAL = 4;
export const SYS_LOAD1 = 5;
/** Stored integers: CPU in hundredths of a percent, load in hundredths. */
export const CPU_SCALE = 100;
export const LOAD_SCALE = 100;

export const PEER_RX = 0;
export const PEER_TX = 1;
export const PEER_HANDSHAKE = 2;

/** Series id = entity id × 16 + metric. */
export const SID_SHIFT = 16;

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** Raw blocks: frames are compacted into chunks per 10 minutes of data. */
export const BLOCK_MS = 600_000;

export const TIER_RAW = 0;
export const TIER_MINUTE = 1;
export const TIER_HOUR = 2;
/** Rollup tiers: bucket width and the span of one chunk row. */
export const TIER_BUCKET_MS = [0, MINUTE_MS, HOUR_MS] as const;
export const TIER_BLOCK_MS = [BLOCK_MS, HOUR_MS, DAY_MS] as const;

/** Gap rule: consecutive samples further apart than this many poll intervals are not continuous. */
export const GAP_FACTOR = 2.5;

export const EVENT_GONE = 1;
/** Also written at a series' first sight. */
export const EVENT_BACK = 2;
export const EVENT_ENDPOINT = 3;

export function metricCount(kind: number): number {
  return kind === KIND_SYSTEM ? SYSTEM_METRICS.length : kind === KIND_IFACE ? COUNTER_NAMES.length : 3;
}

export function seriesType(kind: number, metric: number): number {
  if (kind === KIND_SYSTEM) return TYPE_GAUGE;
  if (kind === KIND_PEER && metric === PEER_HANDSHAKE) return TYPE_MARKER;
  return TYPE_COUNTER;
}

/** The metric whose gone/back events say whether `metric` is present: an entity's first, a system
 *  metric's own (each of the server's figures can be missing on its own). */
export function presenceMetric(kind: number, metric: number): number {
  return kind === KIND_SYSTEM ? metric : 0;
}

/**
 * One metric of an entity: a view of its slot in the server's columns (series-columns.ts), made when
 * needed and dropped after. A 20,000-peer fleet has 60,000 series; as objects of their own they were
 * the largest part of the engine's memory per peer.
 */
export class Series {
  readonly entity: Entity;
  readonly metric: number;
  readonly #columns: SeriesColumns;
  readonly #slot: number;

  constructor(entity: Entity, metric: number) {
    this.entity = entity;
    this.metric = metric;
    this.#columns = entity.server.columns;
    this.#slot = entity.slot + metric;
  }

  get sid(): number {
    return this.entity.id * SID_SHIFT + this.metric;
  }

  get type(): number {
    return seriesType(this.entity.kind, this.metric);
  }

  /** The series whose gone/back events say whether this one is present (the entity's, system: its own). */
  get psid(): number {
    return this.entity.id * SID_SHIFT + presenceMetric(this.entity.kind, this.metric);
  }

  /** Whether its gone/back events are its entity's presence (a peer's or interface's first metric, every
   *  system metric): only these keep `presenceAt`. */
  get carriesPresence(): boolean {
    return presenceMetric(this.entity.kind, this.metric) === this.metric;
  }

  /** Counters: cumulative including every reset; gauges/markers: the value. */
  get value(): number {
    return this.#columns.value[this.#slot]!;
  }
  set value(v: number) {
    this.#columns.value[this.#slot] = v;
  }

  /** Counters: cumulative − the raw counter as last reported (changes only at resets). */
  get offset(): number {
    return this.#columns.offset[this.#slot]!;
  }
  set offset(v: number) {
    this.#columns.offset[this.#slot] = v;
  }

  get present(): boolean {
    return this.#hasState(STATE_PRESENT);
  }
  set present(on: boolean) {
    this.#setState(STATE_PRESENT, on);
  }

  get seen(): boolean {
    return this.#hasState(STATE_SEEN);
  }
  set seen(on: boolean) {
    this.#setState(STATE_SEEN, on);
  }

  #hasState(bit: number): boolean {
    return (this.#columns.state[this.#slot]! & bit) !== 0;
  }

  #setState(bit: number, on: boolean): void {
    const state = this.#columns.state;
    state[this.#slot] = on ? state[this.#slot]! | bit : state[this.#slot]! & ~bit;
  }

  /** Time of the latest gone/back event (presence series only): none since → present throughout. */
  get presenceAt(): number {
    return this.#columns.presenceAt[this.#slot]!;
  }
  set presenceAt(t: number) {
    this.#columns.presenceAt[this.#slot] = t;
  }

  /** The open block whose encoding `writer`, `base` and `lastIndex` are: only ever the server's open one. */
  get block(): OpenBlock | null {
    const open = this.entity.server.open;
    return open !== null && this.#columns.blockSerial[this.#slot] === open.serial ? open : null;
  }
  set block(block: OpenBlock | null) {
    this.#columns.blockSerial[this.#slot] = block === null ? 0 : block.serial;
  }

  /** Open-block encoding (DELTA tokens); no writer while every delta in it was zero. */
  get writer(): ByteWriter | null {
    return this.#columns.writers.get(this.#slot) ?? null;
  }
  set writer(w: ByteWriter | null) {
    if (w === null) this.#columns.writers.delete(this.#slot);
    else this.#columns.writers.set(this.#slot, w);
  }

  get base(): number {
    return this.#columns.base[this.#slot]!;
  }
  set base(v: number) {
    this.#columns.base[this.#slot] = v;
  }

  get lastIndex(): number {
    return this.#columns.lastIndex[this.#slot]!;
  }
  set lastIndex(i: number) {
    this.#columns.lastIndex[this.#slot] = i;
  }
}

export class Entity {
  readonly id: number;
  readonly server: ServerMem;
  readonly kind: number;
  readonly iface: string;
  readonly peer: string;
  wg: boolean;
  endpoint: string | null;
  /** Its first series' slot in the server's columns; metric m is at slot + m. */
  readonly slot: number;
  /** The record() that last saw it. */
  epoch = 0;

  constructor(
    id: number,
    server: ServerMem,
    kind: number,
    iface: string,
    peer: string,
    wg: boolean,
    endpoint: string | null,
  ) {
    this.id = id;
    this.server = server;
    this.kind = kind;
    this.iface = iface;
    this.peer = peer;
    this.wg = wg;
    this.endpoint = endpoint;
    this.slot = server.columns.allocate(metricCount(kind));
  }

  get metricCount(): number {
    return metricCount(this.kind);
  }

  /** Metric `m`'s series (a view: cheap, not to be kept). */
  series(m: number): Series {
    return new Series(this, m);
  }

  /** All its series, metric order. */
  allSeries(): Series[] {
    const all: Series[] = [];
    for (let m = 0; m < this.metricCount; m++) all.push(new Series(this, m));
    return all;
  }
}

/** Open blocks are told apart by serial in the columns (0: none). */
let nextBlockSerial = 1;

export class OpenBlock {
  readonly serial = nextBlockSerial++;
  readonly start: number;
  readonly times: number[] = [];
  readonly flags: number[] = [];
  readonly prevT: number | null;
  readonly prevFlags: number;
  /** sids of the series with an encoding in this block (numbers, not views: a view is made per use). */
  readonly touched: number[] = [];
  lastFrameId = 0;

  constructor(start: number, prevT: number | null, prevFlags: number) {
    this.start = start;
    this.prevT = prevT;
    this.prevFlags = prevFlags;
  }

  timeBlock(): TimeBlock {
    return {
      n: this.times.length,
      times: Float64Array.from(this.times),
      flags: Uint8Array.from(this.flags),
      prevT: this.prevT,
      prevFlags: this.prevFlags,
    };
  }
}

export interface SealedSeries {
  base: number;
  /** DELTA tokens without header (possibly empty: all zeros). */
  tokens: Uint8Array;
}

export interface SealedBlock {
  start: number;
  time: TimeBlock;
  series: Map<number, SealedSeries>;
  /** sids in `series`, in write order; compaction progresses through it across maintain() calls. */
  sids: number[];
  written: number;
  /** Server and series state at the end of the block, encoded when the compaction completes. */
  checkpoint: { server: CheckpointServer; series: CheckpointArrays };
  lastFrameId: number;
}

export class ServerMem {
  readonly id: number;
  readonly name: string;
  system!: Entity;
  readonly ifaces = new Map<string, Entity>();
  /** iface name → public key → peer entity. */
  readonly peers = new Map<string, Map<string, Entity>>();
  readonly entities: Entity[] = [];
  /** Every series' state (its entities' slots). */
  readonly columns = new SeriesColumns();
  intervalMs: number;
  lastT: number | null = null;
  lastFlags = 0;
  monotonic: number | null = null;
  cpuTotal: number | null = null;
  cpuIdle: number | null = null;
  /** Recording is closed (engine stop, server lost, app restart): the next sample starts a new segment. */
  stopped = true;
  /** Peers currently present (to skip looking for vanished ones when all were listed). */
  presentPeers = 0;
  /** Samples must not land in an already sealed block. */
  minNextT = 0;
  open: OpenBlock | null = null;
  readonly sealed: SealedBlock[] = [];
  epoch = 0;

  constructor(id: number, name: string, intervalMs: number) {
    this.id = id;
    this.name = name;
    this.intervalMs = intervalMs;
  }

  gapMs(): number {
    return GAP_FACTOR * this.intervalMs;
  }

  /** Memory blocks (sealed then open), oldest first. */
  memoryBlocks(): { start: number; sealed: SealedBlock | null; open: OpenBlock | null }[] {
    const blocks: { start: number; sealed: SealedBlock | null; open: OpenBlock | null }[] = [];
    for (const s of this.sealed) blocks.push({ start: s.start, sealed: s, open: null });
    if (this.open && this.open.times.length > 0)
      blocks.push({ start: this.open.start, sealed: null, open: this.open });
    return blocks;
  }
}
