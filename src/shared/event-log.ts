/**
 * The event log (issue 12): what happened in the fleet, kept with history and shown by `wgdeck events`
 * and the UI. Each type is declared once here; the recorder (core/events/) maps the engine's domain
 * facts onto them.
 */
import { z } from 'zod';

/**
 * What the lifecycle enforcer (issue 15) did or warns of: each one an event and a notification.
 * Disabling and re-enabling go through the same locked, backed-up, verified change as a hand's.
 */
export const LIFECYCLE_EVENT_TYPES = [
  /** 80 % of the quota used in its period (once per period). */
  'peer.quotaWarning',
  /** Over its quota: disabled until the next period (or by hand, for a `manual` quota). */
  'peer.quotaExceeded',
  /** A new period (or a raised or removed quota): re-enabled. */
  'peer.quotaReset',
  /** Expires within 3 days (once per expiry date). */
  'peer.expiryWarning',
  /** Its expiry passed: disabled. */
  'peer.expired',
  /** Its expiry was moved later (or removed): re-enabled. */
  'peer.expiryExtended',
  /** Outside its schedule's hours: disabled. */
  'peer.disabledBySchedule',
  /** Inside its schedule's hours again: re-enabled. */
  'peer.enabledBySchedule',
  /** The enforcer's change was refused or failed (retried at the next interval, said once). */
  'peer.enforcementFailed',
] as const;
export type LifecycleEventType = (typeof LIFECYCLE_EVENT_TYPES)[number];

/** Their words, for the event log and the notification's title alike. */
export const LIFECYCLE_EVENT_LABEL: Record<LifecycleEventType, string> = {
  'peer.quotaWarning': 'Quota nearly used',
  'peer.quotaExceeded': 'Over quota: disabled',
  'peer.quotaReset': 'Quota reset: enabled',
  'peer.expiryWarning': 'Expires soon',
  'peer.expired': 'Expired: disabled',
  'peer.expiryExtended': 'Expiry extended: enabled',
  'peer.disabledBySchedule': 'Off schedule: disabled',
  'peer.enabledBySchedule': 'On schedule: enabled',
  'peer.enforcementFailed': 'Enforcement failed',
};

export function isLifecycleEvent(type: EventType): type is LifecycleEventType {
  return (LIFECYCLE_EVENT_TYPES as readonly string[]).includes(type);
}

export const EVENT_TYPES = [
  'peer.online',
  'peer.offline',
  'peer.session',
  'peer.roamed',
  'ping.failed',
  'ping.recovered',
  'server.unreachable',
  'server.recovered',
  'server.rebooted',
  'interface.errors',
  'counter.reset',
  'drift.found',
  'change.applied',
  'change.rolledBack',
  'alert.fired',
  'alert.resolved',
  ...LIFECYCLE_EVENT_TYPES,
] as const;
export const eventTypeSchema = z.enum(EVENT_TYPES);
export type EventType = z.infer<typeof eventTypeSchema>;

/** Facts of one event: short values (a from/to endpoint, an error text, counts), never secrets. */
export const eventDetailsSchema = z.record(
  z.string(),
  z.union([z.string(), z.number(), z.boolean(), z.null()]),
);

export const loggedEventSchema = z.object({
  /** Unix seconds (with milliseconds) of the laptop clock when it was seen. */
  at: z.number(),
  type: eventTypeSchema,
  server: z.string(),
  interface: z.string().nullable(),
  /** The peer's public key. */
  peer: z.string().nullable(),
  /** The peer's name when it was known at the time. */
  name: z.string().nullable(),
  details: eventDetailsSchema,
});
export type LoggedEvent = z.infer<typeof loggedEventSchema>;

export const EVENT_QUERY_LIMIT_MAX = 10_000;

export const eventQuerySchema = z.strictObject({
  server: z.string().min(1).max(64).optional(),
  /** A public key, or a name (exact). */
  peer: z.string().min(1).max(128).optional(),
  types: z.array(eventTypeSchema).max(EVENT_TYPES.length).optional(),
  /** Unix seconds: only events at or after. */
  since: z.number().nonnegative().optional(),
  /** Unix seconds: only events at or before (a chart showing a past window). */
  until: z.number().nonnegative().optional(),
  /** Newest first, at most this many. */
  limit: z.number().int().min(1).max(EVENT_QUERY_LIMIT_MAX).optional(),
});
export type EventQuery = z.infer<typeof eventQuerySchema>;
