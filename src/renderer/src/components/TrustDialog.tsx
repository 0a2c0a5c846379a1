import { Modal } from './common.tsx';
import type { PresentedHostKey } from '../lib/errors.ts';

/** First contact: the presented host key, to compare before any credential is sent. */
export function TrustDialog({
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
