import { useEffect, useId, useState, type FormEvent } from 'react';
import {
  METRIC_NAME_PROFILES,
  VM_AUTH_KINDS,
  type ExporterStatus,
} from '../../../shared/exporter-settings.ts';
import {
  exportToForm,
  metricsStatusText,
  NAME_PROFILE_HINT,
  pushStatusText,
  validateExportForm,
  type ExportForm,
  type ExportFormErrors,
  type VmAuth,
} from '../lib/export-forms.ts';
import { toApiError } from '../lib/errors.ts';
import { call, updateSettings, useApp } from '../store/store.ts';
import { FormField } from './FormField.tsx';

/** How often the status line asks while the screen is open (the push runs every poll). */
const STATUS_EVERY_MS = 3000;

const AUTH_LABEL: Record<VmAuth, string> = {
  none: 'None',
  basic: 'Username and password',
  bearer: 'Bearer token',
};

/** `exporters:status` every few seconds while mounted; the last answer, or why there is none. */
function useExporterStatus(): { status: ExporterStatus | null; error: string | null; now: number } {
  const [state, setState] = useState<{ status: ExporterStatus | null; error: string | null; now: number }>({
    status: null,
    error: null,
    now: Date.now(),
  });
  useEffect(() => {
    let live = true;
    const ask = () =>
      call('exporters:status').then(
        (status) => live && setState({ status, error: null, now: Date.now() }),
        (e: unknown) => live && setState((s) => ({ ...s, error: toApiError(e).message, now: Date.now() })),
      );
    void ask();
    const timer = setInterval(() => void ask(), STATUS_EVERY_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, []);
  return state;
}

/**
 * Settings → Export: the Prometheus endpoint and VictoriaMetrics (push, chart reads), checked with the
 * shared schemas, and a status line from the engine. The password or token goes to the keychain
 * (`exporters:setVmSecret`) and is never shown back: only whether one is kept.
 */
export function ExportSettings() {
  const settings = useApp((s) => s.settings);
  const [form, setForm] = useState<ExportForm | null>(settings ? exportToForm(settings) : null);
  const [errors, setErrors] = useState<ExportFormErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const [secretSet, setSecretSet] = useState<boolean | null>(null);
  const { status, error: statusError, now } = useExporterStatus();
  const uid = useId();

  useEffect(() => {
    if (settings && form === null) setForm(exportToForm(settings));
  }, [settings, form]);
  useEffect(() => {
    call('exporters:vmSecretSet').then(setSecretSet, () => setSecretSet(null));
  }, []);

  const set = <K extends keyof ExportForm>(key: K, value: ExportForm[K]) => {
    setForm((f) => (f ? { ...f, [key]: value } : f));
    setSaved(false);
  };

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

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!form) return;
    const result = validateExportForm(form);
    setSaved(false);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    void act(async () => {
      const next = await updateSettings(result.patch);
      if (result.secret !== null) {
        await call('exporters:setVmSecret', result.secret);
        setSecretSet(true);
      }
      setForm(exportToForm(next));
      setSaved(true);
    });
  };

  const forget = () =>
    void act(async () => {
      await call('exporters:setVmSecret', null);
      setSecretSet(false);
    });

  if (!form) {
    return (
      <section className="form panel" aria-label="Export">
        <h2 className="section-title">Export</h2>
        <p className="muted">Loading…</p>
      </section>
    );
  }
  const secretWord = form.vmAuth === 'bearer' ? 'Token' : 'Password';
  return (
    <form
      className="form panel"
      onSubmit={submit}
      noValidate
      aria-label="Export"
      data-testid="export-settings"
    >
      <h2 className="section-title">Export to Prometheus</h2>
      <div className="form-grid">
        <FormField
          id={`${uid}-listen`}
          label="Serve /metrics on"
          error={errors.listen}
          hint="ADDR:PORT, e.g. 127.0.0.1:9586; empty = off. Keep it on loopback unless a scraper elsewhere needs it."
          errorTestId="export-listen-error"
        >
          {(props) => (
            <input
              {...props}
              type="text"
              value={form.listen}
              placeholder="127.0.0.1:9586"
              spellCheck={false}
              onChange={(e) => set('listen', e.target.value)}
              data-testid="export-listen"
            />
          )}
        </FormField>
        <fieldset className="fieldset">
          <legend>Metric names</legend>
          <div className="radio-row">
            {METRIC_NAME_PROFILES.map((p) => (
              <label key={p} className="radio">
                <input
                  type="radio"
                  name={`${uid}-names`}
                  checked={form.names === p}
                  onChange={() => set('names', p)}
                  data-testid={`export-names-${p}`}
                />
                {p}
              </label>
            ))}
          </div>
          <p className="field-hint">{NAME_PROFILE_HINT[form.names]}</p>
        </fieldset>
      </div>
      <h2 className="section-title">Export to VictoriaMetrics</h2>
      <div className="form-grid">
        <FormField
          id={`${uid}-url`}
          label="URL"
          className="field-wide"
          error={errors.vmUrl}
          hint="Single node, or vminsert/vmselect’s common prefix; empty = off."
          errorTestId="export-vm-url-error"
        >
          {(props) => (
            <input
              {...props}
              type="text"
              value={form.vmUrl}
              placeholder="http://127.0.0.1:8428"
              spellCheck={false}
              onChange={(e) => set('vmUrl', e.target.value)}
              data-testid="export-vm-url"
            />
          )}
        </FormField>
        <fieldset className="fieldset field-wide">
          <legend>Authentication</legend>
          <div className="radio-row">
            {VM_AUTH_KINDS.map((kind) => (
              <label key={kind} className="radio">
                <input
                  type="radio"
                  name={`${uid}-auth`}
                  checked={form.vmAuth === kind}
                  onChange={() => set('vmAuth', kind)}
                  data-testid={`export-vm-auth-${kind}`}
                />
                {AUTH_LABEL[kind]}
              </label>
            ))}
          </div>
        </fieldset>
        {form.vmAuth === 'basic' && (
          <FormField id={`${uid}-user`} label="Username" error={errors.vmUsername}>
            {(props) => (
              <input
                {...props}
                type="text"
                value={form.vmUsername}
                autoComplete="off"
                spellCheck={false}
                onChange={(e) => set('vmUsername', e.target.value)}
                data-testid="export-vm-username"
              />
            )}
          </FormField>
        )}
        {form.vmAuth !== 'none' && (
          <FormField
            id={`${uid}-secret`}
            label={secretWord}
            error={errors.vmSecret}
            hint={
              <>
                <span data-testid="export-vm-secret-state">
                  {secretSet === null ? '' : secretSet ? 'Set (in the keychain).' : 'Not set.'}
                </span>{' '}
                {secretSet ? 'Type a new one to replace it.' : 'Kept in the keychain, never shown again.'}
              </>
            }
          >
            {(props) => (
              <div className="input-with-unit">
                <input
                  {...props}
                  type="password"
                  value={form.vmSecret}
                  autoComplete="new-password"
                  placeholder={secretSet ? '••••••••' : ''}
                  onChange={(e) => set('vmSecret', e.target.value)}
                  data-testid="export-vm-secret"
                />
                {secretSet && (
                  <button
                    type="button"
                    className="button button-small"
                    onClick={forget}
                    disabled={busy}
                    data-testid="export-vm-secret-forget"
                  >
                    Forget
                  </button>
                )}
              </div>
            )}
          </FormField>
        )}
        <div className="field field-wide">
          <label className="check">
            <input
              type="checkbox"
              checked={form.vmPush}
              onChange={(e) => set('vmPush', e.target.checked)}
              data-testid="export-vm-push"
            />
            Push every poll (buffered on disk while it cannot be reached)
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={form.vmReadCharts}
              onChange={(e) => set('vmReadCharts', e.target.checked)}
              data-testid="export-vm-read"
            />
            Read charts from it too: fills the spans this laptop did not record
          </label>
        </div>
      </div>
      <dl className="export-status" role="status" aria-live="polite" data-testid="export-status">
        <dt>Prometheus</dt>
        <dd data-testid="export-status-metrics" data-error={status?.metrics.error ? true : undefined}>
          {status ? metricsStatusText(status.metrics) : (statusError ?? '…')}
        </dd>
        <dt>VictoriaMetrics push</dt>
        <dd data-testid="export-status-push" data-state={status?.push.state}>
          {status ? pushStatusText(status.push, now) : (statusError ?? '…')}
        </dd>
      </dl>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="button-row">
        <button type="submit" className="button button-primary" disabled={busy} data-testid="save-export">
          Save
        </button>
        {saved && (
          <span className="muted" role="status">
            Saved.
          </span>
        )}
      </div>
    </form>
  );
}
