/**
 * The optional webhook: one JSON POST per fired or resolved alert, to one http(s) URL the admin set.
 * Best effort by design: a slow or failing endpoint costs at most the timeout and a log line, never
 * an alert (the app's own list and notifications do not depend on it).
 */
import type { FiringAlert, WebhookTestResult } from '../../../shared/alerts.ts';
import { webhookUrlSchema } from '../../../shared/alerts.ts';
import { errorMessage } from '../errors.ts';

export const WEBHOOK_TIMEOUT_MS = 5000;

/** What the endpoint receives: the event, when (unix seconds), and the alert as the app lists it. */
export interface WebhookPayload {
  source: 'wg-deck';
  event: 'alert.fired' | 'alert.resolved' | 'test';
  at: number;
  alert: FiringAlert | null;
  message: string;
}

/** POSTs `payload` as JSON; the HTTP status, or why there was none (never throws). */
export async function postWebhook(
  url: string,
  payload: WebhookPayload,
  timeoutMs = WEBHOOK_TIMEOUT_MS,
): Promise<WebhookTestResult> {
  const valid = webhookUrlSchema.safeParse(url);
  if (!valid.success) return { ok: false, status: null, error: 'not an http:// or https:// URL' };
  try {
    const response = await fetch(valid.data, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'wg-deck' },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(timeoutMs),
      // A redirect could turn the POST into a request somewhere the admin did not name.
      redirect: 'manual',
    });
    // The body is not needed; reading it releases the connection.
    await response.arrayBuffer().catch(() => undefined);
    const ok = response.status >= 200 && response.status < 300;
    return { ok, status: response.status, error: ok ? null : `HTTP ${response.status}` };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    const cause = (error as { cause?: unknown }).cause;
    const why = timedOut
      ? `no answer within ${timeoutMs / 1000} s`
      : cause
        ? errorMessage(cause)
        : errorMessage(error);
    return { ok: false, status: null, error: why };
  }
}
