import type { ErrorDetails } from './error-details.ts';

/**
 * Domain types shared by the engine, the CLI and the UI.
 *
 * Read models only: what the engine knows about a server. Fields document their "zero" meaning
 * (null = unknown / not applicable) so no consumer has to guess.
 */

/** The nine kernel counters of a network interface (`/proc/net/dev`), as the server reports them. */
export interface InterfaceCounters {
  rxBytes: number;
  txBytes: number;
  rxPackets: number;
  txPackets: number;
  rxErrors: number;
  txErrors: number;
  rxDropped: number;
  txDropped: number;
  multicast: number;
}

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

/** Per-second rates of the same counters; null until two samples exist. */
export type InterfaceRates = { [K in keyof InterfaceCounters]: number | null };

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
export interface PeerDump {
  publicKey: string;
  /** Whether a preshared key is configured. The key itself is never transferred. */
  presharedKey: boolean;
  /** `host:port` or `[v6]:port`; null when the peer has never been seen (`(none)`). */
  endpoint: string | null;
  allowedIps: string[];
  /** Unix seconds of the latest handshake; null when there has been none (`0`). */
  latestHandshake: number | null;
  /** Bytes received from the peer (the server's view). */
  rxBytes: number;
  /** Bytes sent to the peer (the server's view). */
  txBytes: number;
  /** Seconds; null when off. */
  persistentKeepalive: number | null;
}

export interface InterfaceDump {
  name: string;
  /** null when the interface has no private key yet (`(none)` in the dump), hence no public key. */
  publicKey: string | null;
  /** null when the interface has no listen port (`0` in the dump, i.e. not listening). */
  listenPort: number | null;
  /** null when off. */
  fwmark: number | null;
  peers: PeerDump[];
}

/** System metrics read from /proc and df on the server. Each is null when the server did not report it. */
export interface SystemSample {
  /** Sum of the `cpu` line of /proc/stat (jiffies), and the idle+iowait part, for delta-based usage. */
  cpuTotalJiffies: number | null;
  cpuIdleJiffies: number | null;
  cpuCount: number | null;
  memTotalBytes: number | null;
  memAvailableBytes: number | null;
  diskTotalBytes: number | null;
  diskUsedBytes: number | null;
  load1: number | null;
  load5: number | null;
  load15: number | null;
  uptimeSeconds: number | null;
}

/** One frame from the remote collector, parsed. Times are the server's, never the laptop's. */
export interface Snapshot {
  seq: number;
  /** Server wall clock, unix seconds (used for handshake ages). */
  serverTime: number;
  /** Server monotonic seconds (/proc/uptime), used for rates so clock steps never distort them. */
  monotonic: number;
  interfaces: InterfaceDump[];
  /** Counters of every interface in /proc/net/dev, keyed by name (WireGuard and others). */
  netdev: Record<string, InterfaceCounters>;
  system: SystemSample;
  /** Set when `wg` itself failed this round (e.g. sudo refused); interfaces is then empty. */
  wgError: string | null;
}

export type PeerStatus = 'online' | 'stale' | 'offline' | 'never';

export interface StatusThresholds {
  /** A handshake younger than this is `online`. Default 120 s. */
  onlineSeconds: number;
  /** Younger than this (and not online) is `stale`; older is `offline`. Default 300 s. */
  staleSeconds: number;
}

export const DEFAULT_THRESHOLDS: StatusThresholds = { onlineSeconds: 120, staleSeconds: 300 };

export interface PeerLive extends PeerDump {
  status: PeerStatus;
  /** Bytes/s over the last interval (server time); null until two samples exist. Never negative. */
  rxRate: number | null;
  txRate: number | null;
  /** How many counter resets the engine has seen for this peer since it started watching. */
  resets: number;
}

export interface InterfaceLive {
  name: string;
  /** null when the interface has no key yet (see InterfaceDump). */
  publicKey: string | null;
  listenPort: number | null;
  fwmark: number | null;
  /** null when /proc/net/dev had no line for this interface. */
  counters: InterfaceCounters | null;
  rates: InterfaceRates;
  peers: PeerLive[];
}

export interface SystemLive {
  /** 0..100 over the last interval; null until two samples exist. */
  cpuPercent: number | null;
  cpuCount: number | null;
  memTotalBytes: number | null;
  memUsedBytes: number | null;
  diskTotalBytes: number | null;
  diskUsedBytes: number | null;
  load1: number | null;
  load5: number | null;
  load15: number | null;
  uptimeSeconds: number | null;
  /** Sum over every non-loopback interface, bytes/s. */
  netRxRate: number | null;
  netTxRate: number | null;
}

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'error' | 'stopped';

export interface ServerLive {
  name: string;
  host: string;
  state: ConnectionState;
  /** Human-readable reason for the last failure; present in `error` and `reconnecting`. */
  error?: string;
  /** Machine-readable kind of that failure (see errors.ts). */
  errorCode?: string;
  /** Facts to act on (presented / expected host key, the sudoers line). */
  errorDetails?: ErrorDetails;
  /** Laptop time (ms) of the last snapshot applied; null before the first. */
  updatedAt: number | null;
  serverTime: number | null;
  interfaces: InterfaceLive[];
  system: SystemLive | null;
  /**
   * Frames refused because they came faster than half the poll interval, or without the server's
   * clock moving forward (a broken or hostile server flooding frames), since monitoring started.
   * 0 for a server that behaves.
   */
  droppedFrames: number;
}
