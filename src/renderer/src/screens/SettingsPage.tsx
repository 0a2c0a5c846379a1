import type { StatusRule } from '../../../shared/domain.ts';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { settingsToForm, validateSettingsForm, type SettingsForm } from '../lib/forms.ts';
import { toApiError, type ApiError } from '../lib/errors.ts';
import { ExportSettings } from '../components/ExportSettings.tsx';
import { setTheme, THEME_CHOICES, THEME_LABEL, useTheme } from '../lib/ui-prefs.ts';
import { setRateUnit, updateSettings, useApp } from '../store/store.ts';

const STATUS_RULE_CHOICES: readonly (readonly [StatusRule, string])[] = [
  ['handshake', 'its handshake is recent'],
  ['ping', 'it answers ping'],
  ['either', 'either'],
];

export function SettingsPage() {
  const settings = useApp((s) => s.settings);
  const rateUnit = useApp((s) => s.rateUnit);
  const info = useApp((s) => s.info);
  const theme = useTheme();
  const [form, setForm] = useState<SettingsForm | null>(settings ? settingsToForm(settings) : null);
  const [errors, setErrors] = useState<Partial<Record<keyof SettingsForm, string>>>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const uid = useId();

  useEffect(() => {
    if (settings && form === null) setForm(settingsToForm(settings));
  }, [settings, form]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!form) return;
    const result = validateSettingsForm(form);
    setSaved(false);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    setBusy(true);
    setError(null);
    try {
      const next = await updateSettings(result.patch);
      setForm(settingsToForm(next));
      setSaved(true);
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(false);
    }
  };

  const numberField = (key: keyof SettingsForm, label: string, hint: string, unit = 'seconds') => {
    const id = `${uid}-${key}`;
    const err = errors[key];
    return (
      <div className="field" data-invalid={err ? true : undefined}>
        <label className="field-label" htmlFor={id}>
          {label}
        </label>
        <div className="input-with-unit">
          <input
            id={id}
            name={key}
            inputMode="numeric"
            className="input-short"
            value={form?.[key] ?? ''}
            aria-invalid={Boolean(err)}
            aria-describedby={`${id}-help`}
            onChange={(e) => {
              const value = e.target.value;
              setForm((f) => (f ? { ...f, [key]: value } : f));
              setSaved(false);
            }}
          />
          <span className="muted">{unit}</span>
        </div>
        <p className={err ? 'field-error' : 'field-hint'} id={`${id}-help`}>
          {err ?? hint}
        </p>
      </div>
    );
  };

  return (
    <div className="page page-narrow">
      <header className="page-header">
        <h1>Settings</h1>
      </header>
      <form
        className="form panel"
        onSubmit={(e) => void submit(e)}
        noValidate
        aria-label="Polling and status"
      >
        <h2 className="section-title">Polling and peer status</h2>
        {!form ? (
          <p className="muted">Loading…</p>
        ) : (
          <>
            <div className="form-grid">
              {numberField(
                'intervalSeconds',
                'Poll interval',
                '1 to 300 s. Every server is polled this often.',
              )}
              <div />
              {numberField(
                'onlineSeconds',
                'Online if handshake within',
                'WireGuard re-handshakes every 2 min when active.',
              )}
              {numberField(
                'staleSeconds',
                'Stale if handshake within',
                'Older: offline, or idle without a keepalive.',
              )}
            </div>
            <h2 className="section-title">Ping checks and status rule</h2>
            <div className="form-grid">
              {numberField(
                'pingSeconds',
                'Ping every peer every',
                'From each server, over its own connection. 0 = off.',
              )}
              {numberField('pingParallel', 'Pings at once', 'Per server, 1 to 64.', 'pings')}
              <fieldset className="fieldset field-wide" data-testid="status-rule">
                <legend>A peer is online when</legend>
                <div className="radio-row">
                  {STATUS_RULE_CHOICES.map(([rule, label]) => (
                    <label key={rule} className="radio">
                      <input
                        type="radio"
                        name={`${uid}-rule`}
                        checked={form.statusRule === rule}
                        onChange={() => {
                          setForm((f) => (f ? { ...f, statusRule: rule } : f));
                          setSaved(false);
                        }}
                        data-testid={`status-rule-${rule}`}
                      />
                      {label}
                    </label>
                  ))}
                </div>
                <p className="field-hint">
                  A server can have its own rule. Ping needs the checks on; until a peer has a result, its
                  handshake decides.
                </p>
              </fieldset>
            </div>
            <h2 className="section-title">History retention</h2>
            <div className="form-grid">
              {numberField('rawHours', 'Every poll kept for', 'Full resolution.', 'hours')}
              {numberField('minuteDays', '1-minute rollups kept for', 'Sum, min and max per minute.', 'days')}
              {numberField('hourDays', '1-hour rollups kept for', 'Applied at the next start.', 'days')}
            </div>
            {error && (
              <p className="form-error" role="alert">
                {error.message}
              </p>
            )}
            <div className="button-row">
              <button
                type="submit"
                className="button button-primary"
                disabled={busy}
                data-testid="save-settings"
              >
                Save
              </button>
              {saved && (
                <span className="muted" role="status">
                  Saved. Sessions restart with the new settings.
                </span>
              )}
            </div>
          </>
        )}
      </form>
      <ExportSettings />
      <section className="panel form" aria-labelledby={`${uid}-display`}>
        <h2 id={`${uid}-display`} className="section-title">
          Display
        </h2>
        <fieldset className="fieldset">
          <legend>Rates in</legend>
          <div className="radio-row">
            <label className="radio">
              <input
                type="radio"
                name="rate-unit"
                checked={rateUnit === 'bytes'}
                onChange={() => setRateUnit('bytes')}
              />
              Bytes per second (KiB/s, MiB/s)
            </label>
            <label className="radio">
              <input
                type="radio"
                name="rate-unit"
                checked={rateUnit === 'bits'}
                onChange={() => setRateUnit('bits')}
                data-testid="rate-unit-bits"
              />
              Bits per second (kbit/s, Mbit/s)
            </label>
          </div>
        </fieldset>
        <fieldset className="fieldset">
          <legend>Theme</legend>
          <div className="radio-row">
            {THEME_CHOICES.map((choice) => (
              <label key={choice} className="radio">
                <input
                  type="radio"
                  name="theme"
                  checked={theme === choice}
                  onChange={() => setTheme(choice)}
                  data-testid={`theme-${choice}`}
                />
                {choice === 'system'
                  ? 'System (follows the OS’s light or dark setting)'
                  : THEME_LABEL[choice]}
              </label>
            ))}
          </div>
        </fieldset>
      </section>
      {info && (
        <p className="muted small about">
          WG Deck {info.version} · data in <span className="mono">{info.dataDir}</span> · {info.host} mode
        </p>
      )}
    </div>
  );
}
