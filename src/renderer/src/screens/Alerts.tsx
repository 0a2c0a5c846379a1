import { useCallback, useEffect, useState } from 'react';
import type { AlertRule } from '../../../shared/alerts.ts';
import { toApiError, type ApiError } from '../lib/errors.ts';
import { call } from '../store/store.ts';
import { AddRuleForm } from '../components/alerts/AddRuleForm.tsx';
import { FiringList } from '../components/alerts/FiringList.tsx';
import { NotificationsNote } from '../components/alerts/NotificationsNote.tsx';
import { RuleRow } from '../components/alerts/RuleRow.tsx';
import { WebhookForm } from '../components/alerts/WebhookForm.tsx';

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
