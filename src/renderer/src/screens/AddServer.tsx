import { useId, useState, type FormEvent } from 'react';
import type { SshConfigCandidate } from '../../../shared/api.ts';
import { CodeLine, Modal } from '../components/common.tsx';
import { FormField, type ControlProps, type FormFieldProps } from '../components/FormField.tsx';
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

function ImportSshConfig({ onPick }: { onPick: (c: SshConfigCandidate) => void }) {
  const [candidates, setCandidates] = useState<SshConfigCandidate[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const load = async () => {
    setBusy(true);
    setError(null);
    try {
      setCandidates(await call('server:importSshConfig'));
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="import">
      <button
        type="button"
        className="button"
        onClick={() => void load()}
        disabled={busy}
        data-testid="import-ssh-config"
      >
        {busy ? 'Reading ~/.ssh/config…' : 'Import from ~/.ssh/config'}
      </button>
      {error && (
        <p className="form-error" role="alert">
          {error.message}
        </p>
      )}
      {candidates && candidates.length === 0 && (
        <p className="muted">No concrete Host entries in ~/.ssh/config.</p>
      )}
      {candidates && candidates.length > 0 && (
        <ul
          className="candidate-list"
          aria-label="Hosts from ~/.ssh/config"
          data-testid="ssh-config-candidates"
        >
          {candidates.map((c) => (
            <li key={c.alias}>
              <button
                type="button"
                className="candidate"
                onClick={() => {
                  onPick(c);
                  setCandidates(null);
                }}
                data-candidate={c.alias}
              >
                <span className="candidate-alias">{c.alias}</span>
                <span className="muted mono">
                  {`${c.user}@`}
                  {c.host}
                  {c.port !== 22 ? `:${c.port}` : ''}
                  {c.jump.length > 0 ? ` via ${c.jump.join(', ')}` : ''}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function TrustDialog({
  presented,
  host,
  busy,
  onTrust,
  onCancel,
}: {
  presented: PresentedHostKey | null;
  host: string;
  busy: boolean;
  onTrust: () => void;
  onCancel: () => void;
}) {
  return (
    <Modal
      open={presented !== null}
      onClose={onCancel}
      title="Trust this server’s host key?"
      testId="trust-dialog"
      describedBy="trust-explain"
    >
      {presented && (
        <>
          <p id="trust-explain">
            WG Deck has never connected to <strong className="mono">{presented.hostPort ?? host}</strong>.
            Before any credential is sent, check that the fingerprint below is the one the server shows (on
            the server:{' '}
            <code>ssh-keygen -lf /etc/ssh/ssh_host_{presented.keyType.toLowerCase()}_key.pub</code>).
          </p>
          <dl className="facts trust-facts">
            <dt>Host</dt>
            <dd className="mono" data-testid="trust-host">
              {presented.hostPort ?? host}
            </dd>
            <dt>Key type</dt>
            <dd data-testid="trust-key-type">{presented.keyType}</dd>
            <dt>Fingerprint</dt>
            <dd>
              <code className="fingerprint mono" data-testid="host-key-fingerprint">
                {presented.fingerprint}
              </code>
            </dd>
          </dl>
          <div className="button-row end">
            <button type="button" className="button button-quiet" onClick={onCancel}>
              Cancel
            </button>
            <button
              type="button"
              className="button button-primary"
              onClick={onTrust}
              disabled={busy}
              data-testid="trust-and-connect"
            >
              {busy ? 'Connecting…' : 'Trust and connect'}
            </button>
          </div>
        </>
      )}
    </Modal>
  );
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
      {error.code === 'HOST_KEY_CHANGED' && (
        <p className="callout-hint">
          WG Deck will not connect until you resolve this. If the server was reinstalled, confirm its new
          fingerprint with its administrator, then remove the old line from the file named above.
        </p>
      )}
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
    (
      field: 'name' | 'host' | 'port' | 'user' | 'jump' | 'group' | 'identityFile',
      extra: Record<string, unknown> = {},
    ) =>
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

        <fieldset className="fieldset">
          <legend>Authentication</legend>
          <div className="radio-row">
            {(
              [
                ['agent', 'SSH agent / default keys'],
                ['key', 'Key file'],
                ['password', 'Password'],
              ] as const
            ).map(([value, label]) => (
              <label key={value} className="radio">
                <input
                  type="radio"
                  name="auth"
                  value={value}
                  checked={form.auth === value}
                  onChange={() => set('auth', value)}
                />
                {label}
              </label>
            ))}
          </div>
          {form.auth === 'key' && (
            <div className="form-grid">
              <Field label="Key file path" id={id('identityFile')} error={errors.identityFile}>
                {text('identityFile', { placeholder: '~/.ssh/id_ed25519' })}
              </Field>
              <Field label="Key passphrase" id={id('passphrase')} hint="Only if the key is encrypted">
                {(props) => (
                  <input
                    {...props}
                    type="password"
                    autoComplete="off"
                    value={form.passphrase}
                    onChange={(e) => set('passphrase', e.target.value)}
                  />
                )}
              </Field>
            </div>
          )}
          {form.auth === 'password' && (
            <div className="form-grid">
              <Field label="Password" id={id('password')} error={errors.password}>
                {(props) => (
                  <input
                    {...props}
                    type="password"
                    autoComplete="off"
                    value={form.password}
                    onChange={(e) => set('password', e.target.value)}
                  />
                )}
              </Field>
            </div>
          )}
          {(form.auth === 'password' || (form.auth === 'key' && form.passphrase !== '')) && canPersist && (
            <label className="check">
              <input
                type="checkbox"
                checked={form.remember}
                onChange={(e) => set('remember', e.target.checked)}
              />
              Remember in the system keychain
            </label>
          )}
          {form.auth === 'password' && !canPersist && (
            <p className="field-hint">Kept in memory only: WG Deck asks again after a restart.</p>
          )}
        </fieldset>

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
