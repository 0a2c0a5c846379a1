import { z } from 'zod';
import type { ServerLive } from './domain.ts';
import type { ServerDelta } from './live-delta.ts';
import type {
  EndpointEvent,
  FleetSeries,
  HandshakeEvent,
  InterfaceSeries,
  PeerSeries,
  ServerSeries,
  UsageBucket,
} from './history.ts';
import type {
  ApplyResult,
  ClientConfigResult,
  InterfaceConfigView,
  InterfaceDrift,
  PeerNames,
  PeerTxEvent,
  PreviewResult,
  ServerInterface,
} from './peer-ops.ts';
import { serverConfigSchema } from './validation.ts';

/**
 * The contract's result and event schemas: what the engine answers and pushes. Front ends trust the
 * engine, so these are not parsed on the hot path; the contract tests and `WGDECK_CHECK_CONTRACT=1`
 * (every test run) parse every result and event against them, so the declared shapes stay the truth.
 */

/** A result whose schema lives with its domain type (stand-in until those are zod schemas). */
const declared = <T>() => z.custom<T>(() => true);

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

/** A Host block of ~/.ssh/config, resolved, ready to prefill the add-server form. */
export const sshConfigCandidateSchema = z.object({
  alias: z.string(),
  host: z.string(),
  port: z.number().int(),
  user: z.string().optional(),
  identityFile: z.string().optional(),
  jump: z.string().optional(),
});
export type SshConfigCandidate = z.infer<typeof sshConfigCandidateSchema>;

export const serverLiveSchema = declared<ServerLive>();
export const serverDeltaSchema = declared<ServerDelta>();

export const syncedServerSchema = z.object({
  name: z.string(),
  /** The delta sequence number `live` is at: apply `fleet:delta`s after it. */
  seq: z.number().int(),
  live: serverLiveSchema,
});
export type SyncedServer = z.infer<typeof syncedServerSchema>;

export const peerSeriesSchema = declared<PeerSeries>();
export const interfaceSeriesSchema = declared<InterfaceSeries>();
export const serverSeriesSchema = declared<ServerSeries>();
export const fleetSeriesSchema = declared<FleetSeries>();
export const usageBucketSchema = declared<UsageBucket>();
export const handshakeEventSchema = declared<HandshakeEvent>();
export const endpointEventSchema = declared<EndpointEvent>();

export const interfaceConfigViewSchema = declared<InterfaceConfigView>();
export const peerNamesSchema = declared<PeerNames>();
export const serverInterfaceSchema = declared<ServerInterface>();
export const interfaceDriftSchema = declared<InterfaceDrift>();
export const previewResultSchema = declared<PreviewResult>();
export const applyResultSchema = declared<ApplyResult>();
export const clientConfigResultSchema = declared<ClientConfigResult>();
export const peerTxEventSchema = declared<PeerTxEvent>();
