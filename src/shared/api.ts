import { z } from 'zod';
import type { ErrorDetails } from './error-details.ts';
import {
  addServerParams,
  credentialsSchema,
  historySchemas,
  ifaceNameSchema,
  peerSchemas,
  planIdSchema,
  wgKeySchema,
} from './api-params.ts';
import {
  addServerResultSchema,
  appInfoSchema,
  hostKeyInfoSchema,
  hostKeyProbeSchema,
  sshConfigCandidateSchema,
  syncedServerSchema,
  type AddServerResult,
  type AppInfo,
  type HostKeyInfo,
  type HostKeyProbe,
  type SshConfigCandidate,
  type SyncedServer,
} from './api-results.ts';
import { serverLiveSchema } from './domain.ts';
import { exporterStatusSchema } from './exporter-settings.ts';
import {
  fleetSeriesSchema,
  interfaceSeriesSchema,
  peerEventsSchema,
  peerSeriesSchema,
  serverSeriesSchema,
  usageBucketSchema,
} from './history.ts';
import { serverDeltaSchema } from './live-delta.ts';
import {
  applyResultSchema,
  clientConfigResultSchema,
  interfaceConfigViewSchema,
  interfaceDriftSchema,
  peerNamesSchema,
  peerTxEventSchema,
  previewResultSchema,
  serverInterfaceSchema,
} from './peer-ops.ts';
import { settingsPatchSchema, settingsSchema } from './settings.ts';
import { eventQuerySchema, loggedEventSchema } from './event-log.ts';
import { groupSummarySchema } from './groups.ts';
import { placementSchema } from './placement.ts';
import {
  alertRuleIdSchema,
  alertRuleSchema,
  firingAlertSchema,
  newAlertRuleSchema,
  snoozeSchema,
  webhookSettingsSchema,
  webhookTestResultSchema,
  webhookUrlSchema,
} from './alerts.ts';
import { groupNameSchema, groupSchema, serverConfigSchema, serverNameSchema } from './validation.ts';

/**
 * The one contract between the engine and every front end (Electron IPC, the browser-mode WebSocket,
 * the CLI). Each method is declared once here: its argument schema (checked at every transport
 * boundary, because a renderer or a socket is untrusted input), its result schema, how long a front
 * end waits for it, and whether a front end may send it again after a dropped connection. Each event
 * likewise: its payload schema and whether it crosses to the front ends. Every TypeScript type of the
 * contract is inferred from these declarations.
 */

export type { AddServerResult, AppInfo, HostKeyInfo, HostKeyProbe, SshConfigCandidate, SyncedServer };
export type { Settings } from './settings.ts';

interface MethodSpec<P extends z.ZodTuple, R extends z.ZodType> {
  params: P;
  result: R;
  /**
   * Reads, and writes that leave the same state when repeated: a front end may send them again after
   * the connection dropped mid-call. Anything else (an apply, an add) must never run twice unasked.
   */
  retrySafe: boolean;
  /** How long a front end waits, when longer than its default. */
  timeoutMs?: number;
}

const method = <P extends z.ZodTuple, R extends z.ZodType>(spec: MethodSpec<P, R>): MethodSpec<P, R> => spec;
const none = z.tuple([]);
const nothing = z.void();
/** An apply lasts until its change is verified: up to the confirm timeout (≤ 1 h) plus the lock. */
const APPLY_TIMEOUT_MS = (3600 + 180) * 1000;

