import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useDeferredValue, useMemo, useRef, useState } from 'react';
import { shortKey } from '../../../../shared/format.ts';
import type { ConfigPeerView } from '../../../../shared/peer-ops.ts';
import {
  DRIFT_HELP,
  DRIFT_LABEL,
  lifecycleBadges,
  matchesQuery,
  peerLabel,
  sortConfigPeers,
  type PeerDriftKind,
} from '../../lib/config-view.ts';
import { useNow } from '../../lib/ticker.ts';
import { CopyButton } from '../common.tsx';

const ROW_HEIGHT = 40;
const HEADERS = ['Name', 'Public key', 'Allowed IPs', 'Keepalive', 'PSK', 'State', 'Actions'];
/** Columns (by position) a narrow table leaves to the edit form, which shows them; see app.css. */
const COLLAPSED = new Set([3, 4]);
const HEADER_HEIGHT = 34;

export type RowAction = 'edit' | 'disable' | 'enable' | 'remove' | 'client-config';

/** Its own clock, so "Expires in 2 d" moves on while the row stays memoised. */
function LifecycleBadges({ peer }: { peer: ConfigPeerView }) {
  const now = useNow();
  return lifecycleBadges(peer, now).map((badge, i) => (
    <span
      key={badge.label}
      className="state-badge"
      data-tone={badge.tone}
      title={badge.title}
      data-testid={peer.disabled && i === 0 ? 'peer-disabled-badge' : 'peer-limits-badge'}
    >
      {badge.label}
    </span>
  ));
}

const ConfigPeerRow = memo(function ConfigPeerRow({
  peer,
  drift,
  kept,
  start,
  index,
  disabledReason,
  onAction,
}: {
  peer: ConfigPeerView;
  drift: PeerDriftKind | undefined;
  kept: boolean;
  start: number;
  index: number;
  disabledReason: string | null;
  onAction: (action: RowAction, peer: ConfigPeerView) => void;
}) {
  const ips = peer.allowedIps.join(', ');
  const label = peerLabel(peer);
  const locked = disabledReason !== null;
  const action = (a: RowAction, text: string, glyph: string, className = 'button button-small') => (
    <button
      type="button"
      className={`${className} config-action`}
      onClick={() => onAction(a, peer)}
      disabled={locked && a !== 'client-config'}
      title={locked && a !== 'client-config' ? disabledReason : undefined}
      aria-label={`${text} ${label}`}
      data-testid={`peer-action-${a}`}
    >
      <span className="action-text">{text}</span>
      <span className="action-glyph" aria-hidden="true">
        {glyph}
      </span>
    </button>
  );
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      className="config-row"
      style={{ transform: `translateY(${start}px)` }}
      data-testid="config-peer"
      data-peer={peer.publicKey}
      data-disabled={peer.disabled || undefined}
      data-drift={drift}
    >
      <div role="cell" className="cell config-name">
        <span className={peer.name === null ? 'muted' : undefined} title={peer.name ?? undefined}>
          {peer.name ?? 'unnamed'}
        </span>
      </div>
      <div role="cell" className="cell cell-key">
        <span className="mono" title={peer.publicKey}>
          {shortKey(peer.publicKey)}
        </span>
        <CopyButton text={peer.publicKey} label={`Copy public key of ${label}`} className="row-copy" />
      </div>
      <div role="cell" className="cell mono truncate" title={ips}>
        {ips || <span className="muted">none</span>}
      </div>
      <div role="cell" className="cell num collapse-config">
        {peer.persistentKeepalive === null || peer.persistentKeepalive === 0 ? (
          <span className="muted">off</span>
        ) : (
          `${peer.persistentKeepalive} s`
        )}
      </div>
      <div role="cell" className="cell collapse-config" data-testid="peer-psk-state">
        {peer.hasPresharedKey ? 'yes' : <span className="muted">no</span>}
      </div>
      <div role="cell" className="cell cell-badges">
        <LifecycleBadges peer={peer} />
        {drift && (
          <span
            className="state-badge"
            data-tone="warn"
            title={DRIFT_HELP[drift]}
            data-testid="peer-drift-badge"
          >
            {DRIFT_LABEL[drift]}
          </span>
        )}
      </div>
      <div role="cell" className="cell cell-actions">
        {kept && action('client-config', 'Client config', '⎘', 'button button-small button-quiet')}
        {action('edit', 'Edit', '✎')}
        {peer.disabled ? action('enable', 'Enable', '▶') : action('disable', 'Disable', '⊘')}
        {action('remove', 'Remove', '✕', 'button button-small button-danger-quiet')}
      </div>
    </div>
  );
});

/**
 * Every peer of the config file, disabled ones included, with what can be done to each. Virtualized
 * like the live table: a 10,000-peer file costs what thirty do.
 */
export function ConfigPeerList({
  iface,
  peers,
  drift,
  kept,
  disabledReason,
  onAction,
}: {
  iface: string;
  peers: ConfigPeerView[];
  drift: Map<string, PeerDriftKind>;
  kept: ReadonlySet<string>;
  disabledReason: string | null;
  onAction: (action: RowAction, peer: ConfigPeerView) => void;
}) {
  const [query, setQuery] = useState('');
  const deferred = useDeferredValue(query);
  const rows = useMemo(
    () => sortConfigPeers(peers).filter((p) => matchesQuery(p, deferred)),
    [peers, deferred],
  );
  const disabledCount = useMemo(() => peers.filter((p) => p.disabled).length, [peers]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    scrollMargin: HEADER_HEIGHT,
    getItemKey: (i) => rows[i]!.publicKey,
  });
  const label = `Peers in the config file of ${iface}`;
  return (
    <section className="config-peers" aria-label={label}>
      <div className="peers-toolbar">
        <h3 className="section-title config-peers-title">
          Peers in the file{' '}
          <span className="num" data-testid="config-peer-count">
            ({peers.length}
            {disabledCount > 0 ? `, ${disabledCount} disabled` : ''})
          </span>
        </h3>
        <label className="search-field">
          <span className="sr-only">Search the config file’s peers</span>
          <input
            type="search"
            placeholder="Search name, key, IP"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            data-testid="config-peer-search"
          />
        </label>
        {rows.length !== peers.length && (
          <span className="muted small num">
            {rows.length} of {peers.length}
          </span>
        )}
      </div>
      <div className="peers-scroll config-scroll" ref={scrollRef}>
        <div role="table" aria-label={label} aria-rowcount={rows.length + 1} className="config-table">
          <div role="rowgroup" className="peers-head">
            <div role="row" aria-rowindex={1} className="config-row config-header-row">
              {HEADERS.map((h, i) => (
                <div
                  key={h}
                  role="columnheader"
                  className={`cell${h === 'Actions' ? ' end' : ''}${COLLAPSED.has(i) ? ' collapse-config' : ''}`}
                >
                  {h}
                </div>
              ))}
            </div>
          </div>
          <div role="rowgroup" className="config-body" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => {
              const peer = rows[item.index]!;
              return (
                <ConfigPeerRow
                  key={item.key}
                  peer={peer}
                  drift={drift.get(peer.publicKey)}
                  kept={kept.has(peer.publicKey)}
                  start={item.start - HEADER_HEIGHT}
                  index={item.index}
                  disabledReason={disabledReason}
                  onAction={onAction}
                />
              );
            })}
          </div>
        </div>
        {rows.length === 0 && (
          <p className="table-empty">
            {peers.length === 0 ? 'The config file has no peers yet.' : 'No peer matches the search.'}
          </p>
        )}
      </div>
    </section>
  );
}
