import { useId, useState, type FormEvent } from 'react';
import { ALERT_KINDS } from '../../../../shared/alerts.ts';
import {
  ALERT_KIND_LABEL,
  EMPTY_ALERT_FORM,
  THRESHOLD_FIELD,
  ruleFromForm,
  scopeFields,
  type AlertRuleForm,
} from '../../lib/alert-forms.ts';
import { toApiError } from '../../lib/errors.ts';
import { call, useApp } from '../../store/store.ts';

export function AddRuleForm({ onAdded }: { onAdded: () => void }) {
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
