import { useId, useState, type FormEvent } from 'react';
import { CodeLine } from '../components/common.tsx';
import { ImportSshConfig } from '../components/ImportSshConfig.tsx';
import { TrustDialog } from '../components/TrustDialog.tsx';
import { FormField, type ControlProps, type FormFieldProps } from '../components/FormField.tsx';
import {
  AuthFieldset,
  PlacementFields,
  PollingFields,
  type ServerFieldsProps,
} from '../components/ServerFormFields.tsx';
import {
  explainError,
  presentedHostKey,
  sudoersLineOf,
  toApiError,
  type ApiError,
  type PresentedHostKey,
} from '../lib/errors.ts';
import {
  EMPTY_SERVER_FORM,
  formFromCandidate,
  validateServerForm,
  type ServerAddRequest,
  type ServerForm,
  type ServerFormErrors,
} from '../lib/forms.ts';
import { call, navigate, refreshServers, useApp } from '../store/store.ts';

/** The form's fields, as before the shared FormField: no `field-error` test id on their errors. */
function Field(props: Omit<FormFieldProps, 'errorTestId'>) {
  return <FormField {...props} errorTestId={null} />;
}

/** A failed `server:add`, said specifically, with what to do. */
function AddError({ error }: { error: ApiError }) {
  const { title, hint } = explainError(error.code);
  const sudoers =
    error.code === 'SUDO_PASSWORD_REQUIRED' ? sudoersLineOf(error.details, error.message) : null;
  return (
    <div
      className="callout"
      data-tone="bad"
      role="alert"
      data-testid="add-error"
      data-error-code={error.code}
    >
      <h2 className="callout-title">{title}</h2>
      <p className="callout-message">{error.message}</p>
      {hint && <p className="callout-hint">{hint}</p>}
      {sudoers && <CodeLine text={sudoers} label="Copy sudoers line" testId="sudoers-line" />}
    </div>
  );
}

export function AddServer() {
  const canPersist = useApp((s) => s.info?.canPersistSecrets ?? false);
  const [form, setForm] = useState<ServerForm>(EMPTY_SERVER_FORM);
  const [errors, setErrors] = useState<ServerFormErrors>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [presented, setPresented] = useState<PresentedHostKey | null>(null);
  const [pending, setPending] = useState<ServerAddRequest | null>(null);
  const uid = useId();
  const id = (field: string) => `${uid}-${field}`;

  const set = <K extends keyof ServerForm>(key: K, value: ServerForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    if (errors[key]) setErrors((e) => ({ ...e, [key]: undefined }));
  };
  const fields: ServerFieldsProps = {
    form,
    errors,
    set,
    id,
    canPersist,
    testId: (field) => `add-server-${field}`,
  };

  const connect = async (request: ServerAddRequest, acceptFingerprint?: string) => {
    setBusy(true);
    setError(null);
    try {
      const result = await call('server:add', {
        ...request,
        ...(acceptFingerprint ? { acceptFingerprint } : {}),
      });
      setPresented(null);
      setPending(null);
      await refreshServers();
      navigate({ page: 'server', server: result.server.name });
    } catch (e) {
      const apiError = toApiError(e);
      const key = apiError.code === 'HOST_KEY_UNKNOWN' ? presentedHostKey(apiError) : null;
      if (key && !acceptFingerprint) {
        setPending(request);
        setPresented(key);
      } else {
        setPresented(null);
        setError(apiError);
      }
    } finally {
      setBusy(false);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const result = validateServerForm(form, canPersist);
    if (!result.ok) {
      setErrors(result.errors);
      const first = Object.keys(result.errors)[0];
      if (first) document.getElementById(id(first))?.focus();
      return;
    }
    setErrors({});
    void connect(result.request);
  };

  const text =
    (field: 'name' | 'host' | 'port' | 'user' | 'jump' | 'group', extra: Record<string, unknown> = {}) =>
    (props: ControlProps) => (
      <input
        {...props}
        {...extra}
        name={field}
        value={form[field]}
        onChange={(e) => set(field, e.target.value)}
        spellCheck={false}
        autoCapitalize="off"
        autoCorrect="off"
      />
    );

  return (
    <div className="page page-narrow">
      <header className="page-header">
        <h1>Add server</h1>
      </header>
      <p className="lead">
        WG Deck connects over SSH and runs <code>wg show all dump</code> in a loop. Nothing is installed on
        the server.
      </p>
      <ImportSshConfig onPick={(c) => setForm((f) => formFromCandidate(f, c))} />
      <form
        className="form"
        onSubmit={submit}
        noValidate
        aria-label="Add server"
        data-testid="add-server-form"
      >
        <div className="form-grid">
          <Field
            label="Name"
            id={id('name')}
            error={errors.name}
            hint="How it appears in WG Deck, e.g. edge-1"
          >
            {text('name', { autoFocus: true })}
          </Field>
          <Field label="Group" id={id('group')} error={errors.group} hint="Optional, e.g. eu-west">
            {text('group')}
          </Field>
          <Field label="Host" id={id('host')} error={errors.host} hint="DNS name or IP address">
            {text('host')}
          </Field>
          <Field label="Port" id={id('port')} error={errors.port}>
            {text('port', { inputMode: 'numeric', className: 'input-short' })}
          </Field>
          <Field label="User" id={id('user')} error={errors.user}>
            {text('user')}
          </Field>
          <Field
            label="Jump host"
            id={id('jump')}
            error={errors.jump}
            hint="Optional: [user@]host[:port], or a chain a,b (in connection order)"
          >
            {text('jump', { placeholder: 'admin@bastion:22' })}
          </Field>
        </div>

        <AuthFieldset {...fields} />
        <PollingFields {...fields} />
        <PlacementFields {...fields} />

        <label className="check">
          <input
            type="checkbox"
            checked={form.sudo}
            onChange={(e) => set('sudo', e.target.checked)}
            data-testid="sudo"
          />
          <span>
            Run wg with sudo (<code>sudo -n</code>; needs a NOPASSWD sudoers line)
          </span>
        </label>

        {error && <AddError error={error} />}

        <div className="button-row">
          <button
            type="submit"
            className="button button-primary"
            disabled={busy}
            data-testid="connect-button"
          >
            {busy && !presented ? 'Connecting…' : 'Connect'}
          </button>
          <button
            type="button"
            className="button button-quiet"
            onClick={() => navigate({ page: 'overview' })}
          >
            Cancel
          </button>
        </div>
      </form>
      <TrustDialog
        presented={presented}
        host={form.host}
        busy={busy}
        onCancel={() => {
          setPresented(null);
          setPending(null);
        }}
        onTrust={() => {
          if (pending && presented) void connect(pending, presented.fingerprint);
        }}
      />
    </div>
  );
}
