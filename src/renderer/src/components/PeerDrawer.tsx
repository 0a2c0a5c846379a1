import { useEffect, useRef } from 'react';
import { PingCheck } from './PingCheck.tsx';
import { PeerLimitsSection } from './peers/PeerLimits.tsx';
import type { InterfaceLive, PeerLive, ServerLive } from '../../../shared/domain.ts';
import { formatBytes, formatRate, shortKey } from '../../../shared/format.ts';
import { formatDateTime } from '../../../shared/time-format.ts';
import { peerName } from '../store/selectors.ts';
import { runPeerAction, type PeerAction } from '../store/peer-actions.ts';
import { peerNamesKey, useApp } from '../store/store.ts';
import { PeerChart, PeerUsage } from './charts/PeerHistory.tsx';
import { Age, CloseIcon, CopyButton, PEER_STATUS_HELP, PeerStatusBadge } from './common.tsx';

const DRAWER_ACTIONS: readonly [PeerAction, string, string][] = [
  ['edit', 'Edit…', 'button button-small'],
  ['disable', 'Disable', 'button button-small'],
  ['remove', 'Remove…', 'button button-small button-danger-quiet'],
];

/** The peer's changes, as in the live table's row and the config view (same previews, same dialogs). */
function DrawerActions({ server, iface, peerKey }: { server: string; iface: string; peerKey: string }) {
  return (
    <div className="button-row drawer-actions" data-testid="drawer-actions">
      {DRAWER_ACTIONS.map(([action, label, className]) => (
        <button
          key={action}
          type="button"
          className={className}
          onClick={() => void runPeerAction(server, iface, action, [peerKey])}
          data-testid={`drawer-action-${action}`}
        >
          {label}
        </button>
      ))}
    </div>
  );
}

/**
 * Everything the engine knows about one peer: live facts, and its history (traffic chart, events,
 * usage) from the local store — which also shows when the server is unreachable or the peer is gone.
 */
export function PeerDrawer({
  live,
  server,
  ifaceName,
  iface,
  peerKey,
  peer,
  onClose,
}: {
  live: ServerLive | undefined;
  server: string;
  ifaceName: string;
  iface: InterfaceLive | null;
  peerKey: string;
  peer: PeerLive | null;
  onClose: () => void;
}) {
  const rateUnit = useApp((s) => s.rateUnit);
  const names = useApp((s) => s.peerNames[peerNamesKey(server, ifaceName)]);
  const rules = useApp((s) => s.peerLifecycle[peerNamesKey(server, ifaceName)]?.[peerKey]);
  const closeRef = useRef<HTMLButtonElement>(null);
  const key = peerKey;
  useEffect(() => {
    if (key) closeRef.current?.focus();
  }, [key]);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !event.defaultPrevented && !document.querySelector('dialog[open]'))
        onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  return (
    <aside
      className="drawer"
      role="dialog"
      aria-modal="false"
      aria-labelledby="drawer-title"
      data-testid="peer-drawer"
    >
      <header className="drawer-head">
        <h2 id="drawer-title" className="drawer-title">
          {peer ? `Peer ${peerName(peer, names)}` : `Peer ${names?.[peerKey] ?? shortKey(peerKey)}`}
        </h2>
        <button
          ref={closeRef}
          type="button"
          className="icon-button"
          aria-label="Close peer details"
          onClick={onClose}
        >
          <CloseIcon />
        </button>
      </header>
      {!peer || !live ? (
        <div className="drawer-body">
          <p className="muted drawer-missing" data-testid="peer-missing">
            {live && live.interfaces.length > 0 && iface
              ? `This peer is not on ${ifaceName} now. Its recorded history follows.`
              : `No live data from ${server} right now. The recorded history follows.`}
          </p>
          <PeerLimitsSection rules={rules} usage={undefined} live={false} />
          <PeerChart server={server} iface={ifaceName} peer={peerKey} />
          <PeerUsage server={server} iface={ifaceName} peer={peerKey} />
        </div>
      ) : (
        <div className="drawer-body">
          <div className="drawer-status">
            <PeerStatusBadge status={peer.status} />
            <span className="muted">{PEER_STATUS_HELP[peer.status]}</span>
          </div>
          <DrawerActions server={server} iface={ifaceName} peerKey={peerKey} />
          <PeerLimitsSection rules={rules} usage={peer.usage} live />
          <PeerChart server={server} iface={ifaceName} peer={peerKey} />
          <dl className="facts">
            <dt>Public key</dt>
            <dd className="fact-key">
              <code className="mono wrap" data-testid="drawer-public-key">
                {peer.publicKey}
              </code>
              <CopyButton text={peer.publicKey} label="Copy public key" />
            </dd>
            <dt>Allowed IPs</dt>
            <dd>
              {peer.allowedIps.length === 0 ? (
                <span className="muted">none</span>
              ) : (
                <ul className="plain-list mono">
                  {peer.allowedIps.map((ip) => (
                    <li key={ip}>{ip}</li>
                  ))}
                </ul>
              )}
            </dd>
            <dt>Endpoint</dt>
            <dd className="mono">{peer.endpoint ?? <span className="muted">not seen yet</span>}</dd>
            <dt>Latest handshake</dt>
            <dd>
              <Age then={peer.latestHandshake} serverTime={live.serverTime} updatedAt={live.updatedAt} />
              {peer.latestHandshake !== null && (
                <div className="muted small num">
                  {formatDateTime(peer.latestHandshake * 1000)} (server clock)
                </div>
              )}
            </dd>
            <dt>Received</dt>
            <dd className="num">
              {formatBytes(peer.rxBytes)} <span className="muted">· {formatRate(peer.rxRate, rateUnit)}</span>
            </dd>
            <dt>Sent</dt>
            <dd className="num">
              {formatBytes(peer.txBytes)} <span className="muted">· {formatRate(peer.txRate, rateUnit)}</span>
            </dd>
            <dt>Ping check</dt>
            <dd>
              <PingCheck peer={peer} serverTime={live.serverTime} updatedAt={live.updatedAt} />
            </dd>
            <dt>Persistent keepalive</dt>
            <dd>{peer.persistentKeepalive === null ? 'off' : `every ${peer.persistentKeepalive} s`}</dd>
            <dt>Preshared key</dt>
            <dd>{peer.presharedKey ? 'configured (kept on the server)' : 'none'}</dd>
            <dt>Counter resets seen</dt>
            <dd className="num">{peer.resets}</dd>
            <dt>Interface</dt>
            <dd>
              {ifaceName}
              {iface && iface.listenPort !== null && (
                <span className="muted"> · port {iface.listenPort}</span>
              )}
            </dd>
            <dt>Server</dt>
            <dd>
              {live.name} <span className="muted">· {live.host}</span>
            </dd>
          </dl>
          <p className="muted small">
            Received and sent are from the server’s side: received = uploaded by the peer.
          </p>
          <PeerUsage server={server} iface={ifaceName} peer={peerKey} />
        </div>
      )}
    </aside>
  );
}
