import { z } from 'zod';
import { errorDetailsSchema } from './error-details.ts';

/**
 * Domain types shared by the engine, the CLI and the UI.
 *
 * Read models only: what the engine knows about a server. Fields document their "zero" meaning
 * (null = unknown / not applicable) so no consumer has to guess. Each type is inferred from its zod
 * schema (declared once); the schemas check results in tests and at boundaries, never per poll.
 */

/** The nine kernel counters of a network interface (`/proc/net/dev`), as the server reports them. */
export const interfaceCountersSchema = z.object({
  rxBytes: z.number(),
  txBytes: z.number(),
  rxPackets: z.number(),
  txPackets: z.number(),
  rxErrors: z.number(),
  txErrors: z.number(),
  rxDropped: z.number(),
  txDropped: z.number(),
  multicast: z.number(),
});
export type InterfaceCounters = z.infer<typeof interfaceCountersSchema>;

export const COUNTER_NAMES = [
  'rxBytes',
  'txBytes',
  'rxPackets',
  'txPackets',
  'rxErrors',
  'txErrors',
  'rxDropped',
  'txDropped',
  'multicast',
] as const satisfies readonly (keyof InterfaceCounters)[];

const rate = z.number().nullable();

/** Per-second rates of the same counters; null until two samples exist. */
export const interfaceRatesSchema = z.object({
  rxBytes: rate,
  txBytes: rate,
  rxPackets: rate,
  txPackets: rate,
  rxErrors: rate,
  txErrors: rate,
  rxDropped: rate,
  txDropped: rate,
  multicast: rate,
});
export type InterfaceRates = z.infer<typeof interfaceRatesSchema>;

/** Rates before a second sample exists. */
export const NULL_RATES: Readonly<InterfaceRates> = Object.freeze({
  rxBytes: null,
  txBytes: null,
  rxPackets: null,
  txPackets: null,
  rxErrors: null,
  txErrors: null,
  rxDropped: null,
  txDropped: null,
  multicast: null,
});

/** One peer as parsed from `wg show all dump`. Secrets never leave the server: see the remote script. */
export const peerDumpSchema = z.object({
  publicKey: z.string(),
  /** Whether a preshared key is configured. The key itself is never transferred. */
  presharedKey: z.boolean(),
  /** `host:port` or `[v6]:port`; null when the peer has never been seen (`(none)`). */
  endpoint: z.string().nullable(),
  allowedIps: z.array(z.string()),
  /** Unix seconds of the latest handshake; null when there has been none (`0`). */
  latestHandshake: z.number().nullable(),
  /** Bytes received from the peer (the server's view). */
  rxBytes: z.number(),
  /** Bytes sent to the peer (the server's view). */
  txBytes: z.number(),
  /** Seconds; null when off. */
  persistentKeepalive: z.number().nullable(),
});
export type PeerDump = z.infer<typeof peerDumpSchema>;

export const interfaceDumpSchema = z.object({
  name: z.string(),
  /** null when the interface has no private key yet (`(none)` in the dump), hence no public key. */
  publicKey: z.string().nullable(),
  /** null when the interface has no listen port (`0` in the dump, i.e. not listening). */
  listenPort: z.number().nullable(),
  /** null when off. */
  fwmark: z.number().nullable(),
  peers: z.array(peerDumpSchema),
});
export type InterfaceDump = z.infer<typeof interfaceDumpSchema>;

const metric = z.number().nullable();

/** System metrics read from /proc and df on the server. Each is null when the server did not report it. */
export const systemSampleSchema = z.object({
  /** Sum of the `cpu` line of /proc/stat (jiffies), and the idle+iowait part, for delta-based usage. */
  cpuTotalJiffies: metric,
  cpuIdleJiffies: metric,
  cpuCount: metric,
  memTotalBytes: metric,
  memAvailableBytes: metric,
  diskTotalBytes: metric,
  diskUsedBytes: metric,
  load1: metric,
  load5: metric,
  load15: metric,
  uptimeSeconds: metric,
});
export type SystemSample = z.infer<typeof systemSampleSchema>;

/** One address's answer in a ping round: `error` when ping itself could not run (not a lost reply). */
export const pingResultSchema = z.object({
  address: z.string(),
  ok: z.boolean(),
  rttMs: z.number().nullable(),
  error: z.string().nullable(),
});
/** A finished round of ping checks run on the server; `at` is its end, server clock, unix seconds. */
export const pingRoundSchema = z.object({ at: z.number(), results: z.array(pingResultSchema) });
export type PingRound = z.infer<typeof pingRoundSchema>;

/** One frame from the remote collector, parsed. Times are the server's, never the laptop's. */
export const snapshotSchema = z.object({
  seq: z.number(),
  /** Server wall clock, unix seconds (used for handshake ages). */
  serverTime: z.number(),
  /** Server monotonic seconds (/proc/uptime), used for rates so clock steps never distort them. */
  monotonic: z.number(),
  interfaces: z.array(interfaceDumpSchema),
  /** Counters of every interface in /proc/net/dev, keyed by name (WireGuard and others). */
  netdev: z.record(z.string(), interfaceCountersSchema),
  system: systemSampleSchema,
  /** Set when `wg` itself failed this round (e.g. sudo refused); interfaces is then empty. */
  wgError: z.string().nullable(),
  /** The ping round that ended since the last frame, or null (most frames). */
  ping: pingRoundSchema.nullable(),
});
export type Snapshot = z.infer<typeof snapshotSchema>;

/**
 * `idle`: no recent handshake from a peer the server sends no keepalives to, and no failing ping
 * check: WireGuard is silent while nothing is sent, so that is quiet, not down (seed 002).
 */
