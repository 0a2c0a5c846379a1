import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { ALERT_KINDS, type AlertRule, type WebhookTestResult } from '../../../shared/alerts.ts';
import { formatAge, formatDateTime } from '../../../shared/time-format.ts';
import {
  ALERT_KIND_LABEL,
  EMPTY_ALERT_FORM,
  THRESHOLD_FIELD,
  ruleFromForm,
  ruleScope,
  ruleThreshold,
  scopeFields,
  snoozeText,
  thresholdOf,
  withThreshold,
  type AlertRuleForm,
} from '../lib/alert-forms.ts';
import {
  askNotificationPermission,
  notificationState,
  type NotificationState,
} from '../lib/browser-notifier.ts';
import { toApiError, type ApiError } from '../lib/errors.ts';
import { routeHash } from '../lib/route.ts';
import { call, useApp } from '../store/store.ts';

/** A peer's name from any interface's config file the engine read, or null. */
function useNameOf(): (key: string) => string | null {
  const peerNames = useApp((s) => s.peerNames);
  return useCallback(
    (key: string) => {
      for (const names of Object.values(peerNames)) if (names[key]) return names[key];
      return null;
    },
    [peerNames],
  );
}

function FiringList() {
  const firing = useApp((s) => s.firing);
  const now = Date.now() / 1000;
  return (
    <section
      className={`panel${firing.some((a) => !a.snoozed) ? ' panel-alert' : ''}`}
      aria-labelledby="alerts-firing"
    >
      <h2 id="alerts-firing" className="section-title">
        Firing now
      </h2>
      {firing.length === 0 ? (
        <p className="muted" data-testid="alerts-none-firing">
          Nothing is firing.
        </p>
      ) : (
        <table className="usage-table alerts-table" data-testid="alerts-firing">
          <thead>
            <tr>
              <th scope="col">Since</th>
              <th scope="col">Alert</th>
              <th scope="col">Where</th>
              <th scope="col">What</th>
            </tr>
          </thead>
          <tbody>
            {firing.map((a) => (
              <tr key={`${a.rule}-${a.server}-${a.iface ?? ''}-${a.publicKey ?? ''}`} data-rule={a.rule}>
                <th scope="row" title={formatDateTime(a.since * 1000)}>
                  {formatAge(a.since, now)}
                </th>
                <td className={a.snoozed ? 'muted' : 'alert-text'}>
                  {ALERT_KIND_LABEL[a.kind]}
                  {a.snoozed ? ' (snoozed)' : ''}
                </td>
                <td>
                  <a
                    href={routeHash({
                      page: 'server',
                      server: a.server,
                      ...(a.iface ? { iface: a.iface } : {}),
                    })}
                  >
                    {a.iface ? `${a.server} · ${a.iface}` : a.server}
                  </a>
                </td>
                <td className="alerts-message">{a.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** One rule's row: switch, threshold (edited in place), snooze, delete. */
function RuleRow({ rule, onChanged }: { rule: AlertRule; onChanged: (error: ApiError | null) => void }) {
  const nameOf = useNameOf();
  const [threshold, setThreshold] = useState(String(thresholdOf(rule)));
  const [busy, setBusy] = useState(false);
  useEffect(() => setThreshold(String(thresholdOf(rule))), [rule]);
  const run = async (work: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await work();
      onChanged(null);
    } catch (e) {
      onChanged(toApiError(e));
    } finally {
      setBusy(false);
    }
  };
  const snoozed = snoozeText(rule, Date.now());
  const field = THRESHOLD_FIELD[rule.kind];
  const value = Number(threshold);
  const changed = threshold.trim() !== '' && Number.isFinite(value) && value !== thresholdOf(rule);
  return (
    <tr data-testid="alert-rule" data-rule={rule.id} data-kind={rule.kind}>
      <td>
        <label className="radio">
          <input
            type="checkbox"
            checked={rule.enabled}
            disabled={busy}
            onChange={(e) => void run(() => call('alert:update', { ...rule, enabled: e.target.checked }))}
            aria-label={`${rule.enabled ? 'Disable' : 'Enable'} this rule`}
            data-testid="alert-enabled"
          />
        </label>
      </td>
      <th scope="row" className={rule.enabled ? undefined : 'muted'}>
        {ALERT_KIND_LABEL[rule.kind]}
      </th>
      <td className="alerts-scope">{ruleScope(rule, nameOf)}</td>
      <td>
        <form
          className="input-with-unit"
          onSubmit={(e) => {
            e.preventDefault();
            if (changed) void run(() => call('alert:update', withThreshold(rule, value)));
          }}
          title={ruleThreshold(rule)}
        >
          <input
            className="input-tiny"
            inputMode="decimal"
            value={threshold}
            onChange={(e) => setThreshold(e.target.value)}
            aria-label={`${field.label} (${field.unit})`}
            data-testid="alert-threshold"
          />
          <span className="muted small">{field.unit}</span>
          {changed && (
            <button
              type="submit"
              className="button button-small"
              disabled={busy}
              data-testid="alert-threshold-save"
            >
              Save
            </button>
          )}
        </form>
      </td>
      <td className="alerts-snooze-cell">
        {snoozed ? (
          <span className="alerts-snooze">
            <span className="muted small" data-testid="alert-snoozed">
              {snoozed}
            </span>
            <button
              type="button"
              className="button button-small"
              disabled={busy}
              onClick={() => void run(() => call('alert:snooze', rule.id, null))}
            >
              Unsnooze
            </button>
          </span>
        ) : (
          <span className="alerts-snooze">
            <button
              type="button"
              className="button button-small"
              disabled={busy}
              onClick={() => void run(() => call('alert:snooze', rule.id, 3600))}
              data-testid="alert-snooze-hour"
            >
              Snooze 1 h
            </button>
            <button
              type="button"
              className="button button-small"
              disabled={busy}
              onClick={() => void run(() => call('alert:snooze', rule.id, 'until-cleared'))}
            >
              Until cleared
            </button>
          </span>
        )}
      </td>
      <td className="end">
        <button
          type="button"
          className="button button-small button-danger-quiet"
          disabled={busy}
          onClick={() => {
            if (window.confirm(`Delete this ${ALERT_KIND_LABEL[rule.kind].toLowerCase()} rule?`))
              void run(() => call('alert:remove', rule.id));
          }}
          data-testid="alert-delete"
        >
          Delete
        </button>
      </td>
    </tr>
  );
}

function AddRuleForm({ onAdded }: { onAdded: () => void }) {
  const configs = useApp((s) => s.configs);
  const [form, setForm] = useState<AlertRuleForm>(EMPTY_ALERT_FORM);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const uid = useId();
  const scope = scopeFields(form.kind);
  const field = THRESHOLD_FIELD[form.kind];
  const set = (patch: Partial<AlertRuleForm>) => setForm((f) => ({ ...f, ...patch }));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = ruleFromForm(form);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await call('alert:add', result.rule);
      setForm({ ...EMPTY_ALERT_FORM, kind: form.kind });
      onAdded();
    } catch (e) {
      setError(toApiError(e).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="panel form"
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-label="Add an alert rule"
      data-testid="alert-add"
    >
      <h2 className="section-title">Add a rule</h2>
      <div className="alerts-form-grid">
        <div className="field">
          <label className="field-label" htmlFor={`${uid}-kind`}>
            Alert when
          </label>
          <select
            id={`${uid}-kind`}
            value={form.kind}
            onChange={(e) => set({ kind: e.target.value as AlertRuleForm['kind'] })}
            data-testid="alert-kind"
          >
            {ALERT_KINDS.map((k) => (
              <option key={k} value={k}>
                {ALERT_KIND_LABEL[k]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label className="field-label" htmlFor={`${uid}-server`}>
            Server
          </label>
          <select
            id={`${uid}-server`}
            value={form.server}
            onChange={(e) => set({ server: e.target.value })}
            data-testid="alert-server"
          >
            <option value="">{scope.required ? 'Choose…' : 'Every server'}</option>
            {configs.map((c) => (
              <option key={c.name} value={c.name}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        {scope.iface && (
          <div className="field">
            <label className="field-label" htmlFor={`${uid}-iface`}>
              Interface
            </label>
            <input
              id={`${uid}-iface`}
              value={form.iface}
              placeholder={scope.required ? 'wg0' : 'Every WireGuard interface'}
              onChange={(e) => set({ iface: e.target.value })}
              data-testid="alert-iface"
            />
          </div>
        )}
        {scope.peer && (
          <div className="field field-wide">
            <label className="field-label" htmlFor={`${uid}-peer`}>
              Peer public key
            </label>
            <input
              id={`${uid}-peer`}
              className="mono"
              value={form.publicKey}
              placeholder={scope.required ? '44 characters of base64' : 'Every peer'}
              onChange={(e) => set({ publicKey: e.target.value })}
              data-testid="alert-peer"
            />
          </div>
        )}
        {form.kind === 'interface-problems' && (
          <div className="field">
            <label className="field-label" htmlFor={`${uid}-counters`}>
              Counters
            </label>
            <select
              id={`${uid}-counters`}
              value={form.counters}
              onChange={(e) => set({ counters: e.target.value as AlertRuleForm['counters'] })}
            >
              <option value="either">Errors or drops</option>
              <option value="errors">Errors</option>
              <option value="drops">Drops</option>
            </select>
          </div>
        )}
        <div className="field">
          <label className="field-label" htmlFor={`${uid}-threshold`}>
            {field.label}
          </label>
          <div className="input-with-unit">
            <input
              id={`${uid}-threshold`}
              className="input-short"
              inputMode="decimal"
              value={form.threshold}
              onChange={(e) => set({ threshold: e.target.value })}
              aria-describedby={`${uid}-threshold-hint`}
              data-testid="alert-add-threshold"
            />
            <span className="muted">{field.unit}</span>
          </div>
          <p className="field-hint" id={`${uid}-threshold-hint`}>
            {field.hint}
          </p>
        </div>
      </div>
      {error && (
        <p className="form-error" role="alert" data-testid="alert-add-error">
          {error}
        </p>
      )}
      <div className="button-row">
        <button
          type="submit"
          className="button button-primary"
          disabled={busy}
          data-testid="alert-add-submit"
        >
          Add rule
        </button>
      </div>
    </form>
  );
}

function WebhookForm() {
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

function NotificationsNote() {
  const host = useApp((s) => s.info?.host);
  const [state, setState] = useState<NotificationState>(notificationState);
  if (host !== 'browser') {
    return (
      <p className="muted small alerts-note">
        Desktop notifications come from the WG Deck app while it runs (also in the tray).
      </p>
    );
  }
  if (state === 'unsupported')
    return <p className="muted small alerts-note">This browser cannot show desktop notifications.</p>;
  if (state === 'granted')
    return (
      <p className="muted small alerts-note" data-testid="notifications-on">
        Desktop notifications are on for this tab: each alert that fires shows one.
      </p>
    );
  if (state === 'denied')
    return (
      <p className="muted small alerts-note">
        Desktop notifications are blocked for this page in the browser’s site settings.
      </p>
    );
  return (
    <p className="alerts-notify">
      <button
        type="button"
        className="button"
        onClick={() => void askNotificationPermission().then(setState)}
        data-testid="notifications-enable"
      >
        Turn on desktop notifications
      </button>
      <span className="muted small">The browser asks once; alerts then show while this tab is open.</span>
    </p>
  );
}

/** Alert rules, the alerts firing now, and the webhook. */
export function AlertsPage() {
  const [rules, setRules] = useState<AlertRule[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const load = useCallback(() => {
    call('alert:list')
      .then((found) => {
        setRules(found);
        setError(null);
      })
      .catch((e: unknown) => setError(toApiError(e)));
  }, []);
  useEffect(load, [load]);
  const changed = (e: ApiError | null) => {
    setError(e);
    load();
  };
  return (
    <div className="page page-narrow alerts-page">
      <header className="page-header">
        <h1>Alerts</h1>
      </header>
      <NotificationsNote />
      <FiringList />
      <section className="panel" aria-labelledby="alerts-rules">
        <h2 id="alerts-rules" className="section-title">
          Rules
        </h2>
        {error && (
          <p className="form-error" role="alert" data-testid="alerts-error">
            {error.message}
          </p>
        )}
        {rules !== null && rules.length === 0 && (
          <p className="muted" data-testid="alerts-no-rules">
            No rules yet. Add one below: nothing notifies until a rule says what to watch.
          </p>
        )}
        {rules !== null && rules.length > 0 && (
          <div className="alerts-scroll">
            <table className="usage-table alerts-table" data-testid="alert-rules">
              <thead>
                <tr>
                  <th scope="col">On</th>
                  <th scope="col">Alert</th>
                  <th scope="col">Where</th>
                  <th scope="col">Threshold</th>
                  <th scope="col">Snooze</th>
                  <th scope="col">
                    <span className="sr-only">Delete</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rules.map((rule) => (
                  <RuleRow key={rule.id} rule={rule} onChanged={changed} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <AddRuleForm onAdded={load} />
      <WebhookForm />
    </div>
  );
}
