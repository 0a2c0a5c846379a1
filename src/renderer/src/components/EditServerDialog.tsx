import { useId, useState, type FormEvent } from 'react';
import type { ServerConfig } from '../../../shared/server-config.ts';
import { toApiError } from '../lib/errors.ts';
import { formFromServer, validateServerEdit, type ServerForm, type ServerFormErrors } from '../lib/forms.ts';
import { call, refreshServers, useApp } from '../store/store.ts';
import { Modal } from './common.tsx';
import { FormField, PLAIN_INPUT } from './FormField.tsx';
import { AuthFieldset, PlacementFields, PollingFields, type ServerFieldsProps } from './ServerFormFields.tsx';

type TextField = 'host' | 'port' | 'user' | 'jump' | 'group';

const FIELDS: readonly [TextField, string, string][] = [
  ['host', 'Host', 'Address or host name'],
  ['port', 'SSH port', ''],
  ['user', 'User', ''],
  ['jump', 'Jump host', 'user@host:port, or a chain a,b; empty for none'],
  ['group', 'Group', 'Empty for none'],
];

/**
 * "Edit…" on a server page: the add form's settings (its rules, its fields) but the name; it
 * reconnects. A new password or passphrase goes to the keychain path, never into the config.
 */
export function EditServerDialog({
  server,
  open,
  onClose,
}: {
  server: ServerConfig;
  open: boolean;
  onClose: () => void;
}) {
  const canPersist = useApp((s) => s.info?.canPersistSecrets ?? false);
  const [form, setForm] = useState<ServerForm>(() => formFromServer(server));
  const [errors, setErrors] = useState<ServerFormErrors>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const uid = useId();
  const id = (field: string) => `${uid}-${field}`;

  const set = <K extends keyof ServerForm>(key: K, value: ServerForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    // A problem was about what was typed before: it goes as the field changes.
    if (errors[key]) setErrors((e) => ({ ...e, [key]: undefined }));
    setProblem(null);
  };
  const fields: ServerFieldsProps = {
    form,
    errors,
    set,
    id,
    canPersist,
    editing: true,
    testId: (field) => `edit-server-${field}`,
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = validateServerEdit(form, server, canPersist);
    if (!checked.ok) {
      setErrors(checked.errors);
      const first = Object.keys(checked.errors)[0];
      if (first) document.getElementById(id(first))?.focus();
      return;
    }
    setBusy(true);
    try {
      await call('server:update', checked.server);
      if (checked.credentials) await call('server:setCredentials', server.name, checked.credentials);
      await refreshServers();
      setProblem(null);
      onClose();
    } catch (error) {
      setProblem(toApiError(error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={open}
      onClose={onClose}
      title={`Edit ${server.name}`}
      testId="edit-server-dialog"
      className="modal-form"
    >
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <div className="form-grid">
          {FIELDS.map(([key, label, hint]) => (
            <FormField
              key={key}
              label={label}
              id={id(key)}
              error={errors[key]}
              errorTestId={`edit-server-${key}-error`}
            >
              {(control) => (
                <input
                  {...control}
                  {...PLAIN_INPUT}
                  value={form[key]}
                  onChange={(e) => set(key, e.target.value)}
                  placeholder={hint}
                  inputMode={key === 'port' ? 'numeric' : undefined}
                  data-testid={`edit-server-${key}`}
                />
              )}
            </FormField>
          ))}
        </div>
        <AuthFieldset {...fields} />
        <PollingFields {...fields} />
        <PlacementFields {...fields} />
        <label className="check">
          <input
            type="checkbox"
            checked={form.sudo}
            onChange={(e) => set('sudo', e.target.checked)}
            data-testid="edit-server-sudo"
          />
          <span>Run wg with sudo (sudo -n, for a user other than root)</span>
        </label>
        <p className="field-hint">
          Saving reconnects the server. A new host or port has its host key checked again before any login.
        </p>
        {problem && (
          <p className="form-error" role="alert" data-testid="edit-server-error">
            {problem}
          </p>
        )}
        <div className="button-row end form-footer">
          <button type="button" className="button button-quiet" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="button button-primary"
            disabled={busy}
            data-testid="edit-server-save"
          >
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
