import { z } from 'zod';
import type { ServerLive, StatusThresholds } from './domain.ts';
import type { ErrorDetails } from './error-details.ts';
import type { ServerDelta } from './live-delta.ts';
import { COUNTER_NAMES } from './domain.ts';
import type {
  Retention,
  EndpointEvent,
  FleetSeries,
  HandshakeEvent,
  InterfaceSeries,
  PeerSeries,
  ServerSeries,
  UsageBucket,
} from './history.ts';
import type {
  ApplyRequest,
  ApplyResult,
  ChangeRequest,
  ClientConfigResult,
  InterfaceConfigView,
  InterfaceDrift,
  PeerNames,
  PeerTxEvent,
  PreviewRequest,
  PreviewResult,
  ServerInterface,
} from './peer-ops.ts';
import { KEEPALIVE_MAX, keepaliveProblem, peerNameProblem } from './peers.ts';
import {
  INTERFACE_NAME_PATTERN,
  LINUX_INTERFACE_NAME_RE,
  LINUX_INTERFACE_NAME_RULE,
  cidrProblem,
} from './ip-rules.ts';
import type { ServerConfig } from './server-config.ts';
import { intervalSchema, serverConfigSchema, serverNameSchema } from './validation.ts';

/**
 * The one contract between the engine and every front end (Electron IPC, the browser-mode WebSocket,
 * the CLI). Methods are named `domain:action`; each has a zod schema for its parameters, checked at
 * every transport boundary, because a renderer or a socket is untrusted input.
 */

export interface HostKeyInfo {
  host: string;
  port: number;
  keyType: string;
  fingerprint: string;
}

export interface HostKeyProbe {
  /** null when the server could not be reached at all. */
  key: HostKeyInfo | null;
  verdict: 'trusted' | 'unknown' | 'changed' | 'revoked' | 'unreachable';
  /** Why, in words, when not trusted. */
  message?: string;
}

export interface AddServerResult {
  server: ServerConfig;
  /** The host key pinned on first use, or the one already trusted. */
  hostKey: HostKeyInfo;
  interfaces: string[];
}

export interface Settings {
  intervalSeconds: number;
  thresholds: StatusThresholds;
  /** How long each history tier is kept; applied when the history store opens (next start). */
  retention: Retention;
}

export const addServerParams = z.tuple([
  z.strictObject({
    server: serverConfigSchema,
    /** Trust an unknown host key whose fingerprint equals this (what the admin was shown). */
    acceptFingerprint: z
      .string()
      .regex(/^SHA256:[A-Za-z0-9+/]{43}$/)
      .optional(),
    /** Trust any unknown host key (scripts: `--accept-new`). Never overrides a changed key. */
    acceptNew: z.boolean().optional(),
    password: z.string().max(4096).optional(),
    passphrase: z.string().max(4096).optional(),
    /** Keep the password / passphrase in the OS keychain where that is safe. */
    remember: z.boolean().optional(),
  }),
]);

const credentialsSchema = z.strictObject({
  password: z.string().max(4096).optional(),
  passphrase: z.string().max(4096).optional(),
  /** Keep them in the OS keychain (ignored where that is not safe: then asked once per run). */
  remember: z.boolean(),
});

/** Monitored interfaces: any name the kernel takes. */
const ifaceNameSchema = z.string().regex(LINUX_INTERFACE_NAME_RE, LINUX_INTERFACE_NAME_RULE);
const wgKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/, 'a WireGuard key is 44 characters of base64');
/** Laptop milliseconds; at most about three years, at most 4,000 points (a very wide screen). */
const rangeFields = {
  from: z.number().int().min(0),
  to: z.number().int().min(0),
  points: z.number().int().min(2).max(4000),
};
const rangeRule = (q: { from: number; to: number }) => q.to > q.from && q.to - q.from <= 3 * 366 * 86_400_000;
const RANGE_MESSAGE = 'a range needs from < to, at most three years apart';

/** Raw 1 h – 30 d, minute rollups 1 d – 5 y, hour rollups 1 d – 20 y, each tier at least as long as the last. */
export const retentionSchema = z
  .strictObject({
    rawHours: z.number().int().min(1).max(720),
    minuteDays: z.number().int().min(1).max(1830),
    hourDays: z.number().int().min(1).max(7300),
  })
  .refine(
    (r) => r.minuteDays * 24 >= r.rawHours && r.hourDays >= r.minuteDays,
    'each history tier must be kept at least as long as the finer one',
  );

