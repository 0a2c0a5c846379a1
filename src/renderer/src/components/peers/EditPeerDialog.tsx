import type { FormEvent } from 'react';
import type { ConfigPeerView } from '../../../../shared/peer-ops.ts';
import { peerLabel } from '../../lib/config-view.ts';
import { selectPeerState, usePeerFlows } from '../../store/peer-flow.ts';
import {
  editChange,
  editFormErrors,
  editFormFromPeer,
  editFromForm,
  defaultCheckAddress,
  hasChanges,
  type EditField,
  type EditPeerForm,
} from '../../lib/peer-forms.ts';
import { CopyButton, Modal } from '../common.tsx';
import { FormErrors, FormField } from '../FormField.tsx';
import {
  AllowedIpsField,
  CheckAddressField,
  KeepaliveField,
  NameField,
  LimitFields,
  PreviewButtons,
  TextField,
} from './PeerFormParts.tsx';
import { usePeerForm } from './use-peer-form.ts';

const FIELDS: readonly EditField[] = [
  'name',
  'allowedIps',
  'keepalive',
  'checkAddress',
  'statusRule',
  'statusThresholds',
  'presharedKey',
  'quota',
  'expires',
  'schedule',
];

function EditPeerForm({
  server,
  iface,
  peer,
  onCancel,
}: {
  server: string;
  iface: string;
  peer: ConfigPeerView;
  onCancel: () => void;
}) {
  const { form, set, bind, id, errorOf, preview, busy, general } = usePeerForm(
    () => editFormFromPeer(peer),
    FIELDS,
    (f) => editFormErrors(f, peer),
  );
  const edit = editFromForm(form, peer);
  // A value that does not parse makes no edit yet is a change: Preview stays open to say what is wrong.
  const dirty = hasChanges(edit) || Object.keys(editFormErrors(form, peer)).length > 0;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy || !dirty) return;
    void preview(
      { server, iface, operation: { kind: 'changes', changes: [editChange(peer, edit)] } },
      false,
      `Edit “${peerLabel(peer)}” on ${iface}`,
    );
  };

  const pskChoices: { value: EditPeerForm['presharedKey']; label: string; hidden?: boolean }[] = [
    { value: 'keep', label: peer.hasPresharedKey ? 'Keep it' : 'None (keep it that way)' },
    { value: 'rotate', label: peer.hasPresharedKey ? 'Rotate (generate a new one)' : 'Generate one' },
    { value: 'remove', label: 'Remove it', hidden: !peer.hasPresharedKey },
  ];

  return (
    <form className="form peer-form" onSubmit={submit} noValidate aria-label={`Edit ${peerLabel(peer)}`}>
      <FormErrors title="The peer cannot be changed like this" messages={general} />
      <dl className="facts edit-facts">
        <dt>Public key</dt>
        <dd className="fact-key">
          <code className="mono wrap">{peer.publicKey}</code>
          <CopyButton text={peer.publicKey} label="Copy public key" />
        </dd>
        {peer.disabled && (
          <>
            <dt>State</dt>
            <dd>Disabled: changes go to the config file only.</dd>
          </>
        )}
      </dl>
      <NameField field={bind('name')} placeholder={peer.name === null ? 'unnamed' : undefined} />
      <AllowedIpsField
        field={bind('allowedIps')}
        hint="Comma or newline separated. Changing them moves the peer’s traffic: its session stays up."
      />
      <KeepaliveField field={bind('keepalive')} hint="Seconds; empty = off" />
      <CheckAddressField field={bind('checkAddress')} fallback={defaultCheckAddress(form.allowedIps)} />
      <div className="form-grid">
        <FormField
          label="Status rule"
          id={id('statusRule')}
          error={errorOf('statusRule')}
          hint="Its own, kept in the config file"
        >
          {(control) => (
            <select
              {...control}
              value={form.statusRule}
              onChange={(e) => set('statusRule', e.target.value as EditPeerForm['statusRule'], 'statusRule')}
              data-form-field="statusRule"
              data-testid="peer-status-rule"
            >
              <option value="">As for its server</option>
              <option value="handshake">Online by handshake</option>
              <option value="ping">Online if it answers ping</option>
              <option value="either">Either</option>
            </select>
          )}
        </FormField>
        <TextField
          field={bind('statusThresholds')}
          label="Online / stale after"
          hint="Seconds, e.g. 60/600; empty: the fleet's"
          placeholder="as in Settings"
          className="input-short"
          testId="peer-status-thresholds"
        />
      </div>
      <fieldset className="fieldset limits-fieldset">
        <legend>Limits (kept in the config file; empty: none)</legend>
        <p className="field-hint">
          Whatever records history here disables the peer when it is over its quota, expired or outside its
          schedule, and enables it again when the rule allows.
        </p>
        <LimitFields
          quota={bind('quota')}
          expires={bind('expires')}
          schedule={bind('schedule')}
          placeholders={{ quota: 'no quota', expires: 'never', schedule: 'any time' }}
          testIdPrefix="peer"
          sideBySide
        />
      </fieldset>
      <fieldset className="fieldset" data-form-field="presharedKey" tabIndex={-1}>
        <legend>Preshared key{peer.hasPresharedKey ? ' (one is set)' : ' (none)'}</legend>
        <div className="radio-row">
          {pskChoices
            .filter((c) => !c.hidden)
            .map((c) => (
              <label key={c.value} className="radio">
                <input
                  type="radio"
                  name={id('psk')}
                  checked={form.presharedKey === c.value}
                  onChange={() => set('presharedKey', c.value, 'presharedKey')}
                  data-testid={`peer-psk-${c.value}`}
                />
                {c.label}
              </label>
            ))}
        </div>
        {errorOf('presharedKey') && (
          <p className="field-error" data-testid="field-error">
            {errorOf('presharedKey')}
          </p>
        )}
        {form.presharedKey === 'rotate' && (
          <p className="field-hint">
            The peer’s device needs the new key too: until it has it, its handshakes fail.
          </p>
        )}
      </fieldset>
      <PreviewButtons
        busy={busy}
        onCancel={onCancel}
        blocked={!dirty}
        note={dirty ? undefined : 'Nothing changed yet.'}
      />
    </form>
  );
}

/** "Edit" of a config row: name, allowed IPs, keepalive, checks, limits, preshared key (keep / rotate / remove). */
export function EditPeerDialog({
  peer,
  onClose,
  server,
  iface,
}: {
  peer: ConfigPeerView | null;
  onClose: () => void;
  server: string;
  iface: string;
}) {
  // Its preview stands in for the form until applied (the form closes) or cancelled (it comes back).
  const planShown = usePeerFlows(selectPeerState(server, iface)).flow !== null;
  return (
    <Modal
      open={peer !== null}
      onClose={onClose}
      title={peer ? `Edit ${peerLabel(peer)}` : ''}
      testId="edit-peer-dialog"
      className="modal-form"
      suspended={planShown}
    >
      {peer && (
        <EditPeerForm key={peer.publicKey} server={server} iface={iface} peer={peer} onCancel={onClose} />
      )}
    </Modal>
  );
}
