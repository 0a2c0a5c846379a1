/**
 * Public types of the history store (see README.md). Times are laptop milliseconds since the epoch;
 * rates are units per second; every series array is aligned with `t`.
 */
import type { InterfaceCounters } from './domain.ts';

export type CounterName = keyof InterfaceCounters;
export type Tier = 'raw' | 'minute' | 'hour';
export type ServerMetric = 'cpu' | 'mem' | 'disk' | 'load1';

export interface Retention {
  /** Raw poll-resolution samples. Default 48. */
  rawHours: number;
  /** 1-minute rollups. Default 90. */
  minuteDays: number;
  /** 1-hour rollups. Default 730. */
  hourDays: number;
}

export const DEFAULT_RETENTION: Retention = { rawHours: 48, minuteDays: 90, hourDays: 730 };

export interface HistoryOptions {
  retention?: Partial<Retention>;
}

/** [start, end] in ms: no data (app not running, server unreachable, peer absent, `wg` failing). */
export type GapRange = [number, number];

interface RangeQuery {
  from: number;
  to: number;
  /** Maximum number of points (the chart's pixel width). */
  points: number;
  /** Force a tier (tests, debugging); by default the store picks one from the range and `points`. */
  tier?: Tier;
}

export interface PeerQuery extends RangeQuery {
  server: string;
  iface: string;
  /** The peer's public key. */
  peer: string;
}

export interface InterfaceQuery extends RangeQuery {
  server: string;
  iface: string;
  counters: readonly CounterName[];
}

export interface ServerQuery extends RangeQuery {
  server: string;
  metrics: readonly ServerMetric[];
}

export type FleetQuery = RangeQuery;

interface SeriesFrame {
  /** Bucket starts; bucket i covers [t[i], t[i] + step). */
  t: number[];
  /** Bucket width in ms. */
  step: number;
  /** The tier that served the range (older or not-yet-rolled-up parts may come from another). */
  tier: Tier;
  gaps: GapRange[];
}

/** Per bucket: average rate (Δ / Δt over the bucket's continuous steps), lowest and highest step rate. */
export interface RateSeries {
  rate: (number | null)[];
  min: (number | null)[];
  max: (number | null)[];
}

export interface GaugeSeries {
  avg: (number | null)[];
  min: (number | null)[];
  max: (number | null)[];
}

export interface PeerSeries extends SeriesFrame {
  rxRate: (number | null)[];
  rxMin: (number | null)[];
  rxMax: (number | null)[];
  txRate: (number | null)[];
  txMin: (number | null)[];
  txMax: (number | null)[];
}

export interface InterfaceSeries extends SeriesFrame {
  counters: Partial<Record<CounterName, RateSeries>>;
}

export interface ServerSeries extends SeriesFrame {
  /** Percent 0..100. */
  cpu?: GaugeSeries;
  memUsed?: GaugeSeries;
  memTotal?: GaugeSeries;
  diskUsed?: GaugeSeries;
  diskTotal?: GaugeSeries;
  load1?: GaugeSeries;
}

export interface FleetSeries extends SeriesFrame {
  /** Sum over every server's WireGuard interfaces (netdev counters), bytes/s. */
  rxRate: (number | null)[];
  txRate: (number | null)[];
  /** How many servers contributed to each bucket. */
  servers: number[];
}

export interface UsageQuery {
  server: string;
  iface: string;
  /** A peer's public key; omitted: the interface's own counters. */
  peer?: string;
  /** Local-time days or months (the process's time zone). */
  by: 'day' | 'month';
  from: number;
  to: number;
}

export interface UsageBucket {
  start: number;
  end: number;
  rxBytes: number;
  txBytes: number;
}

export interface EventQuery {
  server: string;
  iface: string;
  peer: string;
  from: number;
  to: number;
}

export interface HandshakeEvent {
  /** When the store first saw this handshake (ms). */
  t: number;
  /** The handshake's time as the server reported it (unix seconds). */
  handshake: number;
}

export interface EndpointEvent {
  t: number;
  /** null: the peer has no endpoint any more. */
  endpoint: string | null;
}

export interface MaintainResult {
  /** Server blocks (10 min of frames) compacted into chunks. */
  compacted: number;
  /** Rollup rows written (minute and hour tiers). */
  rolledUp: number;
  /** Rows deleted by retention. */
  deleted: number;
  /** True when nothing is left to do right now. */
  idle: boolean;
}

export interface StoreStats {
  servers: number;
  entities: number;
  /** Frame rows not compacted yet. */
  frames: number;
  rows: { raw: number; minute: number; hour: number };
  bytes: { raw: number; minute: number; hour: number; frames: number };
  pageSize: number;
  pages: number;
  freePages: number;
}
