import { statusRuleSchema } from './domain.ts';
import { peerThresholdsSchema } from './peer-options.ts';
import { disabledBySchema, expiresAtSchema, quotaSchema, scheduleInputSchema } from './peer-lifecycle.ts';
import { checkAddressProblem } from './check-address.ts';
import { z } from 'zod';
import { COUNTER_NAMES } from './domain.ts';
import { KEEPALIVE_MAX, keepaliveProblem, peerNameProblem } from './peers.ts';
import {
  INTERFACE_NAME_PATTERN,
  LINUX_INTERFACE_NAME_RE,
  LINUX_INTERFACE_NAME_RULE,
  cidrProblem,
} from './ip-rules.ts';
import { serverConfigSchema, serverNameSchema } from './validation.ts';

/**
 * The contract's argument schemas: what a front end may send. Shapes and sizes are checked here, at
 * every transport boundary (a renderer or a socket is untrusted input); meaning that needs the
 * server's state (a CIDR that overlaps nothing, a unique name) is checked by the engine.
 */

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

export const credentialsSchema = z.strictObject({
  password: z.string().max(4096).optional(),
  passphrase: z.string().max(4096).optional(),
  /** Keep them in the OS keychain (ignored where that is not safe: then asked once per run). */
  remember: z.boolean(),
});

/** Monitored interfaces: any name the kernel takes. */
export const ifaceNameSchema = z.string().regex(LINUX_INTERFACE_NAME_RE, LINUX_INTERFACE_NAME_RULE);
export const wgKeySchema = z
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
const checkAddressSchema = z
  .string()
  .max(64)
  .superRefine((value, ctx) => {
    const problem = checkAddressProblem(value);
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
      checkAddress: checkAddressSchema.nullable().optional(),
      statusRule: statusRuleSchema.nullable().optional(),
      statusThresholds: peerThresholdsSchema.nullable().optional(),
      quota: quotaSchema.nullable().optional(),
      expiresAt: expiresAtSchema.nullable().optional(),
      schedule: scheduleInputSchema.nullable().optional(),
    }),
  }),
  /**
   * The enforcer (issue 15, part B) disables through the same locked, backed-up, verified path:
   * `{kind:'changes', changes:[{action:'disable', peer, disabledBy:{reason:'quota', period:'2026-12'}}]}`
   * writes `# DisabledBy = quota 2026-12`; `enable` with the same `disabledBy` applies only while the
   * file still says it, and removes it.
   */
  z.strictObject({
    action: z.enum(['disable', 'enable']),
    peer: peerReferenceSchema,
    disabledBy: disabledBySchema.optional(),
  }),
  z.strictObject({ action: z.literal('remove'), peer: peerReferenceSchema }),
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
export const planIdSchema = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'not a plan id');

export const peerSchemas = {
  preview: z.strictObject(previewFields),
  apply: z.strictObject({ planId: planIdSchema, ...applyFields }),
  change: z.strictObject({ ...previewFields, ...applyFields }),
};
