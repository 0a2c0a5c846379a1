import { useId, useState, type FormEvent } from 'react';
import {
  addFormErrors,
  addRequestFromForm,
  bringsOwnKey,
  emptyAddForm,
  type AddField,
  type AddPeerForm,
} from '../../lib/peer-forms.ts';
import { useApp } from '../../store/store.ts';
import { Modal } from '../common.tsx';
import { FormErrors, FormField, PLAIN_INPUT, type ControlProps } from './FormField.tsx';
import { usePeerForm } from './use-peer-form.ts';

const FIELDS: readonly AddField[] = [
  'name',
  'allowedIps',
  'keepalive',
  'publicKey',
  'dns',
  'mtu',
  'clientAllowedIps',
  'endpointHost',
];

function AddPeerForm({
  server,
  iface,
  serverHost,
  onCancel,
}: {
  server: string;
  iface: string;
  serverHost: string;
  onCancel: () => void;
}) {
  const canPersist = useApp((s) => s.info?.canPersistSecrets ?? false);
  const [form, setForm] = useState<AddPeerForm>(() => emptyAddForm(serverHost));
  const local = addFormErrors(form);
  const { errorOf, touch, changed, preview, busy, general } = usePeerForm(FIELDS, local);
  const uid = useId();
  const id = (f: string) => `${uid}-${f}`;
  const ownKey = bringsOwnKey(form);

  const set = <K extends keyof AddPeerForm>(key: K, value: AddPeerForm[K], field?: AddField) => {
    setForm((f) => ({ ...f, [key]: value }));
    if (field) changed(field);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const built = addRequestFromForm(form, canPersist);
    void preview(
      {
        server,
        iface,
        operation: { kind: 'changes', changes: [built.change] },
        ...(built.client ? { client: built.client } : {}),
      },
      built.keepPrivateKeys,
    );
  };

  /** A text input for `key`, its problems shown once the field was left. */
  const text =
    (field: AddField, key: keyof AddPeerForm, extra: Record<string, unknown> = {}) =>
    (props: ControlProps) => (
      <input
        {...props}
        {...PLAIN_INPUT}
        {...extra}
        value={form[key] as string}
        onChange={(e) => set(key, e.target.value, field)}
        onBlur={() => touch(field)}
        data-form-field={field}
      />
    );

  return (
    <form className="form peer-form" onSubmit={submit} noValidate aria-label={`Add a peer to ${iface}`}>
      <FormErrors title="The peer cannot be added like this" messages={general} />
      <FormField
        label="Name"
        id={id('name')}
        error={errorOf('name')}
        hint="Written as a comment in the config file, e.g. alice-laptop"
      >
        {(props) => (
          <input
            {...props}
            {...PLAIN_INPUT}
            autoFocus
            value={form.name}
            onChange={(e) => {
              set('name', e.target.value, 'name');
              touch('name');
            }}
            data-form-field="name"
            data-testid="peer-name"
          />
        )}
      </FormField>

      <fieldset className="fieldset">
        <legend>Allowed IPs on the server</legend>
        <div className="radio-row">
          <label className="radio">
            <input
              type="radio"
              name={id('ip-mode')}
              checked={form.ipMode === 'auto'}
              onChange={() => set('ipMode', 'auto', 'allowedIps')}
              data-testid="peer-ips-auto"
            />
            Automatic (next free address)
          </label>
          <label className="radio">
            <input
              type="radio"
              name={id('ip-mode')}
              checked={form.ipMode === 'explicit'}
              onChange={() => set('ipMode', 'explicit', 'allowedIps')}
              data-testid="peer-ips-explicit"
            />
            These addresses
          </label>
        </div>
        <FormField
          label={<span className="sr-only">Allowed IPs</span>}
          id={id('allowedIps')}
          error={errorOf('allowedIps')}
          hint={
            form.ipMode === 'auto'
              ? `The next free address in each of ${iface}’s subnets. Or type addresses here instead.`
              : 'Comma or newline separated, e.g. 10.8.0.7/32, fd42::7/128. A bare address means one host.'
          }
        >
          {(props) => (
            <textarea
              {...props}
              {...PLAIN_INPUT}
              rows={2}
              className={`textarea${form.ipMode === 'auto' ? ' textarea-idle' : ''}`}
              placeholder={form.ipMode === 'auto' ? 'Automatic' : '10.8.0.7/32'}
              value={form.allowedIps}
              onChange={(e) => {
                const value = e.target.value;
                setForm((f) => ({
                  ...f,
                  allowedIps: value,
                  ipMode: value.trim() === '' ? f.ipMode : 'explicit',
                }));
                changed('allowedIps');
              }}
              onBlur={() => touch('allowedIps')}
              data-form-field="allowedIps"
              data-testid="peer-allowed-ips"
            />
          )}
        </FormField>
      </fieldset>

      <div className="form-grid">
        <FormField
          label="Persistent keepalive"
          id={id('keepalive')}
          error={errorOf('keepalive')}
          hint="Seconds; empty = off. 25 keeps a NAT mapping open."
        >
          {(props) => (
            <span className="input-with-unit">
              {text('keepalive', 'keepalive', {
                inputMode: 'numeric',
                className: 'input-short',
                'data-testid': 'peer-keepalive',
                placeholder: 'off',
              })(props)}
              <span className="muted">seconds</span>
            </span>
          )}
        </FormField>
        <div className="field">
          <span className="field-label">Preshared key</span>
          <label className="check">
            <input
              type="checkbox"
              checked={form.presharedKey}
              onChange={(e) => set('presharedKey', e.target.checked)}
              data-testid="peer-psk"
            />
            <span>Generate a preshared key</span>
          </label>
          <p className="field-hint">An extra symmetric key on top of the key pair (post-quantum hedge).</p>
        </div>
      </div>

      <FormField
        label="Bring your own public key (optional)"
        id={id('publicKey')}
        error={errorOf('publicKey')}
        hint="Leave empty and WG Deck generates the key pair here and makes the client config. With your own key, WG Deck never has the private key, so there is no client config to show."
      >
        {text('publicKey', 'publicKey', {
          'data-testid': 'peer-public-key',
          placeholder: '44 characters of base64',
          className: 'mono',
        })}
      </FormField>

      <fieldset
        className="fieldset"
        disabled={ownKey}
        aria-describedby={ownKey ? id('client-off') : undefined}
      >
        <legend>Client config</legend>
        {ownKey && (
          <p className="field-hint" id={id('client-off')}>
            Not made: the client’s private key is yours, not WG Deck’s.
          </p>
        )}
        <div className="form-grid">
          <FormField
            label="DNS"
            id={id('dns')}
            error={errorOf('dns')}
            hint="Optional: servers or search domains, comma separated"
          >
            {text('dns', 'dns', { 'data-testid': 'client-dns', placeholder: 'none' })}
          </FormField>
          <FormField
            label="MTU"
            id={id('mtu')}
            error={errorOf('mtu')}
            hint="Optional; empty = the client’s default"
          >
            {text('mtu', 'mtu', {
              inputMode: 'numeric',
              className: 'input-short',
              'data-testid': 'client-mtu',
              placeholder: 'default',
            })}
          </FormField>
          <FormField
            label="Client AllowedIPs"
            id={id('clientAllowedIps')}
            error={errorOf('clientAllowedIps')}
            hint="What the client sends through the tunnel; 0.0.0.0/0, ::/0 = everything"
          >
            {text('clientAllowedIps', 'clientAllowedIps', { 'data-testid': 'client-allowed-ips' })}
          </FormField>
          <FormField
            label="Endpoint host"
            id={id('endpointHost')}
            error={errorOf('endpointHost')}
            hint="How clients reach the server; the listen port is added"
          >
            {text('endpointHost', 'endpointHost', {
              'data-testid': 'client-endpoint',
              placeholder: serverHost,
            })}
          </FormField>
        </div>
        <label className="check" data-disabled={!canPersist || undefined}>
          <input
            type="checkbox"
            checked={form.keepPrivateKey && canPersist && !ownKey}
            disabled={!canPersist || ownKey}
            onChange={(e) => set('keepPrivateKey', e.target.checked)}
            aria-describedby={id('keep-help')}
            data-testid="peer-keep-key"
          />
          <span>Keep the private key in the OS keychain</span>
        </label>
        <p className="field-hint" id={id('keep-help')} data-testid="peer-keep-key-help">
          {canPersist
            ? 'So the client config can be shown again later. Otherwise it is shown once and forgotten.'
            : 'Not available here: this system has no OS keychain WG Deck can use safely, so the config is shown once and forgotten.'}
        </p>
      </fieldset>

      <div className="button-row end">
        <button type="button" className="button button-quiet" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={busy} data-testid="preview-button">
          {busy ? 'Planning…' : 'Preview'}
        </button>
      </div>
    </form>
  );
}

/** "Add peer": the form in a dialog; Preview opens the plan dialog on top of it. */
export function AddPeerDialog({
  open,
  onClose,
  server,
  iface,
  serverHost,
}: {
  open: boolean;
  onClose: () => void;
  server: string;
  iface: string;
  serverHost: string;
}) {
  return (
    <Modal
      open={open}
      onClose={onClose}
      title={`Add a peer to ${iface}`}
      testId="add-peer-dialog"
      className="modal-form"
    >
      <AddPeerForm server={server} iface={iface} serverHost={serverHost} onCancel={onClose} />
    </Modal>
  );
}
