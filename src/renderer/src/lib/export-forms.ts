import { methodSchemas, type Settings } from '../../../shared/api.ts';
import type { ExporterStatus, MetricNameProfile } from '../../../shared/exporter-settings.ts';
import { formatBytes, formatDuration } from '../../../shared/format.ts';

/**
 * The Settings screen's Export section: its values as typed, checked with the contract's own
 * `settings:update` schema (so the form refuses exactly what the engine would, in the schema's
 * words), and the status line made from `exporters:status`. Pure: unit-tested in export-forms.test.ts.
 */

export type VmAuth = Settings['victoriaMetrics']['auth'];

export interface ExportForm {
  /** `ADDR:PORT` for /metrics; empty: not served. */
  listen: string;
  names: MetricNameProfile;
  /** Base URL; empty: no VictoriaMetrics. */
  vmUrl: string;
  vmAuth: VmAuth;
  vmUsername: string;
  /** A new password or token; empty: keep the one kept (the stored one is never shown). */
  vmSecret: string;
  vmPush: boolean;
  vmReadCharts: boolean;
}

export type ExportFormErrors = Partial<Record<keyof ExportForm, string>>;

export const NAME_PROFILE_HINT: Record<MetricNameProfile, string> = {
  mdlayher: 'mdlayher’s wireguard_exporter names (Grafana dashboard 12177); the default.',
  mindflavor: 'MindFlavor’s prometheus_wireguard_exporter names (dashboard 17251), for its dashboards.',
};

export function exportToForm(settings: Settings): ExportForm {
  const vm = settings.victoriaMetrics;
  return {
    listen: settings.metrics.listen ?? '',
    names: settings.metrics.names,
    vmUrl: vm.url ?? '',
    vmAuth: vm.auth,
    vmUsername: vm.username ?? '',
    vmSecret: '',
    vmPush: vm.push,
    vmReadCharts: vm.readCharts,
  };
}

export type ExportFormResult =
  | {
      ok: true;
      patch: Pick<Settings, 'metrics' | 'victoriaMetrics'>;
      /** A new secret to keep; null: leave the kept one as it is. */
      secret: string | null;
    }
  | { ok: false; errors: ExportFormErrors };

export function validateExportForm(form: ExportForm): ExportFormResult {
  const listen = form.listen.trim();
  const url = form.vmUrl.trim().replace(/\/+$/, '');
  const username = form.vmUsername.trim();
  const patch: Pick<Settings, 'metrics' | 'victoriaMetrics'> = {
    metrics: { listen: listen === '' ? null : listen, names: form.names },
    victoriaMetrics: {
      url: url === '' ? null : url,
      auth: form.vmAuth,
      username: form.vmAuth === 'basic' && username !== '' ? username : null,
      push: form.vmPush,
      readCharts: form.vmReadCharts,
    },
  };
  const errors: ExportFormErrors = {};
  const parsed = methodSchemas['settings:update'].safeParse([patch]);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.filter((p): p is string => typeof p === 'string');
      if (path[0] === 'metrics') errors.listen ??= issue.message;
      else if (path[1] === 'url') errors.vmUrl ??= issue.message;
      else if (path[1] === 'username') errors.vmUsername ??= 'a username is at most 256 characters';
    }
  }
  if (form.vmAuth === 'basic' && username === '') errors.vmUsername ??= 'basic auth needs a username';
  if (form.vmSecret.length > 4096) errors.vmSecret = 'at most 4,096 characters';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, patch, secret: form.vmSecret === '' ? null : form.vmSecret };
}

/** "/metrics at http://127.0.0.1:9586/metrics", its error, or "off". */
export function metricsStatusText(status: ExporterStatus['metrics']): string {
  if (status.error !== null) return `not served: ${status.error}`;
  if (status.url !== null) return `/metrics at ${status.url}`;
  return 'off';
}

/** "ok, last push 3 s ago", "failing: … — 12,345 samples (4.1 MiB) buffered on disk", or "off". */
export function pushStatusText(status: ExporterStatus['push'], now: number): string {
  const backlog =
    status.backlogSamples > 0
      ? ` — ${status.backlogSamples.toLocaleString('en-US')} samples (${formatBytes(status.backlogBytes)}) buffered on disk`
      : '';
  if (status.state === 'off') return 'off';
  if (status.state === 'failing') return `failing: ${status.error ?? 'unknown error'}${backlog}`;
  const last =
    status.lastPushAt === null
      ? 'no push yet'
      : `last push ${formatDuration(Math.max(0, now - status.lastPushAt) / 1000)} ago`;
  return `ok, ${last}${backlog}`;
}