export const METHODS = {
  'app:info': method({ params: none, result: appInfoSchema, retrySafe: true }),
  'server:list': method({ params: none, result: z.array(serverConfigSchema), retrySafe: true }),
  'server:add': method({ params: addServerParams, result: addServerResultSchema, retrySafe: false }),
  'server:remove': method({ params: z.tuple([serverNameSchema]), result: nothing, retrySafe: false }),
  /** Change a server's settings (same name); its session reconnects with them. */
  'server:update': method({
    params: z.tuple([serverConfigSchema]),
    result: serverConfigSchema,
    retrySafe: true,
  }),
  'server:reconnect': method({ params: z.tuple([serverNameSchema]), result: nothing, retrySafe: true }),
  'server:setCredentials': method({
    params: z.tuple([serverNameSchema, credentialsSchema]),
    result: nothing,
    retrySafe: true,
  }),
  /** Hosts from ~/.ssh/config, as candidates for the add-server form. */
  'server:importSshConfig': method({
    params: none,
    result: z.array(sshConfigCandidateSchema),
    retrySafe: true,
  }),
  /** Deliberately replace a pinned key that changed, after the admin compared fingerprints. */
  'server:retrust': method({
    params: z.tuple([serverNameSchema, z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/)]),
    result: hostKeyInfoSchema,
    retrySafe: false,
  }),
  /** Connects just far enough to read the host key a server presents, and says whether it is trusted. */
  'server:probeHostKey': method({
    params: z.tuple([serverNameSchema]),
    result: hostKeyProbeSchema,
    retrySafe: true,
  }),
  /** Groups, defined or only named by servers, each with its servers. */
  'group:list': method({ params: none, result: z.array(groupSummarySchema), retrySafe: true }),
  'group:add': method({ params: z.tuple([groupSchema]), result: groupSchema, retrySafe: false }),
  'group:update': method({ params: z.tuple([groupSchema]), result: groupSchema, retrySafe: true }),
  'group:remove': method({ params: z.tuple([groupNameSchema]), result: nothing, retrySafe: false }),
  /** Where a new peer goes: the ranking within a group (null: the whole fleet), seed 001's formula. */
  'placement:rank': method({
    params: z.tuple([groupNameSchema.nullable()]),
    result: placementSchema,
    retrySafe: true,
    timeoutMs: 60_000,
  }),
  'fleet:state': method({ params: none, result: z.array(serverLiveSchema), retrySafe: true }),
  /** Full state with each server's delta sequence number: load once, then apply `fleet:delta`s. */
  'fleet:sync': method({ params: none, result: z.array(syncedServerSchema), retrySafe: true }),
  /** The event log, newest first (kept with history; readable from any process). */
  'events:list': method({
    params: z.tuple([eventQuerySchema]),
    result: z.array(loggedEventSchema),
    retrySafe: true,
  }),
  'history:peer': method({
    params: z.tuple([historySchemas.peer]),
    result: peerSeriesSchema,
    retrySafe: true,
  }),
  'history:interface': method({
    params: z.tuple([historySchemas.iface]),
    result: interfaceSeriesSchema,
    retrySafe: true,
  }),
  'history:server': method({
    params: z.tuple([historySchemas.server]),
    result: serverSeriesSchema,
    retrySafe: true,
  }),
  'history:fleet': method({
    params: z.tuple([historySchemas.fleet]),
    result: fleetSeriesSchema,
    retrySafe: true,
  }),
  'history:usage': method({
    params: z.tuple([historySchemas.usage]),
    result: z.array(usageBucketSchema),
    retrySafe: true,
  }),
  /** A peer's handshakes and endpoint changes in a range. */
  'history:events': method({
    params: z.tuple([historySchemas.events]),
    result: peerEventsSchema,
    retrySafe: true,
  }),
  /** An interface's config file, its peers (disabled ones too), drift, backups. */
  'peers:read': method({
    params: z.tuple([serverNameSchema, ifaceNameSchema]),
    result: interfaceConfigViewSchema,
    retrySafe: true,
  }),
  /** Peer names learned from config files so far (the live views show them instead of keys). */
  'peers:names': method({ params: none, result: z.array(peerNamesSchema), retrySafe: true }),
  /** The interfaces a server has: live ones and config files in /etc/wireguard (down ones too). */
  'peers:interfaces': method({
    params: z.tuple([serverNameSchema]),
    result: z.array(serverInterfaceSchema),
    retrySafe: true,
  }),
  /** Drift of every interface of a server (live ones and config files in /etc/wireguard). */
  'peers:drift': method({
    params: z.tuple([serverNameSchema]),
    result: z.array(interfaceDriftSchema),
    retrySafe: true,
  }),
  /** Plans an operation without touching the server; the plan is kept in memory for `peers:apply`. */
  'peers:preview': method({
    params: z.tuple([peerSchemas.preview]),
    result: previewResultSchema,
    retrySafe: false,
  }),
  'peers:apply': method({
    params: z.tuple([peerSchemas.apply]),
    result: applyResultSchema,
    retrySafe: false,
    timeoutMs: APPLY_TIMEOUT_MS,
  }),
  /** Forget a previewed plan (and any key generated for it). */
  'peers:discard': method({ params: z.tuple([planIdSchema]), result: nothing, retrySafe: true }),
  /** Preview + apply under one server-side lock (the CLI): a file changed meanwhile is simply re-read. */
  'peers:change': method({
    params: z.tuple([peerSchemas.change]),
    result: applyResultSchema,
    retrySafe: false,
    timeoutMs: APPLY_TIMEOUT_MS,
  }),
  /** A peer's client config again, when its private key was kept in the OS keychain. */
  'peers:clientConfig': method({
    params: z.tuple([serverNameSchema, ifaceNameSchema, wgKeySchema]),
    result: clientConfigResultSchema,
    retrySafe: true,
  }),
  /** Alert rules (alerts.json), in the order they were added. */
  'alert:list': method({ params: none, result: z.array(alertRuleSchema), retrySafe: true }),
  'alert:add': method({ params: z.tuple([newAlertRuleSchema]), result: alertRuleSchema, retrySafe: false }),
  /** Replaces the rule with the same id (thresholds, scope, enabled). */
  'alert:update': method({ params: z.tuple([alertRuleSchema]), result: alertRuleSchema, retrySafe: true }),
  'alert:remove': method({ params: z.tuple([alertRuleIdSchema]), result: nothing, retrySafe: false }),
  /** Snooze a rule for N seconds or until cleared (null: lift it): it still evaluates, nobody is told. */
  'alert:snooze': method({
    params: z.tuple([alertRuleIdSchema, snoozeSchema]),
    result: alertRuleSchema,
    retrySafe: false,
  }),
  /** The alerts firing now in this engine (`alerts:changed` follows the list). */
  'alerts:firing': method({ params: none, result: z.array(firingAlertSchema), retrySafe: true }),
  'alert:webhook': method({ params: none, result: webhookSettingsSchema, retrySafe: true }),
  'alert:setWebhook': method({
    params: z.tuple([webhookSettingsSchema]),
    result: webhookSettingsSchema,
    retrySafe: true,
  }),
  /** POSTs a test payload to the URL given (null: the saved one); the status or the error. */
  'alert:testWebhook': method({
    params: z.tuple([webhookUrlSchema.nullable()]),
    result: webhookTestResultSchema,
    retrySafe: false,
    timeoutMs: 15_000,
  }),
  /** The Prometheus endpoint's address and the VictoriaMetrics push's state and backlog. */
  'exporters:status': method({ params: none, result: exporterStatusSchema, retrySafe: true }),
  /** VictoriaMetrics' password (basic auth) or token (bearer), into the keychain; null forgets it. */
  'exporters:setVmSecret': method({
    params: z.tuple([z.string().min(1).max(4096).nullable()]),
    result: nothing,
    retrySafe: true,
  }),
  /** Whether a VictoriaMetrics password or token is kept (the form says "set", never shows it). */
  'exporters:vmSecretSet': method({ params: none, result: z.boolean(), retrySafe: true }),
  'settings:get': method({ params: none, result: settingsSchema, retrySafe: true }),
  'settings:update': method({
    params: z.tuple([settingsPatchSchema]),
    result: settingsSchema,
    retrySafe: true,
  }),
} as const;

