import type { StatusRule } from './domain.ts';
import type { DisabledBy, Quota, Schedule } from './peer-lifecycle.ts';
/**
 * Peer management types shared by the engine, the CLI and the UI: what the admin asks for (drafts,
 * edits), what WG Deck shows before applying (the plan preview) and what differs between a server's
 * config file and its live interface (the drift report).
 *
 * Plain data only (the contract sends it over IPC and WebSockets). Secrets never appear here: a
 * preview redacts private and preshared keys, and public keys are the peers' identities. What the
 * engine returns (preview, drift) is inferred from zod schemas; the requests are checked in `api.ts`.
 *
 * The rules that need no Node API (names, keepalive) are here too, so a form can check as the admin
 * types with the same messages the engine gives.
 */

import { z } from 'zod';
import { isControlCodePoint, isInvisibleCodePoint, MAX_NAME_LENGTH } from './safe-text.ts';

/** Seconds; WireGuard's persistent keepalive is a u16, 0 meaning off. */
export const KEEPALIVE_MAX = 65535;
/** Characters of a peer name (it is a comment in the config file, not an identifier). */
export const PEER_NAME_MAX = MAX_NAME_LENGTH;

export const peerActionSchema = z.enum(['add', 'edit', 'disable', 'enable', 'remove']);
export type PeerAction = z.infer<typeof peerActionSchema>;

/** What the admin fills in to create a peer (form, `wgdeck peer add`). */
export interface PeerDraft {
  name: string;
  /**
   * `'auto'`: the next free address in each of the interface's subnets (IPv4 and IPv6 where it has
   * both); otherwise explicit CIDRs (a bare address means /32 or /128).
   */
  allowedIps: 'auto' | string[];
  /** Seconds; null or 0 = off. */
  persistentKeepalive: number | null;
  /** Generate a preshared key for this peer. */
  presharedKey: boolean;
  /** The client's public key when the admin brings the key pair; omitted = generated locally. */
  publicKey?: string;
}

/** Fields of an existing peer to change; omitted fields stay as they are. */
export interface PeerEdit {
  name?: string;
  allowedIps?: string[];
  /** Seconds; null or 0 = off. */
  persistentKeepalive?: number | null;
  /** `'rotate'`: a new generated key; `'remove'`: no preshared key. */
  presharedKey?: 'rotate' | 'remove';
  /** What its ping check pings (`# CheckAddress = …`); null: its host address again. */
  checkAddress?: string | null;
  /** Its own status rule (`# StatusRule = …`); null: the server's or the fleet's again. */
  statusRule?: StatusRule | null;
  /** Its own online/stale thresholds (`# StatusThresholds = …`); null: the fleet's again. */
  statusThresholds?: { onlineSeconds: number; staleSeconds: number } | null;
  /** Lifecycle rules (peer-lifecycle.ts); null removes one. File only: an edit never re-enables. */
  quota?: Quota | null;
  /** ms; null: it never expires. */
  expiresAt?: number | null;
  schedule?: Schedule | null;
}

/** One requested change; `peer` is a public key or a peer name (resolved against the config file). */
export type PeerChangeRequest =
  | { action: 'add'; draft: PeerDraft }
  | { action: 'edit'; peer: string; edit: PeerEdit }
  /**
   * `disabledBy` is the enforcer's (issue 15): disable writes `# DisabledBy = …`; enable with it
   * applies only while the file still says that reason. Enable always removes `# DisabledBy`.
   */
  | { action: 'disable' | 'enable'; peer: string; disabledBy?: DisabledBy }
  | { action: 'remove'; peer: string };

/**
 * How a plan applies live.
 * - 0: the config file only (a rename, a change to a disabled peer, or the interface is down).
 * - 1: one `wg set` for the one peer that changes; no other session is touched.
 * - 2: `wg syncconf` from the new file: every peer that differs from the file is touched (listed).
 */
export const planTierSchema = z.literal([0, 1, 2]);
export type PlanTier = z.infer<typeof planTierSchema>;

export const planChangeSummarySchema = z.object({
  action: peerActionSchema,
  publicKey: z.string(),
  name: z.string().nullable(),
  /** One line per field that changes, e.g. `allowed IPs: 198.18.0.2/32 → 198.18.0.7/32`. */
  details: z.array(z.string()),
});
export type PlanChangeSummary = z.infer<typeof planChangeSummarySchema>;

export const sessionEffectSchema = z.enum(['added', 'removed', 'updated']);
export type SessionEffect = z.infer<typeof sessionEffectSchema>;

/** A peer whose live state (and so possibly its session) the apply changes. */
export const touchedPeerSchema = z.object({
  publicKey: z.string(),
  name: z.string().nullable(),
  effect: sessionEffectSchema,
  /** Why, e.g. `added`, `allowed IPs differ`, `live but not in the file (drift)`. */
  reason: z.string(),
  /** False for a peer touched only because it had drifted (tier 2 reconciles it too). */
  intended: z.boolean(),
});
export type TouchedPeer = z.infer<typeof touchedPeerSchema>;

