import type { VictoriaMetricsSettings } from '../../../../shared/exporter-settings.ts';

/**
 * Why a push was not taken, by what can be done about it:
 * - `retry`: VictoriaMetrics is down, slow or overloaded (network error, timeout, 5xx, 429): keep the
 *   samples and send them again later;
 * - `fixable`: only the admin can fix it (401/403: credentials; 404: the URL is not VictoriaMetrics'):
 *   keep the samples too, and say what is wrong;
 * - `rejected`: VictoriaMetrics refused the body itself (400, 413): sending it again cannot help.
 */
export type PushFailureKind = 'retry' | 'fixable' | 'rejected';

export class PushFailure extends Error {
  readonly kind: PushFailureKind;
  constructor(kind: PushFailureKind, message: string) {
    super(message);
    this.name = 'PushFailure';
    this.kind = kind;
  }
}

export interface VmCredentials {
  auth: VictoriaMetricsSettings['auth'];
  username: string | null;
  /** The password or token, read from the keychain when a request is made (it may change). */
  secret: () => Promise<string | undefined>;
}

/** The Authorization header for the settings, or none. */
export async function authorization(credentials: VmCredentials): Promise<string | null> {
  if (credentials.auth === 'none') return null;
  const secret = (await credentials.secret()) ?? '';
  if (credentials.auth === 'bearer') return `Bearer ${secret}`;
  return `Basic ${Buffer.from(`${credentials.username ?? ''}:${secret}`).toString('base64')}`;
}

/** `base` + `path`, keeping a path prefix of `base` (vminsert's `/insert/0/prometheus`, a proxy's). */
export function endpoint(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

const PUSH_TIMEOUT_MS = 30_000;

/**
 * Sends one gzip-compressed body of the Prometheus text format (samples with their own timestamps)
 * to `/api/v1/import/prometheus`; throws a PushFailure saying what went wrong.
 */
export async function pushBody(
  base: string,
  credentials: VmCredentials,
  gzipped: Uint8Array,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<void> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? PUSH_TIMEOUT_MS);
  const headers: Record<string, string> = {
    'Content-Type': 'text/plain; version=0.0.4',
    'Content-Encoding': 'gzip',
  };
  const auth = await authorization(credentials);
  if (auth) headers['Authorization'] = auth;
  let response: Response;
  try {
    response = await fetch(endpoint(base, '/api/v1/import/prometheus'), {
      method: 'POST',
      headers,
      body: gzipped,
      signal: options.signal ? AbortSignal.any([timeout, options.signal]) : timeout,
    });
  } catch (error) {
    throw new PushFailure('retry', `cannot reach ${base}: ${networkReason(error)}`);
  }
  if (response.ok) {
    await response.body?.cancel();
    return;
  }
  // The body is the server's text: kept short, and shown as text only.
  const said = (await response.text().catch(() => '')).trim().replace(/\s+/g, ' ').slice(0, 200);
  const status = `HTTP ${response.status}${said ? `: ${said}` : ''}`;
  if (response.status === 401 || response.status === 403)
    throw new PushFailure('fixable', `${base} refused the credentials (${status})`);
  if (response.status === 404)
    throw new PushFailure('fixable', `${base} has no /api/v1/import/prometheus (${status}): check the URL`);
  if (response.status === 400 || response.status === 413)
    throw new PushFailure('rejected', `${base} rejected the samples (${status})`);
  throw new PushFailure('retry', `${base} answered ${status}`);
}

function networkReason(error: unknown): string {
  if (error instanceof DOMException && error.name === 'TimeoutError') return 'no answer in time';
  if (error instanceof DOMException && error.name === 'AbortError') return 'stopped while sending';
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused';
  if (cause?.code === 'ENOTFOUND') return 'unknown host';
  return cause?.message ?? (error instanceof Error ? error.message : String(error));
}
