/**
 * Public types of the history store (see README.md). Times are laptop milliseconds since the epoch;
 * rates are units per second; every series array is aligned with `t`. What a query returns is
 * inferred from its zod schema (declared once); queries are typed here, checked in `api.ts`.
 */
import { z } from 'zod';
import { COUNTER_NAMES, type InterfaceCounters } from './domain.ts';

export type CounterName = keyof InterfaceCounters;
export const tierSchema = z.enum(['raw', 'minute', 'hour']);
export type Tier = z.infer<typeof tierSchema>;
export type ServerMetric = 'cpu' | 'mem' | 'disk' | 'load1';

/** The shape only; the bounds a setting must keep are the settings schema's (`retentionSchema`). */
export const retentionShapeSchema = z.object({
  /** Raw poll-resolution samples. Default 48. */
  rawHours: z.number(),
  /** 1-minute rollups. Default 90. */
  minuteDays: z.number(),
  /** 1-hour rollups. Default 730. */
  hourDays: z.number(),
});
export type Retention = z.infer<typeof retentionShapeSchema>;

export const DEFAULT_RETENTION: Retention = { rawHours: 48, minuteDays: 90, hourDays: 730 };

export interface HistoryOptions {
  retention?: Partial<Retention>;
}

/** [start, end] in ms: no data (app not running, server unreachable, peer absent, `wg` failing). */
export const gapRangeSchema = z.tuple([z.number(), z.number()]);
export type GapRange = z.infer<typeof gapRangeSchema>;

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

/** Where a chart's points came from: this laptop's store, or VictoriaMetrics (spans local lacks). */
export const SERIES_SOURCES = ['local', 'victoria-metrics'] as const;
export type SeriesSource = (typeof SERIES_SOURCES)[number];

/** `[from, to)` in ms: consecutive buckets with data that came from one source. */
export const sourceSpanSchema = z.object({
  from: z.number(),
  to: z.number(),
  source: z.enum(SERIES_SOURCES),
});
export type SourceSpan = z.infer<typeof sourceSpanSchema>;

const seriesFrameSchema = z.object({
  /** Bucket starts; bucket i covers [t[i], t[i] + step). */
  t: z.array(z.number()),
  /** Bucket width in ms. */
  step: z.number(),
  /** The tier that served the range (older or not-yet-rolled-up parts may come from another). */
  tier: tierSchema,
  gaps: z.array(gapRangeSchema),
  /**
   * Which buckets came from where, oldest first; buckets without data are in no span. Absent: all
   * local (the store alone answers without it; the engine adds it when it merges VictoriaMetrics).
   */
  sources: z.array(sourceSpanSchema).optional(),
  /**
   * Present when chart reads from VictoriaMetrics are on: `error` says why it could not be read this
   * time (the chart then shows local data only); null when it answered or was not needed.
   */
  victoriaMetrics: z.object({ error: z.string().nullable() }).optional(),
});

/** One value per bucket; null where the bucket has no data. */
const values = z.array(z.number().nullable());

/** Per bucket: average rate (Δ / Δt over the bucket's continuous steps), lowest and highest step rate. */
export const rateSeriesSchema = z.object({ rate: values, min: values, max: values });
export type RateSeries = z.infer<typeof rateSeriesSchema>;

export const gaugeSeriesSchema = z.object({ avg: values, min: values, max: values });
export type GaugeSeries = z.infer<typeof gaugeSeriesSchema>;

export const peerSeriesSchema = seriesFrameSchema.extend({
  rxRate: values,
  rxMin: values,
  rxMax: values,
  txRate: values,
  txMin: values,
  txMax: values,
});
export type PeerSeries = z.infer<typeof peerSeriesSchema>;

export const interfaceSeriesSchema = seriesFrameSchema.extend({
  counters: z.partialRecord(z.enum(COUNTER_NAMES), rateSeriesSchema),
});
export type InterfaceSeries = z.infer<typeof interfaceSeriesSchema>;

export const serverSeriesSchema = seriesFrameSchema.extend({
  /** Percent 0..100. */
  cpu: gaugeSeriesSchema.optional(),
  memUsed: gaugeSeriesSchema.optional(),
  memTotal: gaugeSeriesSchema.optional(),
  diskUsed: gaugeSeriesSchema.optional(),
  diskTotal: gaugeSeriesSchema.optional(),
  load1: gaugeSeriesSchema.optional(),
});
export type ServerSeries = z.infer<typeof serverSeriesSchema>;

export const fleetSeriesSchema = seriesFrameSchema.extend({
  /** Sum over every server's WireGuard interfaces (netdev counters), bytes/s. */
  rxRate: values,
  txRate: values,
  /** How many servers contributed to each bucket. */
  servers: z.array(z.number()),
});
export type FleetSeries = z.infer<typeof fleetSeriesSchema>;

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

export const usageBucketSchema = z.object({
  start: z.number(),
  end: z.number(),
  rxBytes: z.number(),
  txBytes: z.number(),
});
export type UsageBucket = z.infer<typeof usageBucketSchema>;

export interface EventQuery {
  server: string;
  iface: string;
  peer: string;
  from: number;
  to: number;
}

export const handshakeEventSchema = z.object({
  /** When the store first saw this handshake (ms). */
  t: z.number(),
  /** The handshake's time as the server reported it (unix seconds). */
  handshake: z.number(),
});
export type HandshakeEvent = z.infer<typeof handshakeEventSchema>;

export const endpointEventSchema = z.object({
  t: z.number(),
  /** null: the peer has no endpoint any more. */
  endpoint: z.string().nullable(),
});
export type EndpointEvent = z.infer<typeof endpointEventSchema>;

/** `history:events`: a peer's handshakes and endpoint changes in a range. */
export const peerEventsSchema = z.object({
  handshakes: z.array(handshakeEventSchema),
  endpoints: z.array(endpointEventSchema),
});
export type PeerEvents = z.infer<typeof peerEventsSchema>;

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