export const planPreviewSchema = z.object({
  iface: z.string(),
  tier: planTierSchema,
  /** Why this tier, in one sentence. */
  tierReason: z.string(),
  changes: z.array(planChangeSummarySchema),
  /** Exactly the peers whose live state changes; every other session is left alone. */
  touched: z.array(touchedPeerSchema),
  /** Things to know (SaveConfig = true, drift reconciled by tier 2, interface down…). */
  warnings: z.array(z.string()),
  /** Reasons the plan must not be applied as it is (e.g. tier 2 would change the interface's key). */
  blockers: z.array(z.string()),
  /** Unified diff of the config file; private and preshared keys shown as `(hidden)`. */
  diff: z.string(),
  /** The remote commands as they run; no secret is on any command line (stdin or a 0600 file). */
  commands: z.array(z.string()),
  /** All of the above as text for the CLI or a confirmation dialog. */
  summary: z.string(),
});
export type PlanPreview = z.infer<typeof planPreviewSchema>;

export const driftFieldSchema = z.enum(['allowedIps', 'persistentKeepalive', 'presharedKey', 'endpoint']);
export type DriftField = z.infer<typeof driftFieldSchema>;

export const driftDifferenceSchema = z.object({
  field: driftFieldSchema,
  /** Human-readable values, e.g. `198.18.0.2/32, 2001:2:0:1000::2/128`, `25`, `off`, `yes`, `no`. */
  file: z.string(),
  live: z.string(),
});
export type DriftDifference = z.infer<typeof driftDifferenceSchema>;

export const driftPeerSchema = z.object({
  publicKey: z.string(),
  /** From the config file; null when the peer is only live or has no name. */
  name: z.string().nullable(),
});
export type DriftPeer = z.infer<typeof driftPeerSchema>;

export const interfaceDriftFieldSchema = z.enum(['publicKey', 'listenPort', 'fwmark']);
export type InterfaceDriftField = z.infer<typeof interfaceDriftFieldSchema>;

export const interfaceDriftDifferenceSchema = z.object({
  field: interfaceDriftFieldSchema,
  file: z.string(),
  live: z.string(),
});
export type InterfaceDriftDifference = z.infer<typeof interfaceDriftDifferenceSchema>;

/** Config file vs live interface, per interface. Disabled peers absent live are not drift. */
export const driftReportSchema = z.object({
  iface: z.string(),
  inSync: z.boolean(),
  /** Live but not in the file (a `wg set` by hand; tier 2 would remove them). */
  onlyLive: z.array(driftPeerSchema),
  /** Enabled in the file but not live. */
  onlyFile: z.array(driftPeerSchema),
  /** Disabled in the file yet live. */
  disabledButLive: z.array(driftPeerSchema),
  different: z.array(driftPeerSchema.extend({ differences: z.array(driftDifferenceSchema) })),
  /** The interface's own settings (key, port, fwmark) where the file sets them. */
  interface: z.array(interfaceDriftDifferenceSchema),
});
export type DriftReport = z.infer<typeof driftReportSchema>;

/**
 * Why `name` cannot be a peer name (a message for the `name` field), or null when it can. Names are written as a comment line
 * (`# Name = …`), so anything that could end that line or start a section is refused: control
 * characters (newlines, CR, NUL, tabs…), Unicode line and paragraph separators, and a leading `[`
 * or `]`; so are invisible and direction-changing characters (safe-text.ts has the one list). Shell
 * metacharacters that run or redirect commands are refused too (scripts of other tools read these
 * files); an apostrophe or parentheses are fine. Leading and trailing spaces are refused rather than
 * silently trimmed. Names already in a file are read through `cleanText` (config-file.ts), so what
 * another tool wrote is shown safely.
 */
export function peerNameProblem(name: string): string | null {
  if (name.length === 0) return 'must not be empty';
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (isControlCodePoint(code) || code === 0x2028 || code === 0x2029) {
      return 'must not contain line breaks or control characters';
    }
    if (isInvisibleCodePoint(code)) return 'must not contain invisible or direction-changing characters';
  }
  // Harmless in a comment, but other tools' scripts grep and eval these files, and the name becomes a
  // file name on the client: the characters that run or redirect commands are refused.
  if (/[`$\\;|&<>"]/.test(name)) return 'must not contain shell metacharacters (` $ \\ ; | & < > ")';
  if (name.trim() !== name) return 'must not start or end with spaces';
  if ([...name].length > PEER_NAME_MAX) return `at most ${PEER_NAME_MAX} characters`;
  if (name.startsWith('[') || name.startsWith(']')) return 'must not start with "[" or "]"';
  return null;
}

/** Why `value` cannot be a persistent keepalive (a message for that field), or null. null (off) is fine. */
export function keepaliveProblem(value: number | null): string | null {
  if (value === null) return null;
  if (!Number.isInteger(value) || value < 0 || value > KEEPALIVE_MAX) {
    return `must be an integer from 0 (off) to ${KEEPALIVE_MAX} seconds`;
  }
  return null;
}
