import type { FormEvent } from 'react';
import type { ConfigPeerView } from '../../../../shared/peer-ops.ts';
import { peerLabel } from '../../lib/config-view.ts';
import {
  batchLimitsEdit,
  batchLimitsErrors,
  EMPTY_BATCH_LIMITS,
  hasChanges,
  type LimitsField,
} from '../../lib/peer-forms.ts';
import { selectPeerState, usePeerFlows } from '../../store/peer-flow.ts';
import { Modal } from '../common.tsx';
import { FormErrors } from '../FormField.tsx';
import { LimitFields, PreviewButtons } from './PeerFormParts.tsx';
import { usePeerForm } from './use-peer-form.ts';

const FIELDS: readonly LimitsField[] = ['quota', 'expires', 'schedule'];

function BatchLimitsForm({
  server,
  iface,
  peers,
  onCancel,
}: {
  server: string;
  iface: string;
  peers: readonly ConfigPeerView[];
  onCancel: () => void;
}) {
  const { form, bind, preview, busy, general } = usePeerForm(
    () => EMPTY_BATCH_LIMITS,
    FIELDS,
    batchLimitsErrors,
  );
  const edit = batchLimitsEdit(form);
  // A value that does not parse sets nothing yet still opens Preview, which says what is wrong.
  const dirty = hasChanges(edit) || Object.keys(batchLimitsErrors(form)).length > 0;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy || !dirty) return;
    void preview(
      {
        server,
        iface,
        operation: {
          kind: 'changes',
          changes: peers.map((p) => ({ action: 'edit', peer: p.publicKey, edit })),
        },
      },
      false,
      `Set limits of ${peers.length === 1 ? `“${peerLabel(peers[0]!)}”` : `${peers.length} peers`} on ${iface}`,
    );
  };
  return (
    <form className="form peer-form" onSubmit={submit} noValidate aria-label="Set limits">
      <FormErrors title="The limits cannot be set like this" messages={general} />
      <p className="field-hint">
        For {peers.map(peerLabel).slice(0, 5).join(', ')}
        {peers.length > 5 ? ` and ${peers.length - 5} more` : ''}. Empty leaves each peer’s own rule as it is;{' '}
        <code>none</code> removes it. Kept in the config file beside each name.
      </p>
      <LimitFields
        quota={bind('quota')}
        expires={bind('expires')}
        schedule={bind('schedule')}
        placeholders={{ quota: 'leave as is', expires: 'leave as is', schedule: 'leave as is' }}
        testIdPrefix="batch"
      />
      <PreviewButtons
        busy={busy}
        onCancel={onCancel}
        blocked={!dirty}
        note={dirty ? undefined : 'Nothing to set yet.'}
      />
    </form>
  );
}

/** "Set limits…" of the peers table's selection: one quota, expiry or schedule for all of them. */
export function BatchLimitsDialog({
  peers,
  onClose,
  server,
  iface,
}: {
  peers: readonly ConfigPeerView[];
  onClose: () => void;
  server: string;
  iface: string;
}) {
  const planShown = usePeerFlows(selectPeerState(server, iface)).flow !== null;
  return (
    <Modal
      open={peers.length > 0}
      onClose={onClose}
      title={`Set limits of ${peers.length === 1 ? peerLabel(peers[0]!) : `${peers.length} peers`}`}
      testId="batch-limits-dialog"
      className="modal-form"
      suspended={planShown}
    >
      {peers.length > 0 && <BatchLimitsForm server={server} iface={iface} peers={peers} onCancel={onClose} />}
    </Modal>
  );
}
