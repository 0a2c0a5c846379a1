import { PlacementNote } from './PlacementNote.tsx';
import type { FormEvent } from 'react';
import {
  addFormErrors,
  addRequestFromForm,
  bringsOwnKey,
  defaultClientAllowedIps,
  emptyAddForm,
  type AddField,
  type AddPeerForm,
} from '../../lib/peer-forms.ts';
import { selectPeerState, usePeerFlows } from '../../store/peer-flow.ts';
import { useApp } from '../../store/store.ts';
import { Modal } from '../common.tsx';
import { FormErrors } from '../FormField.tsx';
import { AllowedIpsField, KeepaliveField, NameField, PreviewButtons, TextField } from './PeerFormParts.tsx';
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

const IP_MODES: readonly (readonly [AddPeerForm['ipMode'], string])[] = [
  ['auto', 'Automatic (next free address)'],
  ['explicit', 'These addresses'],
];

function AddPeerForm({
  server,
  iface,
  serverHost,
  interfaceAddresses,
  onCancel,
}: {
  server: string;
  iface: string;
  serverHost: string;
  interfaceAddresses: readonly string[];
  onCancel: () => void;
}) {
  const canPersist = useApp((s) => s.info?.canPersistSecrets ?? false);
  const { form, setForm, set, bind, id, changed, preview, busy, general } = usePeerForm(
    () => emptyAddForm(serverHost, interfaceAddresses),
    FIELDS,
    addFormErrors,
  );
  const ownKey = bringsOwnKey(form);

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

  // Typing addresses chooses them: the radio follows (an emptied box keeps the mode it had).
  const allowedIps = {
    ...bind('allowedIps'),
    onChange: (value: string) => {
      setForm((f) => ({ ...f, allowedIps: value, ipMode: value.trim() === '' ? f.ipMode : 'explicit' }));
      changed('allowedIps');
    },
  };

  return (
    <form className="form peer-form" onSubmit={submit} noValidate aria-label={`Add a peer to ${iface}`}>
      <FormErrors title="The peer cannot be added like this" messages={general} />
      <NameField field={bind('name')} hint="Written as a comment in the config file, e.g. alice-laptop" />

      <fieldset className="fieldset">
        <legend>Allowed IPs on the server</legend>
        <div className="radio-row">
          {IP_MODES.map(([mode, label]) => (
            <label key={mode} className="radio">
              <input
                type="radio"
                name={id('ip-mode')}
                checked={form.ipMode === mode}
                onChange={() => set('ipMode', mode, 'allowedIps')}
                data-testid={`peer-ips-${mode}`}
              />
              {label}
            </label>
          ))}
        </div>
        <AllowedIpsField
          field={allowedIps}
          labelHidden
          idle={form.ipMode === 'auto'}
          placeholder={form.ipMode === 'auto' ? 'Automatic' : '198.18.8.7/32'}
          hint={
            form.ipMode === 'auto'
              ? `The next free address in each of ${iface}’s subnets. Or type addresses here instead.`
              : 'Comma or newline separated, e.g. 198.18.8.7/32, 2001:2:0:1008::7/128. A bare address means one host.'
          }
        />
      </fieldset>

      <div className="form-grid">
        <KeepaliveField field={bind('keepalive')} hint="Seconds; empty = off. 25 keeps a NAT mapping open." />
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

      <TextField
        field={bind('publicKey')}
        label="Bring your own public key (optional)"
        hint="Leave empty and WG Deck generates the key pair here and makes the client config. With your own key, WG Deck never has the private key, so there is no client config to show."
        placeholder="44 characters of base64"
        className="mono"
        testId="peer-public-key"
      />

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
          <TextField
            field={bind('dns')}
            label="DNS"
            hint="Optional: servers or search domains, comma separated"
            placeholder="none"
            testId="client-dns"
          />
          <TextField
            field={bind('mtu')}
            label="MTU"
            hint="Optional; empty = the client’s default"
            inputMode="numeric"
            className="input-short"
            placeholder="default"
            testId="client-mtu"
          />
          <TextField
            field={bind('clientAllowedIps')}
            label="Client AllowedIPs"
            hint={`What the client sends through the tunnel; ${defaultClientAllowedIps(interfaceAddresses)} = everything ${iface} carries`}
            testId="client-allowed-ips"
          />
          <TextField
            field={bind('endpointHost')}
            label="Endpoint host"
            hint="How clients reach the server; the listen port is added"
            placeholder={serverHost}
            testId="client-endpoint"
          />
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

      <PreviewButtons busy={busy} onCancel={onCancel} />
    </form>
  );
}

/** "Add peer": the form in a dialog; its preview stands in for it until applied or cancelled. */
export function AddPeerDialog({
  open,
  onClose,
  server,
  iface,
  serverHost,
  interfaceAddresses,
}: {
  open: boolean;
  onClose: () => void;
  server: string;
  iface: string;
  serverHost: string;
  /** The interface's Address lines: the client's default AllowedIPs keep to their families. */
  interfaceAddresses: readonly string[];
}) {
  const planShown = usePeerFlows(selectPeerState(server, iface)).flow !== null;
  return (
    <Modal
      open={open}
      onClose={onClose}
      title={`Add a peer to ${iface}`}
      testId="add-peer-dialog"
      className="modal-form"
      suspended={planShown}
    >
      {open && <PlacementNote server={server} iface={iface} />}
      <AddPeerForm
        server={server}
        iface={iface}
        serverHost={serverHost}
        interfaceAddresses={interfaceAddresses}
        onCancel={onClose}
      />
    </Modal>
  );
}
