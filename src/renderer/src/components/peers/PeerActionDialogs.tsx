import { useEffect } from 'react';
import {
  cancelRemove,
  closeEdit,
  closeLimits,
  confirmRemove,
  dismissActionError,
  selectPeerActions,
  usePeerActions,
} from '../../store/peer-actions.ts';
import { selectPeerState, usePeerFlows } from '../../store/peer-flow.ts';
import { Modal } from '../common.tsx';
import { BatchLimitsDialog } from './BatchLimitsDialog.tsx';
import { ClientConfigDialog } from './ClientConfigDialog.tsx';
import { EditPeerDialog } from './EditPeerDialog.tsx';
import { ErrorCallout } from './ErrorCallout.tsx';
import { PlanDialog } from './PlanDialog.tsx';
import { RemovePeerDialog } from './RemovePeerDialog.tsx';

/**
 * The dialogs of peer actions on one interface (edit, remove, the preview and apply, client
 * configs), mounted once per server page so the live table, the drawer and the config view share
 * them: one plan at a time per interface, and one dialog on screen at a time.
 */
export function PeerActionDialogs({ server, iface }: { server: string; iface: string }) {
  const { editing, removing, limiting, error } = usePeerActions(selectPeerActions(server, iface));
  const applied = usePeerFlows(selectPeerState(server, iface)).applied;
  // A successful apply closes the form it came from (it waited behind the preview).
  useEffect(() => {
    if (applied) {
      closeEdit(server, iface);
      closeLimits(server, iface);
    }
  }, [applied, server, iface]);
  return (
    <>
      <EditPeerDialog peer={editing} onClose={() => closeEdit(server, iface)} server={server} iface={iface} />
      <BatchLimitsDialog
        peers={limiting}
        onClose={() => closeLimits(server, iface)}
        server={server}
        iface={iface}
      />
      <RemovePeerDialog
        peers={removing}
        iface={iface}
        onCancel={() => cancelRemove(server, iface)}
        onConfirm={() => confirmRemove(server, iface)}
      />
      <Modal
        open={error !== null}
        onClose={() => dismissActionError(server, iface)}
        title="Cannot change this peer"
        testId="peer-action-error"
      >
        {error && <ErrorCallout error={error} testId="peer-action-error-callout" />}
        <div className="button-row end">
          <button type="button" className="button" onClick={() => dismissActionError(server, iface)}>
            Close
          </button>
        </div>
      </Modal>
      <PlanDialog server={server} iface={iface} />
      <ClientConfigDialog server={server} iface={iface} />
    </>
  );
}
