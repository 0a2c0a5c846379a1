import { readFileSync, statSync } from 'node:fs';
import {
  DEFAULT_VICTORIA_METRICS,
  parseListenAddress,
  vmUrlSchema,
  type MetricNameProfile,
  type MetricsSettings,
  type VictoriaMetricsSettings,
} from '../../shared/exporter-settings.ts';
import { UsageError } from '../usage-error.ts';

export interface MetricsFlags {
  metrics?: string;
  metricsNames?: MetricNameProfile;
}

export interface VictoriaFlags {
  vmUrl?: string;
  vmUser?: string;
  vmPasswordFile?: string;
  vmTokenFile?: string;
}

export interface ExporterOverride {
  metrics?: MetricsSettings;
  victoriaMetrics?: VictoriaMetricsSettings;
  vmSecret?: string;
}

/**
 * The exporter settings the flags give for this run (the saved settings apply to what they leave
 * out), checked with the same rules as the settings form. `warn` hears about a credential file
 * others can read.
 */
export function exporterOverride(
  flags: MetricsFlags & VictoriaFlags,
  warn: (text: string) => void = () => undefined,
): ExporterOverride {
  const out: ExporterOverride = {};
  if (flags.metrics !== undefined) {
    if (!parseListenAddress(flags.metrics))
      throw new UsageError(`--metrics needs ADDR:PORT, e.g. 127.0.0.1:9586 (got ${flags.metrics})`);
    out.metrics = { listen: flags.metrics, names: flags.metricsNames ?? 'mdlayher' };
  } else if (flags.metricsNames !== undefined) {
    throw new UsageError('--metrics-names needs --metrics ADDR:PORT');
  }
  const { vmUrl, vmUser, vmPasswordFile, vmTokenFile } = flags;
  if (vmUrl === undefined) {
    if (vmUser ?? vmPasswordFile ?? vmTokenFile)
      throw new UsageError('--vm-user and the secret files need --vm-url');
    return out;
  }
  const url = vmUrlSchema.safeParse(vmUrl);
  if (!url.success)
    throw new UsageError(`--vm-url: ${url.error.issues[0]?.message ?? 'not a URL'} (got ${vmUrl})`);
  if (vmPasswordFile && vmTokenFile)
    throw new UsageError('give --vm-password-file or --vm-token-file, not both');
  if (vmPasswordFile && !vmUser) throw new UsageError('--vm-password-file needs --vm-user');
  if (vmUser && !vmPasswordFile) throw new UsageError('--vm-user needs --vm-password-file');
  out.victoriaMetrics = {
    ...DEFAULT_VICTORIA_METRICS,
    url: vmUrl,
    auth: vmPasswordFile ? 'basic' : vmTokenFile ? 'bearer' : 'none',
    username: vmUser ?? null,
    push: true,
    readCharts: false,
  };
  const file = vmPasswordFile ?? vmTokenFile;
  if (file)
    out.vmSecret = readSecretFile(file, vmPasswordFile ? '--vm-password-file' : '--vm-token-file', warn);
  return out;
}

/** A secret from a file (systemd's LoadCredential=, a mounted secret): its first line. */
function readSecretFile(path: string, flag: string, warn: (text: string) => void): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
    if ((statSync(path).mode & 0o077) !== 0) warn(`${flag} ${path} can be read by others: chmod 600 it`);
  } catch (error) {
    throw new UsageError(
      `${flag}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  const secret = text.split(/\r?\n/)[0] ?? '';
  if (secret === '') throw new UsageError(`${flag}: ${path} is empty`);
  return secret;
}
