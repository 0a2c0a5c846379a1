import { useEffect, useId, useState } from 'react';
import type { WebhookTestResult } from '../../../../shared/alerts.ts';
import { toApiError } from '../../lib/errors.ts';
import { call } from '../../store/store.ts';

export function WebhookForm() {
  const [url, setUrl] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const [result, setResult] = useState<WebhookTestResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const uid = useId();
  useEffect(() => {
    call('alert:webhook')
      .then((w) => {
        setUrl(w.url ?? '');
        setSaved(w.url);
      })
      .catch((e: unknown) => setError(toApiError(e).message));
  }, []);
  const act = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(toApiError(e).message);
    } finally {
      setBusy(false);
    }
  };
  const trimmed = url.trim();
  return (
    <form
      className="panel form"
      aria-label="Webhook"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void act(async () => {
          const next = await call('alert:setWebhook', { url: trimmed === '' ? null : trimmed });
          setSaved(next.url);
          setResult(null);
        });
      }}
    >
      <h2 className="section-title">Webhook (optional)</h2>
      <div className="field">
        <label className="field-label" htmlFor={`${uid}-url`}>
          URL
        </label>
        <input
          id={`${uid}-url`}
          type="text"
          value={url}
          placeholder="https://hooks.example.net/wg-deck"
          onChange={(e) => setUrl(e.target.value)}
          aria-describedby={`${uid}-url-hint`}
          data-testid="webhook-url"
        />
        <p className="field-hint" id={`${uid}-url-hint`}>
          Each alert that fires or resolves is POSTed there as JSON (5 s timeout). Snoozed rules are not sent.
        </p>
      </div>
      {error && (
        <p className="form-error" role="alert" data-testid="webhook-error">
          {error}
        </p>
      )}
      <div className="button-row">
        <button
          type="submit"
          className="button button-primary"
          disabled={busy || trimmed === (saved ?? '')}
          data-testid="webhook-save"
        >
          Save
        </button>
        <button
          type="button"
          className="button"
          disabled={busy || trimmed === ''}
          onClick={() => void act(async () => setResult(await call('alert:testWebhook', trimmed)))}
          data-testid="webhook-test"
        >
          Test
        </button>
        {result && (
          <span className={result.ok ? 'muted' : 'alert-text'} role="status" data-testid="webhook-result">
            {result.ok ? `Delivered (HTTP ${result.status ?? ''})` : `Failed: ${result.error ?? ''}`}
          </span>
        )}
      </div>
    </form>
  );
}