export type MethodName = keyof typeof METHODS;

/** Every method as a function type, inferred from its declaration: what a front end calls. */
export type ApiMethods = {
  [M in MethodName]: (
    ...args: z.output<(typeof METHODS)[M]['params']>
  ) => z.output<(typeof METHODS)[M]['result']>;
};

/** What the engine implements: one async handler per method (a missing one fails to compile). */
export type ApiHandlers = {
  [M in MethodName]: (...args: Parameters<ApiMethods[M]>) => Promise<ReturnType<ApiMethods[M]>>;
};

/** Each method's argument schema (a view of METHODS, for forms and the CLI that check early). */
export const methodSchemas = Object.fromEntries(
  Object.entries(METHODS).map(([name, spec]) => [name, spec.params]),
) as { [M in MethodName]: (typeof METHODS)[M]['params'] };

/** How long a front end should wait for an answer, when longer than its default. */
export function methodTimeoutMs(name: MethodName): number | undefined {
  const spec: { timeoutMs?: number } = METHODS[name];
  return spec.timeoutMs;
}

export function isRetrySafe(name: MethodName): boolean {
  return METHODS[name].retrySafe;
}

interface EventSpec<P extends z.ZodType> {
  payload: P;
  /**
   * Whether the event crosses a process or network boundary to the front ends (Electron's engine
   * process → main → renderer, browser mode's WebSocket).
   */
  crosses: boolean;
}

const event = <P extends z.ZodType>(spec: EventSpec<P>): EventSpec<P> => spec;

export const EVENTS = {
  /**
   * One update per server per poll, and on every connection state change: the full state. Stays
   * inside the engine's process (its delta crosses instead).
   */
  'fleet:server': event({ payload: serverLiveSchema, crosses: false }),
  /** The same update as a delta (only changed peers): what crosses a process or network boundary. */
  'fleet:delta': event({ payload: serverDeltaSchema, crosses: true }),
  /** A server was removed from the fleet. */
  'fleet:removed': event({ payload: z.object({ name: z.string() }), crosses: true }),
  /**
   * Sent by a transport, never by the engine: updates may have been lost (the connection dropped and
   * came back, the receiver fell behind, the engine process restarted). Fetch `fleet:sync` and replace
   * everything held.
   */
  'fleet:resync': event({
    payload: z.object({ reason: z.enum(['reconnected', 'overflow', 'restarted']) }),
    crosses: false,
  }),
  /** Progress of a peer change being applied (the commit-confirmed countdown). */
  'peers:tx': event({ payload: peerTxEventSchema, crosses: true }),
  /** An interface's peer names changed (a config file was read or written). */
  'peers:names': event({ payload: peerNamesSchema, crosses: true }),
  /** The alerts firing now, whole, whenever the list changes (fired, resolved, snoozed). */
  'alerts:changed': event({ payload: z.array(firingAlertSchema), crosses: true }),
  /**
   * The lifecycle enforcer disabled or re-enabled a peer, or warns of its quota or expiry (issue 15):
   * the event log entry, for a desktop notification.
   */
  'peers:lifecycle': event({ payload: loggedEventSchema, crosses: true }),
} as const;

export type EventName = keyof typeof EVENTS;
export type ApiEvents = { [E in EventName]: z.output<(typeof EVENTS)[E]['payload']> };

/** The engine events every transport forwards to its front end. */
export const FORWARDED_EVENTS = (Object.keys(EVENTS) as EventName[]).filter((name) => EVENTS[name].crosses);

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
