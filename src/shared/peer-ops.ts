/**
 * The contract of live peer management (issue 5): what a front end reads about an interface's config
 * file, the operations it can preview, and what an apply reports while it runs and when it is done.
 * Plain data. What the engine returns is inferred from the zod schemas here (declared once); the
 * schemas that check the requests at every transport are in `api.ts`.
 *
 * Flow: `peers:read` → `peers:preview` (a plan, nothing touched) → `peers:apply` (server-side lock,
 * backup, commit-confirmed rollback armed, file written, applied live, verified over a new connection,
 * rollback cancelled) with `peers:tx` events for the countdown. `peers:change` is preview + apply in
 * one call under one lock (the CLI).
 */

import { z } from 'zod';
import { peerOptionsSchema } from './peer-options.ts';
import { peerLifecycleSchema } from './peer-lifecycle.ts';
import { statusRuleSchema } from './domain.ts';
import { driftReportSchema, planPreviewSchema, type PeerChangeRequest } from './peers.ts';

/** A peer as the config file describes it (no secret: whether it has a preshared key, not which). */
export const configPeerViewSchema = z.object({
  publicKey: z.string(),
  name: z.string().nullable(),
  allowedIps: z.array(z.string()),
  persistentKeepalive: z.number().nullable(),
  endpoint: z.string().nullable(),
  /** `# CheckAddress = …`: what its ping check pings instead of its host address. */
  checkAddress: z.string().nullable(),
  /** `# StatusRule`, `# StatusThresholds`: its own status rule and thresholds. */
  statusRule: statusRuleSchema.nullable(),
  statusThresholds: z.object({ onlineSeconds: z.number(), staleSeconds: z.number() }).nullable(),
  hasPresharedKey: z.boolean(),
  disabled: z.boolean(),
  /** `# Quota`, `# Expires`, `# Schedule`, `# DisabledBy` (issue 15). */
  ...peerLifecycleSchema.shape,
});
export type ConfigPeerView = z.infer<typeof configPeerViewSchema>;

export const backupInfoSchema = z.object({
  /** The backup's file name, e.g. `wg0.conf.20261123T101502Z` (what `restore` takes). */
  id: z.string(),
  /** Laptop milliseconds (from the name, UTC). */
  takenAt: z.number(),
  bytes: z.number(),
});
export type BackupInfo = z.infer<typeof backupInfoSchema>;

/** One interface's config file next to its live state, as `peers:read` returns it. */
export const interfaceConfigViewSchema = z.object({
  server: z.string(),
  iface: z.string(),
  configPath: z.string(),
  /** SHA-256 of the file as read: a preview is made from exactly this text. */
  sha256: z.string(),
  /** Whether the interface is up (a live dump exists). */
  live: z.boolean(),
  /** The interface's own addresses (`Address =`), public key and port, from the file. */
  addresses: z.array(z.string()),
  publicKey: z.string().nullable(),
  listenPort: z.number().nullable(),
  saveConfig: z.boolean(),
  peers: z.array(configPeerViewSchema),
  /** Problems in the file (line: message); `fatal` ones block every change until fixed. */
  problems: z.array(z.object({ line: z.number(), message: z.string(), fatal: z.boolean() })),
  /** Null when the interface is down (nothing to compare with). */
  drift: driftReportSchema.nullable(),
  /** Newest first. */
  backups: z.array(backupInfoSchema),
  /** Whether a commit-confirmed rollback is armed on this interface right now (another apply). */
  pendingRollback: z.boolean(),
  /**
   * The last rollback that refused to restore its backup (gone, changed, invalid) and left the file
   * and the live peers as the unconfirmed change made them; null when none did since the last change.
   */
  rollbackFailed: z.object({ txId: z.string(), reason: z.string() }).nullable(),
});
export type InterfaceConfigView = z.infer<typeof interfaceConfigViewSchema>;

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

