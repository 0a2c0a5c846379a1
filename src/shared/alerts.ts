import { z } from 'zod';
import { ifaceNameSchema, wgKeySchema } from './api-params.ts';
import { serverNameSchema } from './validation.ts';

/**
 * Alert rules, firing alerts and the webhook, declared once: `<dataDir>/alerts.json`, the contract's
 * `alert:*` methods, the CLI and the alerts screen all check them with these schemas.
 */

export const ALERT_KINDS = [
  'interface-problems',
  'peer-offline',
  'server-unreachable',
  'ping-loss',
  'peer-traffic',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** What each kind watches, in the UI's and the CLI's words. */
export const ALERT_KIND_LABEL: Record<AlertKind, string> = {
  'interface-problems': 'Interface errors or drops',
  'peer-offline': 'Peer offline',
  'server-unreachable': 'Server unreachable',
  'ping-loss': 'Ping failing',
  'peer-traffic': 'Peer traffic per day',
};

/** "Until cleared": a snooze that lasts until the admin lifts it (9999-12-31T23:59:59Z). */
export const SNOOZE_UNTIL_CLEARED = 253_402_300_799;

export const alertRuleIdSchema = z.string().regex(/^[a-z0-9]{8}$/, 'an alert rule id is 8 letters or digits');

/** Up to 1 week: longer than that is a rule that should be disabled instead. */
const minutesSchema = z.number().int().min(0).max(10_080);

/** Which server, interface, peer a rule watches; an absent field matches every one. */
const serverScope = { server: serverNameSchema.optional() };
const ifaceScope = { ...serverScope, iface: ifaceNameSchema.optional() };
const peerScope = { ...ifaceScope, publicKey: wgKeySchema.optional() };

/** Each kind's scope and thresholds (without the fields every rule has). */
const KIND_FIELDS = {
  /** Seed 004: errors or drops (RX+TX) per minute on an interface above `perMinute`. */
  'interface-problems': {
    ...ifaceScope,
    /** Which counters: errors, drops, or either of the two. */
    counters: z.enum(['errors', 'drops', 'either']),
    perMinute: z.number().positive().max(1e12),
  },
  /** A watched peer (one server, interface and key) offline for `minutes`. */
  'peer-offline': {
    server: serverNameSchema,
    iface: ifaceNameSchema,
    publicKey: wgKeySchema,
    minutes: minutesSchema.min(1),
  },
  'server-unreachable': { ...serverScope, minutes: minutesSchema },
  /** A peer's ping check failing for `minutes` (0: as soon as it fails). */
  'ping-loss': { ...peerScope, minutes: minutesSchema },
  /** A peer's received + sent bytes in one (UTC) day above `bytesPerDay`. */
  'peer-traffic': { ...peerScope, bytesPerDay: z.number().int().positive().max(1e18) },
} as const;

const common = {
  id: alertRuleIdSchema,
  enabled: z.boolean(),
  /** Unix seconds; null: not snoozed. A snoozed rule still evaluates, but nobody is notified. */
  snoozedUntil: z.number().int().min(0).nullable(),
};

function ruleOf<K extends AlertKind>(kind: K) {
  return z.strictObject({ ...common, kind: z.literal(kind), ...KIND_FIELDS[kind] });
}

export const alertRuleSchema = z.discriminatedUnion('kind', [
  ruleOf('interface-problems'),
  ruleOf('peer-offline'),
  ruleOf('server-unreachable'),
  ruleOf('ping-loss'),
  ruleOf('peer-traffic'),
]);
export type AlertRule = z.infer<typeof alertRuleSchema>;

/** A new rule: no id yet (the engine gives one), enabled and not snoozed unless said. */
function newRuleOf<K extends AlertKind>(kind: K) {
  return z.strictObject({
    kind: z.literal(kind),
    enabled: z.boolean().optional(),
    ...KIND_FIELDS[kind],
  });
}

export const newAlertRuleSchema = z.discriminatedUnion('kind', [
  newRuleOf('interface-problems'),
  newRuleOf('peer-offline'),
  newRuleOf('server-unreachable'),
  newRuleOf('ping-loss'),
  newRuleOf('peer-traffic'),
]);
export type NewAlertRule = z.infer<typeof newAlertRuleSchema>;

/** Snooze for this many seconds (up to a year), until cleared, or lift it (null). */
export const snoozeSchema = z.union([
  z
    .number()
    .int()
    .min(60)
    .max(366 * 86_400),
  z.literal('until-cleared'),
  z.null(),
]);
export type Snooze = z.infer<typeof snoozeSchema>;

/** http or https only: a webhook gets alert texts, nothing else may be asked to (file:, data:…). */
export const webhookUrlSchema = z
  .string()
  .max(2048)
  .refine((text) => {
    try {
      const url = new URL(text);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
    } catch {
      return false;
    }
  }, 'a webhook URL is an http:// or https:// address');

export const webhookSettingsSchema = z.strictObject({ url: webhookUrlSchema.nullable() });
export type WebhookSettings = z.infer<typeof webhookSettingsSchema>;

/** What a webhook test got: the HTTP status, or why there was none. */
export const webhookTestResultSchema = z.object({
  ok: z.boolean(),
  status: z.number().int().nullable(),
  error: z.string().nullable(),
});
export type WebhookTestResult = z.infer<typeof webhookTestResultSchema>;

/** One alert firing now: a rule's condition, true for one subject (an interface, a peer, a server). */
export const firingAlertSchema = z.object({
  rule: alertRuleIdSchema,
  kind: z.enum(ALERT_KINDS),
  server: z.string(),
  iface: z.string().nullable(),
  publicKey: z.string().nullable(),
  /** What is wrong, in words (names a server, interface or peer: show as text only). */
  message: z.string(),
  /** Unix seconds when it fired. */
  since: z.number(),
  /** Its rule is snoozed: listed, but not notified. */
  snoozed: z.boolean(),
});
export type FiringAlert = z.infer<typeof firingAlertSchema>;

/** A stable key for one alert (rule + subject): what notifiers remember to notify only once. */
export function firingKey(alert: Pick<FiringAlert, 'rule' | 'server' | 'iface' | 'publicKey'>): string {
  return [alert.rule, alert.server, alert.iface ?? '', alert.publicKey ?? ''].join('\u0000');
}
