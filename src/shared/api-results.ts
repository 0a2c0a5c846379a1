import { z } from 'zod';
import { serverLiveSchema } from './domain.ts';
import { serverConfigSchema } from './validation.ts';

/**
 * The contract's own result schemas (the domain's live with their types: domain.ts, history.ts,
 * peer-ops.ts, live-delta.ts). Front ends trust the
 * engine, so these are not parsed on the hot path; the contract tests and `WGDECK_CHECK_CONTRACT=1`
 * (every test run) parse every result and event against them, so the declared shapes stay the truth.
 */

export const hostKeyInfoSchema = z.object({
  host: z.string(),
  port: z.number().int(),
  keyType: z.string(),
  /** `SHA256:` + 43 characters of base64, as OpenSSH prints it. */
  fingerprint: z.string(),
});
export type HostKeyInfo = z.infer<typeof hostKeyInfoSchema>;

export const hostKeyProbeSchema = z.object({
  /** null when the server could not be reached at all. */
  key: hostKeyInfoSchema.nullable(),
  verdict: z.enum(['trusted', 'unknown', 'changed', 'revoked', 'unreachable']),
  /** Why, in words, when not trusted. */
  message: z.string().optional(),
});
export type HostKeyProbe = z.infer<typeof hostKeyProbeSchema>;

export const addServerResultSchema = z.object({
  server: serverConfigSchema,
  /** The host key pinned on first use, or the one already trusted. */
  hostKey: hostKeyInfoSchema,
  interfaces: z.array(z.string()),
});
export type AddServerResult = z.infer<typeof addServerResultSchema>;

export const appInfoSchema = z.object({
  version: z.string(),
  dataDir: z.string(),
  /** Which front end hosts the engine. */
  host: z.enum(['electron', 'browser', 'cli']),
  /** Whether passwords can be kept across runs (OS keychain with a real backend). */
  canPersistSecrets: z.boolean(),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

/**
 * A host of ~/.ssh/config, resolved as `ssh ALIAS` would reach it, ready to prefill the add-server
 * form. `jump` is the ProxyJump chain in dialling order, each hop `user@host:port` (IPv6 in
 * brackets), [] for none. `unsupported` names options that change the connection and that WG Deck
 * does not follow (see shared/ssh-import.ts). `added`: a configured server has the same
 * host, port and user.
 */
export const sshConfigCandidateSchema = z.object({
  alias: z.string(),
  /** Other aliases that reach the same user@host:port (present only when there are some). */
  aliases: z.array(z.string()).optional(),
  host: z.string(),
  port: z.number().int(),
  user: z.string(),
  identityFile: z.string().nullable(),
  jump: z.array(z.string()),
  unsupported: z.array(z.string()),
  added: z.boolean(),
});
export type SshConfigCandidate = z.infer<typeof sshConfigCandidateSchema>;

export const syncedServerSchema = z.object({
  name: z.string(),
  /** The delta sequence number `live` is at: apply `fleet:delta`s after it. */
  seq: z.number().int(),
  live: serverLiveSchema,
});
export type SyncedServer = z.infer<typeof syncedServerSchema>;