export const historySchemas = {
  peer: z
    .strictObject({ server: serverNameSchema, iface: ifaceNameSchema, peer: wgKeySchema, ...rangeFields })
    .refine(rangeRule, RANGE_MESSAGE),
  iface: z
    .strictObject({
      server: serverNameSchema,
      iface: ifaceNameSchema,
      counters: z.array(z.enum(COUNTER_NAMES)).min(1).max(9),
      ...rangeFields,
    })
    .refine(rangeRule, RANGE_MESSAGE),
  server: z
    .strictObject({
      server: serverNameSchema,
      metrics: z
        .array(z.enum(['cpu', 'mem', 'disk', 'load1']))
        .min(1)
        .max(4),
      ...rangeFields,
    })
    .refine(rangeRule, RANGE_MESSAGE),
  fleet: z.strictObject(rangeFields).refine(rangeRule, RANGE_MESSAGE),
  usage: z
    .strictObject({
      server: serverNameSchema,
      iface: ifaceNameSchema,
      peer: wgKeySchema.optional(),
      by: z.enum(['day', 'month']),
      from: rangeFields.from,
      to: rangeFields.to,
    })
    .refine(rangeRule, RANGE_MESSAGE),
  events: z
    .strictObject({
      server: serverNameSchema,
      iface: ifaceNameSchema,
      peer: wgKeySchema,
      from: rangeFields.from,
      to: rangeFields.to,
    })
    .refine(rangeRule, RANGE_MESSAGE),
};

/**
 * Peer management input. The shapes and sizes are checked here; the meaning (a CIDR that parses and
 * overlaps nothing, a name that is unique) is the engine's, which reports every problem by field.
 */
const peerNameSchema = z.string().superRefine((name, ctx) => {
  const problem = peerNameProblem(name);
  if (problem) ctx.addIssue({ code: 'custom', message: `a peer name ${problem}` });
});
/** Addresses/prefixes as AllowedIPs takes them (a bare address is a host prefix), by the shared rule. */
const cidrListSchema = z
  .array(
    z
      .string()
      .max(64)
      .superRefine((text, ctx) => {
        const problem = cidrProblem(text);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
  )
  .max(256);
const keepaliveSchema = z
  .number()
  .int()
  .min(0)
  .max(KEEPALIVE_MAX)
  .nullable()
  .superRefine((value, ctx) => {
    const problem = keepaliveProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
/** A peer by public key or by name (resolved against the config file). */
const peerReferenceSchema = z.string().min(1).max(128);
const peerChangeSchema = z.discriminatedUnion('action', [
  z.strictObject({
    action: z.literal('add'),
    draft: z.strictObject({
      name: peerNameSchema,
      allowedIps: z.union([z.literal('auto'), cidrListSchema.min(1)]),
      persistentKeepalive: keepaliveSchema,
      presharedKey: z.boolean(),
      publicKey: wgKeySchema.optional(),
    }),
  }),
  z.strictObject({
    action: z.literal('edit'),
    peer: peerReferenceSchema,
    edit: z.strictObject({
      name: peerNameSchema.optional(),
      allowedIps: cidrListSchema.min(1).optional(),
      persistentKeepalive: keepaliveSchema.optional(),
      presharedKey: z.enum(['rotate', 'remove']).optional(),
    }),
  }),
  z.strictObject({ action: z.enum(['disable', 'enable', 'remove']), peer: peerReferenceSchema }),
]);
const peerOperationSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('changes'), changes: z.array(peerChangeSchema).min(1).max(500) }),
  z.strictObject({
    kind: z.literal('restore'),
    backup: z
      .string()
      .regex(
        new RegExp(`^${INTERFACE_NAME_PATTERN}\\.conf\\.\\d{8}T\\d{6}(?:\\d{3})?Z$`),
        'not a backup name',
      ),
  }),
  z.strictObject({ kind: z.literal('reconcile'), direction: z.enum(['file-to-live', 'live-to-file']) }),
  z.strictObject({ kind: z.literal('save-config-off') }),
]);
const clientOptionsSchema = z.strictObject({
  dns: z.array(z.string().min(1).max(253)).max(8),
  mtu: z.number().int().min(576).max(65535).nullable(),
  allowedIps: cidrListSchema.min(1),
  endpointHost: z.string().min(1).max(253).optional(),
});
const previewFields = {
  server: serverNameSchema,
  iface: ifaceNameSchema,
  operation: peerOperationSchema,
  client: clientOptionsSchema.optional(),
};
const applyFields = {
  confirmTimeoutSeconds: z.number().int().min(10).max(3600).optional(),
  restart: z.boolean().optional(),
  keepPrivateKeys: z.boolean().optional(),
};
const planIdSchema = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'not a plan id');

export const peerSchemas = {
  preview: z.strictObject(previewFields),
  apply: z.strictObject({ planId: planIdSchema, ...applyFields }),
  change: z.strictObject({ ...previewFields, ...applyFields }),
};

