import { shortKey } from '../../../../shared/format.ts';
import type { ConfigPeerView } from '../../../../shared/peer-ops.ts';
import { Modal } from '../common.tsx';

/** "Remove" asks first, naming the peer; confirming only previews the removal. */
export function RemovePeerDialog({
  peer,
  iface,
  onCancel,
  onConfirm,
}: {
  peer: ConfigPeerView | null;
  iface: string;
  onCancel: () => void;
  onConfirm: (peer: ConfigPeerView) => void;
}) {
  const name = peer?.name ?? (peer ? shortKey(peer.publicKey) : '');
  return (
    <Modal
      open={peer !== null}
      onClose={onCancel}
      title={peer ? `Remove “${name}” from ${iface}?` : ''}
      testId="remove-peer-dialog"
    >
      {peer && (
        <>
          <p>
            <strong>{peer.name ?? 'This unnamed peer'}</strong>{' '}
            <span className="mono">({shortKey(peer.publicKey)})</span> is deleted from the config file
            {peer.disabled ? '' : ` and from the live interface: its session on ${iface} ends`}. A backup of
            the file is kept on the server.
          </p>
          <p className="small">
            To keep it for later, disable it instead: it stays in the file, commented out.
          </p>
          <div className="button-row end">
            <button type="button" className="button button-quiet" onClick={onCancel}>
              Cancel
            </button>
            <button
              type="button"
              className="button button-danger"
              onClick={() => onConfirm(peer)}
              data-testid="remove-confirm"
            >
              Preview removal
            </button>
          </div>
        </>
      )}
    </Modal>
  );
}