export const peerStatusSchema = z.enum(['online', 'stale', 'idle', 'offline', 'never']);
export type PeerStatus = z.infer<typeof peerStatusSchema>;

/**
 * What decides a peer's status: its handshake age, its ping check, or either (online when one says
 * so). Ping needs the ping checks on; until a peer has a check result its handshake decides.
 */
export const STATUS_RULES = ['handshake', 'ping', 'either'] as const;
export const statusRuleSchema = z.enum(STATUS_RULES);
export type StatusRule = z.infer<typeof statusRuleSchema>;

/** The shape only; the bounds a setting must keep are the settings schema's. */
export const statusThresholdsSchema = z.object({
  /** A handshake younger than this is `online`. Default 120 s. */
  onlineSeconds: z.number(),
  /** Younger than this (and not online) is `stale`; older is `offline`. Default 300 s. */
  staleSeconds: z.number(),
  /** Absent: handshake (as before there was a choice). */
  rule: statusRuleSchema.optional(),
});
export type StatusThresholds = z.infer<typeof statusThresholdsSchema>;

export const DEFAULT_THRESHOLDS: StatusThresholds = { onlineSeconds: 120, staleSeconds: 300 };

export const peerPingSchema = z.object({
  /** Whether the latest check got a reply. */
  ok: z.boolean(),
  rttMs: z.number().nullable(),
  /** When the latest round ended: unix seconds, server clock. */
  at: z.number(),
  /** The check counts as failing (PING_FAILURES_TO_FAIL lost replies in a row; one reply ends it). */
  failing: z.boolean(),
  /** Why ping could not run at all (no permission, no route): neither a reply nor a loss. */
  error: z.string().nullable(),
});
export type PeerPing = z.infer<typeof peerPingSchema>;

/**
 * A peer's use of its data quota in the quota's current period (issue 15), from the reset-aware
 * history of the process that records it; absent where nothing records history (a one-shot command).
 */
export const peerUsageSchema = z.object({
  /** What counts against the quota (its direction) so far in the period. */
  bytes: z.number(),
  /** The quota itself, in bytes. */
  limit: z.number(),
  /** The period's start, ms; 0 for a total quota. */
  periodStart: z.number(),
  /** When the next period starts (ms); null for a total quota. */
  resetsAt: z.number().nullable(),
  /** `2026-12-04`, `2026-12`, `total`. */
  periodKey: z.string(),
});
export type PeerUsage = z.infer<typeof peerUsageSchema>;

export const peerLiveSchema = peerDumpSchema.extend({
  status: peerStatusSchema,
  /** Bytes/s over the last interval (server time); null until two samples exist. Never negative. */
  rxRate: z.number().nullable(),
  txRate: z.number().nullable(),
  /** How many counter resets the engine has seen for this peer since it started watching. */
  resets: z.number(),
  /** What the ping check pings: the peer's `# CheckAddress`, else its host address; null: not checked. */
  checkAddress: z.string().nullable(),
  /** The latest ping check of `checkAddress` (server clock), or null before the first. */
  ping: peerPingSchema.nullable(),
  /** Its quota's usage; absent when it has no quota or nothing here records history. */
  usage: peerUsageSchema.optional(),
});
export type PeerLive = z.infer<typeof peerLiveSchema>;

export const interfaceLiveSchema = z.object({
  name: z.string(),
  /** null when the interface has no key yet (see InterfaceDump). */
  publicKey: z.string().nullable(),
  listenPort: z.number().nullable(),
  fwmark: z.number().nullable(),
  /** null when /proc/net/dev had no line for this interface. */
  counters: interfaceCountersSchema.nullable(),
  rates: interfaceRatesSchema,
  peers: z.array(peerLiveSchema),
});
export type InterfaceLive = z.infer<typeof interfaceLiveSchema>;

export const systemLiveSchema = z.object({
  /** 0..100 over the last interval; null until two samples exist. */
  cpuPercent: metric,
  cpuCount: metric,
  memTotalBytes: metric,
  memUsedBytes: metric,
  diskTotalBytes: metric,
  diskUsedBytes: metric,
  load1: metric,
  load5: metric,
  load15: metric,
  uptimeSeconds: metric,
  /** Sum over every non-loopback interface, bytes/s. */
  netRxRate: metric,
  netTxRate: metric,
});
export type SystemLive = z.infer<typeof systemLiveSchema>;

export const connectionStateSchema = z.enum([
  'idle',
  'connecting',
  'connected',
  'reconnecting',
  'error',
  'stopped',
]);
export type ConnectionState = z.infer<typeof connectionStateSchema>;

export const serverLiveSchema = z.object({
  name: z.string(),
  host: z.string(),
  state: connectionStateSchema,
  /** Human-readable reason for the last failure; present in `error` and `reconnecting`. */
  error: z.string().optional(),
  /** Machine-readable kind of that failure (see errors.ts). */
  errorCode: z.string().optional(),
  /** Facts to act on (presented / expected host key, the sudoers line). */
  errorDetails: errorDetailsSchema.optional(),
  /** Laptop time (ms) of the last snapshot applied; null before the first. */
  updatedAt: z.number().nullable(),
  serverTime: z.number().nullable(),
  interfaces: z.array(interfaceLiveSchema),
  system: systemLiveSchema.nullable(),
  /**
   * Frames refused because they came faster than half the poll interval, or without the server's
   * clock moving forward (a broken or hostile server flooding frames), since monitoring started.
   * 0 for a server that behaves.
   */
  droppedFrames: z.number(),
});
export type ServerLive = z.infer<typeof serverLiveSchema>;
