import { useState } from 'react';
import type { ClientConfigResult } from '../../../../shared/peer-ops.ts';
import { downloadName, svgDataUrl } from '../../lib/client-config.ts';
import { downloadBlob } from '../../lib/export.ts';
import { nextClientConfig, selectPeerState, usePeerFlows } from '../../store/peer-flow.ts';
import { CheckIcon, CopyIcon, Modal, useCopy } from '../common.tsx';

function CopyConfig({ text }: { text: string }) {
  const { copied, copy } = useCopy();
  return (
    <button
      type="button"
      className="button"
      onClick={() => copy(text)}
      data-testid="client-config-copy"
      data-copied={copied || undefined}
    >
      {copied ? <CheckIcon /> : <CopyIcon />}
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}

function ClientConfigBody({ client, remaining }: { client: ClientConfigResult; remaining: number }) {
  const text = client.text ?? '';
  return (
    <>
      {client.privateKeyKept ? (
        <p className="callout client-config-note" data-tone="ok" data-testid="client-config-kept">
          The private key is kept in this computer’s keychain: this config can be shown again from the peer’s
          row (“Client config”).
        </p>
      ) : (
        <div
          className="callout client-config-note"
          data-tone="warn"
          role="alert"
          data-testid="client-config-once"
        >
          <p className="callout-title">Shown only this once</p>
          <p className="callout-message">
            This config holds the peer’s private key, and WG Deck does not keep it. Scan the code or save the
            file now: once this dialog is closed, it cannot be shown again.
          </p>
        </div>
      )}
      <div className="client-config">
        {client.qrSvg && (
          <img
            className="client-config-qr"
            src={svgDataUrl(client.qrSvg)}
            alt={`QR code of the WireGuard config for ${client.name}`}
            data-testid="client-config-qr"
            draggable={false}
          />
        )}
        <div className="client-config-side">
          <pre className="client-config-text" data-testid="client-config-text" tabIndex={0}>
            {text}
          </pre>
          <div className="button-row">
            <button
              type="button"
              className="button"
              onClick={() =>
                downloadBlob(
                  new Blob([text], { type: 'text/plain;charset=utf-8' }),
                  downloadName(client.fileName),
                )
              }
              data-testid="client-config-download"
            >
              Download {downloadName(client.fileName)}
            </button>
            <CopyConfig text={text} />
          </div>
          <p className="muted small">
            Scan with the WireGuard app (Add tunnel → Scan from QR code), or import the file.
          </p>
        </div>
      </div>
      {remaining > 0 && (
        <p className="muted small">
          {remaining === 1 ? 'One more client config follows.' : `${remaining} more client configs follow.`}
        </p>
      )}
    </>
  );
}

/** New peers' client configs, one at a time (the first of the interface's queue). */
export function ClientConfigDialog({ server, iface }: { server: string; iface: string }) {
  const clients = usePeerFlows(selectPeerState(server, iface)).clients;
  const client = clients[0] ?? null;
  const [closing, setClosing] = useState(false);
  const remaining = Math.max(0, clients.length - 1);
  const done = () => {
    setClosing(false);
    nextClientConfig(server, iface);
  };
  // Escape asks first when the private key would be gone for good (and backs out of that question).
  const onClose = () => {
    if (!client) return;
    if (client.privateKeyKept) done();
    else setClosing(!closing);
  };
  return (
    <Modal
      open={client !== null}
      onClose={onClose}
      title={client ? `Client config for ${client.name}` : ''}
      testId="client-config"
      className="modal-wide"
    >
      {client && (
        <>
          <ClientConfigBody
            key={`${client.publicKey}-${clients.length}`}
            client={client}
            remaining={remaining}
          />
          <div className="button-row end">
            {closing && !client.privateKeyKept ? (
              <>
                <span className="small">The private key will be gone. Close anyway?</span>
                <button type="button" className="button button-quiet" onClick={() => setClosing(false)}>
                  Keep open
                </button>
                <button
                  type="button"
                  className="button button-danger"
                  onClick={done}
                  data-testid="client-config-done"
                >
                  Close
                </button>
              </>
            ) : (
              <button
                type="button"
                className="button button-primary"
                onClick={() => (client.privateKeyKept ? done() : setClosing(true))}
                data-testid="client-config-next"
              >
                {remaining > 0 ? 'Next' : 'Done'}
              </button>
            )}
          </div>
        </>
      )}
    </Modal>
  );
}