export const methodSchemas = {
  'app:info': z.tuple([]),
  'server:list': z.tuple([]),
  'server:add': addServerParams,
  'server:remove': z.tuple([serverNameSchema]),
  /** Change a server's settings (same name); its session reconnects with them. */
  'server:update': z.tuple([serverConfigSchema]),
  'server:reconnect': z.tuple([serverNameSchema]),
  'server:setCredentials': z.tuple([serverNameSchema, credentialsSchema]),
  /** Hosts from ~/.ssh/config, as candidates for the add-server form. */
  'server:importSshConfig': z.tuple([]),
  /** Deliberately replace a pinned key that changed, after the admin compared fingerprints. */
  'server:retrust': z.tuple([serverNameSchema, z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/)]),
  /** Connects just far enough to read the host key a server presents, and says whether it is trusted. */
  'server:probeHostKey': z.tuple([serverNameSchema]),
  'fleet:state': z.tuple([]),
  'fleet:sync': z.tuple([]),
  'history:peer': z.tuple([historySchemas.peer]),
  'history:interface': z.tuple([historySchemas.iface]),
  'history:server': z.tuple([historySchemas.server]),
  'history:fleet': z.tuple([historySchemas.fleet]),
  'history:usage': z.tuple([historySchemas.usage]),
  /** A peer's handshakes and endpoint changes in a range. */
  'history:events': z.tuple([historySchemas.events]),
  /** An interface's config file, its peers (disabled ones too), drift, backups. */
  'peers:read': z.tuple([serverNameSchema, ifaceNameSchema]),
  /** Peer names learned from config files so far (the live views show them instead of keys). */
  'peers:names': z.tuple([]),
  /** The interfaces a server has: live ones and config files in /etc/wireguard (down ones too). */
  'peers:interfaces': z.tuple([serverNameSchema]),
  /** Drift of every interface of a server (live ones and config files in /etc/wireguard). */
  'peers:drift': z.tuple([serverNameSchema]),
  /** Plans an operation without touching the server; the plan is kept in memory for `peers:apply`. */
  'peers:preview': z.tuple([peerSchemas.preview]),
  'peers:apply': z.tuple([peerSchemas.apply]),
  /** Forget a previewed plan (and any key generated for it). */
  'peers:discard': z.tuple([planIdSchema]),
  /** Preview + apply under one server-side lock (the CLI): a file changed meanwhile is simply re-read. */
  'peers:change': z.tuple([peerSchemas.change]),
  /** A peer's client config again, when its private key was kept in the OS keychain. */
  'peers:clientConfig': z.tuple([serverNameSchema, ifaceNameSchema, wgKeySchema]),
  'settings:get': z.tuple([]),
  'settings:update': z.tuple([
    z.strictObject({
      intervalSeconds: intervalSchema.optional(),
      thresholds: z
        .strictObject({
          onlineSeconds: z.number().int().min(10).max(86_400),
          staleSeconds: z.number().int().min(20).max(604_800),
        })
        .refine((t) => t.staleSeconds > t.onlineSeconds, 'stale threshold must exceed the online threshold')
        .optional(),
      retention: retentionSchema.optional(),
    }),
  ]),
} as const;

export interface AppInfo {
  version: string;
  dataDir: string;
  /** Which front end hosts the engine. */
  host: 'electron' | 'browser' | 'cli';
  /** Whether passwords can be kept across runs (OS keychain with a real backend). */
  canPersistSecrets: boolean;
}

/** A Host block of ~/.ssh/config, resolved, ready to prefill the add-server form. */
export interface SshConfigCandidate {
  alias: string;
  host: string;
  port: number;
  user?: string;
  identityFile?: string;
  jump?: string;
}

