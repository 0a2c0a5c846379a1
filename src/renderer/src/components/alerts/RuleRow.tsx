import { useEffect, useState } from 'react';
import type { AlertRule } from '../../../../shared/alerts.ts';
import {
  ALERT_KIND_LABEL,
  THRESHOLD_FIELD,
  ruleScope,
  ruleThreshold,
  snoozeText,
  thresholdOf,
  withThreshold,
} from '../../lib/alert-forms.ts';
import { toApiError, type ApiError } from '../../lib/errors.ts';
import { call } from '../../store/store.ts';
import { useNameOf } from './use-name-of.ts';

/** One rule's row: switch, threshold (edited in place), snooze, delete. */
export function RuleRow({
  rule,
  onChanged,
}: {
  rule: AlertRule;
  onChanged: (error: ApiError | null) => void;
}) {
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
