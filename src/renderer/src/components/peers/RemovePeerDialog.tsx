import { shortKey } from '../../../../shared/format.ts';
import type { ConfigPeerView } from '../../../../shared/peer-ops.ts';
import { peerLabel } from '../../lib/config-view.ts';
import { Modal } from '../common.tsx';

/** Names shown in the confirmation before "and N more". */
const LISTED = 8;

/** "Remove" asks first, naming the peers; confirming only previews the removal (one plan for all). */
export function RemovePeerDialog({
  peers,
  iface,
  onCancel,
  onConfirm,
}: {
  peers: readonly ConfigPeerView[];
  iface: string;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const one = peers.length === 1 ? peers[0]! : null;
  const live = peers.some((p) => !p.disabled);
  const title = one
    ? `Remove “${peerLabel(one)}” from ${iface}?`
    : `Remove ${peers.length} peers from ${iface}?`;
  return (
    <Modal open={peers.length > 0} onClose={onCancel} title={title} testId="remove-peer-dialog">
      {peers.length > 0 && (
        <>
          {one ? (
            <p>
              <strong>{one.name ?? 'This unnamed peer'}</strong>{' '}
              <span className="mono">({shortKey(one.publicKey)})</span> is deleted from the config file
              {one.disabled ? '' : ` and from the live interface: its session on ${iface} ends`}. A backup of
              the file is kept on the server.
            </p>
          ) : (
            <>
              <p>
                These peers are deleted from the config file
                {live ? ` and from the live interface: their sessions on ${iface} end` : ''}. A backup of the
                file is kept on the server.
              </p>
              <ul className="remove-list" data-testid="remove-peer-list">
                {peers.slice(0, LISTED).map((p) => (
                  <li key={p.publicKey}>
                    {p.name ?? <span className="muted">unnamed</span>}{' '}
                    <span className="mono muted">{shortKey(p.publicKey)}</span>
                  </li>
                ))}
                {peers.length > LISTED && <li className="muted">and {peers.length - LISTED} more</li>}
              </ul>
            </>
          )}
          <p className="small">
            To keep {one ? 'it' : 'them'} for later, disable {one ? 'it' : 'them'} instead: disabled peers
            stay in the file, commented out.
          </p>
          <div className="button-row end">
            <button type="button" className="button button-quiet" onClick={onCancel}>
              Cancel
            </button>
            <button
              type="button"
              className="button button-danger"
              onClick={onConfirm}
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