export interface ApiMethods {
  'app:info': () => AppInfo;
  'server:list': () => ServerConfig[];
  'server:add': (input: z.infer<typeof addServerParams>[0]) => AddServerResult;
  'server:remove': (name: string) => void;
  'server:update': (server: ServerConfig) => ServerConfig;
  'server:reconnect': (name: string) => void;
  'server:setCredentials': (name: string, credentials: z.infer<typeof credentialsSchema>) => void;
  'server:importSshConfig': () => SshConfigCandidate[];
  'server:retrust': (name: string, fingerprint: string) => HostKeyInfo;
  'server:probeHostKey': (name: string) => HostKeyProbe;
  'fleet:state': () => ServerLive[];
  /** Full state with each server's delta sequence number: load once, then apply `fleet:delta`s. */
  'fleet:sync': () => SyncedServer[];
  'history:peer': (query: z.infer<typeof historySchemas.peer>) => PeerSeries;
  'history:interface': (query: z.infer<typeof historySchemas.iface>) => InterfaceSeries;
  'history:server': (query: z.infer<typeof historySchemas.server>) => ServerSeries;
  'history:fleet': (query: z.infer<typeof historySchemas.fleet>) => FleetSeries;
  'history:usage': (query: z.infer<typeof historySchemas.usage>) => UsageBucket[];
  'history:events': (query: z.infer<typeof historySchemas.events>) => {
    handshakes: HandshakeEvent[];
    endpoints: EndpointEvent[];
  };
  'peers:read': (server: string, iface: string) => InterfaceConfigView;
  'peers:names': () => PeerNames[];
  'peers:interfaces': (server: string) => ServerInterface[];
  'peers:drift': (server: string) => InterfaceDrift[];
  'peers:preview': (request: PreviewRequest) => PreviewResult;
  'peers:apply': (request: ApplyRequest) => ApplyResult;
  'peers:discard': (planId: string) => void;
  'peers:change': (request: ChangeRequest) => ApplyResult;
  'peers:clientConfig': (server: string, iface: string, publicKey: string) => ClientConfigResult;
  'settings:get': () => Settings;
  'settings:update': (patch: z.infer<(typeof methodSchemas)['settings:update']>[0]) => Settings;
}

export type MethodName = keyof ApiMethods;

/**
 * How long a front end should wait for an answer, when longer than its default: an apply lasts until
 * its change is verified, which may take up to the confirm timeout (at most an hour) plus the lock.
 */
export function methodTimeoutMs(method: MethodName): number | undefined {
  return method === 'peers:apply' || method === 'peers:change' ? (3600 + 180) * 1000 : undefined;
}

export interface SyncedServer {
  name: string;
  seq: number;
  live: ServerLive;
}

export interface ApiEvents {
  /** One update per server per poll, and on every connection state change: the full state. */
  'fleet:server': ServerLive;
  /** The same update as a delta (only changed peers): what crosses a process or network boundary. */
  'fleet:delta': ServerDelta;
  /** A server was removed from the fleet. */
  'fleet:removed': { name: string };
  /**
   * Sent by a transport, never by the engine: updates may have been lost (the connection dropped and
   * came back, the receiver fell behind, the engine process restarted). Fetch `fleet:sync` and replace
   * everything held.
   */
  'fleet:resync': { reason: 'reconnected' | 'overflow' | 'restarted' };
  /** Progress of a peer change being applied (the commit-confirmed countdown). */
  'peers:tx': PeerTxEvent;
  /** An interface's peer names changed (a config file was read or written). */
  'peers:names': PeerNames;
}

export type EventName = keyof ApiEvents;

/**
 * Whether each event crosses a process or network boundary to the front ends (Electron's engine
 * process → main → renderer, browser mode's WebSocket), declared once: a new event that is not
 * classified here fails to compile. `fleet:server` stays inside (its delta crosses instead);
 * `fleet:resync` is made by the transports themselves.
 */
const EVENT_CROSSES = {
  'fleet:server': false,
  'fleet:delta': true,
  'fleet:removed': true,
  'fleet:resync': false,
  'peers:tx': true,
  'peers:names': true,
} as const satisfies Record<EventName, boolean>;

/** The engine events every transport forwards to its front end. */
export const FORWARDED_EVENTS = (Object.keys(EVENT_CROSSES) as EventName[]).filter(
  (event) => EVENT_CROSSES[event],
);

/** What every transport exposes: call a method, subscribe to an event (the return value unsubscribes). */
export interface WgDeckApi {
  invoke<M extends MethodName>(
    method: M,
    ...args: Parameters<ApiMethods[M]>
  ): Promise<ReturnType<ApiMethods[M]>>;
  subscribe<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
}

/** Errors cross transports as plain data and are rebuilt on the other side with name, code, message. */
export interface SerializedError {
  name: string;
  code: string;
  message: string;
  /** Facts a UI acts on (host key fingerprints, the sudoers line), validated on both sides. */
  details?: ErrorDetails;
}

// --- The contract's two halves must agree -----------------------------------------------------------

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type SchemaArgs = { [M in keyof typeof methodSchemas]: z.infer<(typeof methodSchemas)[M]> };
/** Methods whose typed parameters differ from their schema (should be `never`). */
type MismatchedMethods = {
  [M in MethodName]: M extends keyof SchemaArgs
    ? Same<Parameters<ApiMethods[M]>, SchemaArgs[M]> extends true
      ? never
      : M
    : M;
}[MethodName];
/** A method without a schema, or whose parameters are not its schema's, fails to compile here. */
export const contractAgrees: [MismatchedMethods] extends [never]
  ? [keyof SchemaArgs] extends [MethodName]
    ? true
    : 'a schema without a method'
  : { mismatched: MismatchedMethods } = true;