export const previewResultSchema = z.object({
  /** Pass to `peers:apply` within `expiresAt`; the plan (and any generated key) lives only in memory. */
  planId: z.string(),
  expiresAt: z.number(),
  preview: planPreviewSchema,
  /** SHA-256 of the file the plan was made from; apply refuses when the file no longer has it. */
  baseSha256: z.string(),
  /** Whether the plan changes the file at all. */
  writesFile: z.boolean(),
});
export type PreviewResult = z.infer<typeof previewResultSchema>;

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
export const clientConfigResultSchema = z.object({
  publicKey: z.string(),
  name: z.string(),
  fileName: z.string(),
  /** Null when the admin brought their own key pair (WG Deck never had the private key). */
  text: z.string().nullable(),
  qrSvg: z.string().nullable(),
  privateKeyKept: z.boolean(),
});
export type ClientConfigResult = z.infer<typeof clientConfigResultSchema>;

/**
 * The phases of an apply. `rollback-failed`: the server's rollback fired but refused to restore, so
 * the unconfirmed change is still in place.
 */
export const txPhaseSchema = z.enum([
  'locking',
  'armed',
  'applying',
  'verifying',
  'confirmed',
  'rolled-back',
  'rollback-failed',
  'failed',
]);
export type TxPhase = z.infer<typeof txPhaseSchema>;

/** Progress of one apply, for the countdown ("rolls back in 54 s unless confirmed"). */
export const peerTxEventSchema = z.object({
  txId: z.string(),
  /** The preview being applied (`peers:apply`), so a window can match events to its own apply. */
  planId: z.string().nullable(),
  server: z.string(),
  iface: z.string(),
  phase: txPhaseSchema,
  /** Laptop milliseconds at which the server rolls back on its own; null when nothing is armed. */
  rollbackAt: z.number().nullable(),
  message: z.string(),
});
export type PeerTxEvent = z.infer<typeof peerTxEventSchema>;

export const applyResultSchema = z.object({
  txId: z.string(),
  server: z.string(),
  iface: z.string(),
  tier: z.literal([0, 1, 2, 3]),
  /** confirmed: applied and verified; file-only: nothing live changed. */
  outcome: z.enum(['confirmed', 'file-only']),
  /** The backup taken before the write (restorable), or null when the file did not change. */
  backup: z.string().nullable(),
  /** Milliseconds from the start of the apply to the change verified over a new connection. */
  verifiedAfterMs: z.number(),
  preview: planPreviewSchema,
  clients: z.array(clientConfigResultSchema),
  /**
   * New preshared keys of existing peers (a rotation): each client needs its new key, and this is the
   * only time WG Deck shows it (it stays in the server's config file).
   */
  rotatedKeys: z.array(
    z.object({ publicKey: z.string(), name: z.string().nullable(), presharedKey: z.string() }),
  ),
});
export type ApplyResult = z.infer<typeof applyResultSchema>;

/** Peer names of one interface, from its config file (`# Name = …`), for the live views. */
export const peerNamesSchema = z.object({
  server: z.string(),
  iface: z.string(),
  /** Public key → name; peers without a name are absent. */
  names: z.record(z.string(), z.string()),
  /** Public key → its own monitoring options (`# CheckAddress`, `# StatusRule`, `# StatusThresholds`); peers without any are absent. */
  options: z.record(z.string(), peerOptionsSchema).optional(),
  /**
   * Public key → its lifecycle rules (`# Quota`, `# Expires`, `# Schedule`, `# DisabledBy`), disabled
   * peers included (the enforcer re-enables them); peers with none are absent.
   */
  lifecycle: z.record(z.string(), peerLifecycleSchema).optional(),
});
export type PeerNames = z.infer<typeof peerNamesSchema>;

/** An interface a server has: up, or only a config file (then changes go to the file only). */
export const serverInterfaceSchema = z.object({
  iface: z.string(),
  configPath: z.string(),
  live: z.boolean(),
  hasFile: z.boolean(),
});
export type ServerInterface = z.infer<typeof serverInterfaceSchema>;

/** Per interface of a server: the drift report, or why there is none. */
export const interfaceDriftSchema = z.object({
  iface: z.string(),
  configPath: z.string(),
  /** Null when the file is missing or unreadable, or the interface is down (then `problem` says so). */
  report: driftReportSchema.nullable(),
  problem: z.string().nullable(),
});
export type InterfaceDrift = z.infer<typeof interfaceDriftSchema>;
