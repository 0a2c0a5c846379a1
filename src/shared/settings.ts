import { z } from 'zod';
import { DEFAULT_THRESHOLDS, statusRuleSchema } from './domain.ts';
import { DEFAULT_RETENTION } from './history.ts';
import {
  DEFAULT_METRICS,
  DEFAULT_VICTORIA_METRICS,
  metricsSettingsSchema,
  victoriaMetricsSettingsSchema,
} from './exporter-settings.ts';
import { intervalSchema } from './validation.ts';

/**
 * The app's settings, declared once: the contract's `settings:*` methods, `settings.json` in the data
 * dir and the settings form all check them with these schemas, so a value one accepts the others take.
 */

/** Online 10 s – 1 day, stale 20 s – 1 week, and stale after online (else no peer could be stale). */
export const thresholdsSchema = z
  .strictObject({
    /** A handshake younger than this is `online`. */
    onlineSeconds: z.number().int().min(10).max(86_400),
    /** Younger than this (and not online) is `stale`; older is `offline` (or `idle`, see PeerStatus). */
    staleSeconds: z.number().int().min(20).max(604_800),
    /** The fleet's status rule; a server may have its own. Absent: handshake. */
    rule: statusRuleSchema.optional(),
  })
  .refine((t) => t.staleSeconds > t.onlineSeconds, 'stale threshold must exceed the online threshold');

/** Raw 1 h – 30 d, minute rollups 1 d – 5 y, hour rollups 1 d – 20 y, each tier at least as long as the last. */
export const retentionSchema = z
  .strictObject({
    /** Raw poll-resolution samples. */
    rawHours: z.number().int().min(1).max(720),
    /** 1-minute rollups. */
    minuteDays: z.number().int().min(1).max(1830),
    /** 1-hour rollups. */
    hourDays: z.number().int().min(1).max(7300),
  })
  .refine(
    (r) => r.minuteDays * 24 >= r.rawHours && r.hourDays >= r.minuteDays,
    'each history tier must be kept at least as long as the finer one',
  );

/** Ping checks (seed 002): how often each server pings its peers, and how many at once. */
export const pingSettingsSchema = z.strictObject({
  /** 0 turns the checks off; else 5 s – 1 h between rounds. */
  intervalSeconds: z.union([z.literal(0), z.number().int().min(5).max(3600)]),
  /** Pings in flight at once on a server. */
  parallel: z.number().int().min(1).max(64),
});
export type PingSettings = z.infer<typeof pingSettingsSchema>;
export const DEFAULT_PING: PingSettings = { intervalSeconds: 60, parallel: 10 };

export const settingsSchema = z.strictObject({
  /** Poll interval of servers without their own. */
  intervalSeconds: intervalSchema,
  thresholds: thresholdsSchema,
  /** How long each history tier is kept. */
  retention: retentionSchema,
  /** Ping checks (a settings file from before them gets the defaults: the store merges them in). */
  ping: pingSettingsSchema,
  /** The Prometheus endpoint (off by default). */
  metrics: metricsSettingsSchema,
  /** VictoriaMetrics push and chart reads (off by default). */
  victoriaMetrics: victoriaMetricsSettingsSchema,
});

export type Settings = z.infer<typeof settingsSchema>;

/** `settings:update`: any subset, each part whole. */
export const settingsPatchSchema = settingsSchema.partial();

export const DEFAULT_SETTINGS: Settings = {
  intervalSeconds: 5,
  thresholds: DEFAULT_THRESHOLDS,
  retention: DEFAULT_RETENTION,
  ping: DEFAULT_PING,
  metrics: DEFAULT_METRICS,
  victoriaMetrics: DEFAULT_VICTORIA_METRICS,
};
