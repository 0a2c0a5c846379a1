/**
 * The contract of live peer management (issue 5): what a front end reads about an interface's config
 * file, the operations it can preview, and what an apply reports while it runs and when it is done.
 * Plain data; the zod schemas that check these at every transport are in `api.ts`.
 *
 * Flow: `peers:read` → `peers:preview` (a plan, nothing touched) → `peers:apply` (server-side lock,
 * backup, commit-confirmed rollback armed, file written, applied live, verified over a new connection,
 * rollback cancelled) with `peers:tx` events for the countdown. `peers:change` is preview + apply in
 * one call under one lock (the CLI).
 */

import type { DriftReport, PeerChangeRequest, PlanPreview } from './peers.ts';

/** A peer as the config file describes it (no secret: whether it has a preshared key, not which). */
export interface ConfigPeerView {
  publicKey: string;
  name: string | null;
  allowedIps: string[];
  persistentKeepalive: number | null;
  endpoint: string | null;
  hasPresharedKey: boolean;
  disabled: boolean;
}

export interface BackupInfo {
  /** The backup's file name, e.g. `wg0.conf.20261123T101502Z` (what `restore` takes). */
  id: string;
  /** Laptop milliseconds (from the name, UTC). */
  takenAt: number;
  bytes: number;
}

/** One interface's config file next to its live state, as `peers:read` returns it. */
export interface InterfaceConfigView {
  server: string;
  iface: string;
  configPath: string;
  /** SHA-256 of the file as read: a preview is made from exactly this text. */
  sha256: string;
  /** Whether the interface is up (a live dump exists). */
  live: boolean;
  /** The interface's own addresses (`Address =`), public key and port, from the file. */
  addresses: string[];
  publicKey: string | null;
  listenPort: number | null;
  saveConfig: boolean;
  peers: ConfigPeerView[];
  /** Problems in the file (line: message); `fatal` ones block every change until fixed. */
  problems: { line: number; message: string; fatal: boolean }[];
  /** Null when the interface is down (nothing to compare with). */
  drift: DriftReport | null;
  /** Newest first. */
  backups: BackupInfo[];
  /** Whether a commit-confirmed rollback is armed on this interface right now (another apply). */
  pendingRollback: boolean;
  /**
   * The last rollback that refused to restore its backup (gone, changed, invalid) and left the file
   * and the live peers as the unconfirmed change made them; null when none did since the last change.
   */
  rollbackFailed: { txId: string; reason: string } | null;
}

/** What a preview plans. */
export type PeerOperation =
  | { kind: 'changes'; changes: PeerChangeRequest[] }
  /** Put a backup back (the file, then the live interface from it). */
  | { kind: 'restore'; backup: string }
  /** file-to-live: `wg syncconf` from the file; live-to-file: write the live state into the file. */
  | { kind: 'reconcile'; direction: 'file-to-live' | 'live-to-file' }
  /** `SaveConfig = false`, so `wg-quick down` stops overwriting the file. */
  | { kind: 'save-config-off' };

/** What a new peer's client config holds beyond the peer itself. */
export interface ClientOptions {
  /** DNS servers or search domains; empty = none. */
  dns: string[];
  mtu: number | null;
  /** What the client routes through the tunnel; default full tunnel. */
  allowedIps: string[];
  /** Default: the server's SSH host name. */
  endpointHost?: string;
}

export interface PreviewRequest {
  server: string;
  iface: string;
  operation: PeerOperation;
  client?: ClientOptions;
}

export interface PreviewResult {
  /** Pass to `peers:apply` within `expiresAt`; the plan (and any generated key) lives only in memory. */
  planId: string;
  expiresAt: number;
  preview: PlanPreview;
  /** SHA-256 of the file the plan was made from; apply refuses when the file no longer has it. */
  baseSha256: string;
  /** Whether the plan changes the file at all. */
  writesFile: boolean;
}

export interface ApplyOptions {
  /**
   * Seconds before the server puts the backup back on its own unless WG Deck confirms (default 60,
   * 10–3600). Ignored for a file-only change (it cannot cut anyone off).
   */
  confirmTimeoutSeconds?: number;
  /**
   * Tier 3: apply by restarting the interface (`wg-quick down && up`). Every session on it drops; the
   * admin must have confirmed exactly that.
   */
  restart?: boolean;
  /** Keep new peers' private keys in the OS keychain (refused where it cannot be kept safely). */
  keepPrivateKeys?: boolean;
}

export interface ApplyRequest extends ApplyOptions {
  planId: string;
}

/** `peers:change`: preview and apply under one server-side lock (a changed file is simply re-read). */
export interface ChangeRequest extends PreviewRequest, ApplyOptions {}

/** A new peer's config for its device. Holds the private key: shown once, never stored unless asked. */
export interface ClientConfigResult {
  publicKey: string;
  name: string;
  fileName: string;
  /** Null when the admin brought their own key pair (WG Deck never had the private key). */
  text: string | null;
  qrSvg: string | null;
  privateKeyKept: boolean;
}

export type TxPhase =
  | 'locking'
  | 'armed'
  | 'applying'
  | 'verifying'
  | 'confirmed'
  | 'rolled-back'
  /** The server's rollback fired but refused to restore: the unconfirmed change is still in place. */
  | 'rollback-failed'
  | 'failed';

/** Progress of one apply, for the countdown ("rolls back in 54 s unless confirmed"). */
export interface PeerTxEvent {
  txId: string;
  /** The preview being applied (`peers:apply`), so a window can match events to its own apply. */
  planId: string | null;
  server: string;
  iface: string;
  phase: TxPhase;
  /** Laptop milliseconds at which the server rolls back on its own; null when nothing is armed. */
  rollbackAt: number | null;
  message: string;
}

export interface ApplyResult {
  txId: string;
  server: string;
  iface: string;
  tier: 0 | 1 | 2 | 3;
  /** confirmed: applied and verified; file-only: nothing live changed. */
  outcome: 'confirmed' | 'file-only';
  /** The backup taken before the write (restorable), or null when the file did not change. */
  backup: string | null;
  /** Milliseconds from the start of the apply to the change verified over a new connection. */
  verifiedAfterMs: number;
  preview: PlanPreview;
  clients: ClientConfigResult[];
  /**
   * New preshared keys of existing peers (a rotation): each client needs its new key, and this is the
   * only time WG Deck shows it (it stays in the server's config file).
   */
  rotatedKeys: { publicKey: string; name: string | null; presharedKey: string }[];
}

/** Peer names of one interface, from its config file (`# Name = …`), for the live views. */
export interface PeerNames {
  server: string;
  iface: string;
  /** Public key → name; peers without a name are absent. */
  names: Record<string, string>;
}

/** An interface a server has: up, or only a config file (then changes go to the file only). */
export interface ServerInterface {
  iface: string;
  configPath: string;
  live: boolean;
  hasFile: boolean;
}

/** Per interface of a server: the drift report, or why there is none. */
export interface InterfaceDrift {
  iface: string;
  configPath: string;
  /** Null when the file is missing or unreadable, or the interface is down (then `problem` says so). */
  report: DriftReport | null;
  problem: string | null;
}
