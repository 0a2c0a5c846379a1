import { z } from 'zod';
import { isValidHost } from './validation.ts';

/**
 * Where WG Deck's metrics go beyond this laptop (seeds 000–002, 004): a Prometheus endpoint it serves,
 * and a VictoriaMetrics it pushes to (and may read charts from). Declared once; the settings schema,
 * `wgdeck serve --metrics`, `wgdeck collect` and the settings form check with these.
 */

/** Metric names as one of the well-known exporters spells them, so existing dashboards keep working. */
export const METRIC_NAME_PROFILES = ['mdlayher', 'mindflavor'] as const;
export const metricNameProfileSchema = z.enum(METRIC_NAME_PROFILES);
export type MetricNameProfile = z.infer<typeof metricNameProfileSchema>;

/** `ADDR:PORT` (`[v6]:PORT` for IPv6; port 0: any free one) → its parts, or null when it is not one. */
export function parseListenAddress(value: string): { host: string; port: number } | null {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s[\]]+)):(\d{1,5})$/.exec(value);
  if (!match) return null;
  const host = match[1] ?? match[2] ?? '';
  const port = Number(match[3]);
  if (port > 65535) return null;
  if (match[1] === undefined && !isValidHost(host)) return null;
  return { host, port };
}

export const listenAddressSchema = z
  .string()
  .refine((v) => parseListenAddress(v) !== null, 'give ADDR:PORT, e.g. 127.0.0.1:9586');

export const metricsSettingsSchema = z.strictObject({
  /** Where `/metrics` is served; null: not served. Loopback unless the admin says otherwise. */
  listen: listenAddressSchema.nullable(),
  /** Whose metric names to use (default mdlayher's, Grafana dashboard 12177). */
  names: metricNameProfileSchema,
});
export type MetricsSettings = z.infer<typeof metricsSettingsSchema>;
export const DEFAULT_METRICS: MetricsSettings = { listen: null, names: 'mdlayher' };

export const VM_AUTH_KINDS = ['none', 'basic', 'bearer'] as const;

/** http(s) only, no credentials in the URL (they go to the keychain), no query or fragment. */
export const vmUrlSchema = z.string().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'give an http:// or https:// URL' });
    return;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    ctx.addIssue({ code: 'custom', message: 'give an http:// or https:// URL' });
  else if (url.username || url.password)
    ctx.addIssue({ code: 'custom', message: 'leave the password out of the URL: set it as the password' });
  else if (url.search || url.hash)
    ctx.addIssue({ code: 'custom', message: 'give the base URL only (no ?query or #fragment)' });
});

export const victoriaMetricsSettingsSchema = z.strictObject({
  /** Base URL of VictoriaMetrics (single node, or vminsert/vmselect's common prefix); null: off. */
  url: vmUrlSchema.nullable(),
  /** How to authenticate; the password or token itself lives in the keychain (VM_SECRET_ID). */
  auth: z.enum(VM_AUTH_KINDS),
  /** For basic auth. */
  username: z.string().max(256).nullable(),
  /** Push every poll (`/api/v1/import/prometheus`). */
  push: z.boolean(),
  /** Read charts from it too (`/api/v1/query_range`), merged with the local history. */
  readCharts: z.boolean(),
});
export type VictoriaMetricsSettings = z.infer<typeof victoriaMetricsSettingsSchema>;
export const DEFAULT_VICTORIA_METRICS: VictoriaMetricsSettings = {
  url: null,
  auth: 'none',
  username: null,
  push: true,
  readCharts: true,
};

/** SecretStore item holding VictoriaMetrics' password (basic) or token (bearer). */
export const VM_SECRET_ID = 'victoria-metrics:credential';

/** How the exporters are doing, for the Settings screen and `wgdeck collect`'s log. */
export const exporterStatusSchema = z.object({
  metrics: z.object({
    /** Where `/metrics` is served now (`http://ADDR:PORT/metrics`); null when off or failed. */
    url: z.string().nullable(),
    /** Why it could not listen (address in use, not an address of this machine). */
    error: z.string().nullable(),
  }),
  push: z.object({
    /** off: no URL or push disabled; ok: the last push was taken; failing: buffering on disk. */
    state: z.enum(['off', 'ok', 'failing']),
    /** Laptop time (ms) of the last push VictoriaMetrics took; null before one. */
    lastPushAt: z.number().nullable(),
    /** Samples waiting on disk to be sent (0 when caught up). */
    backlogSamples: z.number(),
    backlogBytes: z.number(),
    /** The last failure, as said to the admin; null when fine. */
    error: z.string().nullable(),
  }),
});
export type ExporterStatus = z.infer<typeof exporterStatusSchema>;
export const EXPORTERS_OFF: ExporterStatus = {
  metrics: { url: null, error: null },
  push: { state: 'off', lastPushAt: null, backlogSamples: 0, backlogBytes: 0, error: null },
};
