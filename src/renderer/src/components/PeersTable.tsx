import { useVirtualizer } from '@tanstack/react-virtual';
import {
  memo,
  useCallback,
  useDeferredValue,
  useEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
} from 'react';
import type { PeerLive } from '../../../shared/domain.ts';
import type { PeerLifecycle } from '../../../shared/peer-lifecycle.ts';
import { formatBytes, formatRate, plural, shortKey } from '../../../shared/format.ts';
import {
  DEFAULT_PEER_SORT,
  nextSort,
  PEER_STATUSES,
  statusCounts,
  tableRows,
  type PeerFilter,
  type PeerSort,
  type PeerSortKey,
} from '../store/selectors.ts';
import { runPeerAction, type PeerAction } from '../store/peer-actions.ts';
import { peerNamesKey, useApp, type RateUnit } from '../store/store.ts';
import { Sparkline } from './charts/Sparkline.tsx';
import { RowLimitMarks } from './peers/PeerLimits.tsx';
import { Age, CopyButton, PEER_STATUS_LABEL, PeerStatusBadge } from './common.tsx';

const ROW_HEIGHT = 34;
const HEADER_HEIGHT = 34;

/**
 * Which columns a narrow table gives up first (container widths in app.css): `medium` ones collapse
 * into the row's detail (the drawer) below 1120 px of table, `narrow` ones below 820 px. Status, the
 * peer, its addresses, the handshake, the rates and the actions always stay.
 */
type Collapse = 'medium' | 'narrow';

interface Column {
  id: string;
  label: string;
  sort?: PeerSortKey;
  align?: 'end';
  title?: string;
  collapse?: Collapse;
  /** The header in a narrow table, when the label does not fit its column there. */
  short?: string;
}

const COLUMNS: Column[] = [
  { id: 'status', label: 'Status', sort: 'status', short: '●' },
  { id: 'name', label: 'Peer', sort: 'name', title: 'Name from the config file, and the public key' },
  { id: 'ips', label: 'Allowed IPs', sort: 'allowedIps' },
  { id: 'endpoint', label: 'Endpoint', sort: 'endpoint', collapse: 'medium' },
  { id: 'handshake', label: 'Handshake', sort: 'handshake' },
  {
    id: 'rx',
    label: 'Received',
    sort: 'rxBytes',
    align: 'end',
    title: 'Bytes received from the peer (server’s view)',
    collapse: 'medium',
  },
  {
    id: 'tx',
    label: 'Sent',
    sort: 'txBytes',
    align: 'end',
    title: 'Bytes sent to the peer (server’s view)',
    collapse: 'medium',
  },
  {
    id: 'rxRate',
    label: 'RX rate',
    sort: 'rxRate',
    align: 'end',
    title: 'Receive rate over the last interval',
  },
  { id: 'txRate', label: 'TX rate', sort: 'txRate', align: 'end', title: 'Send rate over the last interval' },
  {
    id: 'spark',
    label: 'Last hour',
    title: 'Receive and send rate over the last hour (from local history)',
    collapse: 'narrow',
  },
  { id: 'actions', label: 'Actions', align: 'end' },
];

const SORT_LABEL: Record<PeerSortKey, string> = Object.fromEntries(
  COLUMNS.filter((c) => c.sort).map((c) => [c.sort!, c.label]),
) as Record<PeerSortKey, string>;

function cellClass(col: Column, extra = ''): string {
  return `cell${col.align === 'end' ? ' end' : ''}${col.collapse ? ` collapse-${col.collapse}` : ''}${extra}`;
}

const COL = Object.fromEntries(COLUMNS.map((c) => [c.id, c])) as Record<string, Column>;

/** Reads the server's clock itself, so rows do not re-render when only the clock moved. */
function HandshakeAge({ server, then }: { server: string; then: number | null }) {
  const serverTime = useApp((s) => s.fleet[server]?.live.serverTime ?? null);
  const updatedAt = useApp((s) => s.fleet[server]?.live.updatedAt ?? null);
  return <Age then={then} serverTime={serverTime} updatedAt={updatedAt} />;
}

const PeerRow = memo(function PeerRow({
  peer,
  index,
  start,
  server,
  iface,
  rateUnit,
  selected,
  checked,
  exact,
  onOpen,
  onCheck,
  onAction,
  name,
  rules,
}: {
  peer: PeerLive;
  index: number;
  start: number;
  server: string;
  iface: string;
  rateUnit: RateUnit;
  selected: boolean;
  /** Picked for a batch change. */
  checked: boolean;
  /** Matches the search exactly (marked: at 1024 px its address may be cut like the others'). */
  exact: boolean;
  onOpen: (key: string) => void;
  onCheck: (key: string, checked: boolean) => void;
  onAction: (action: PeerAction, key: string) => void;
  /** From the config file; null: unnamed (the key says who it is). */
  name: string | null;
  /** Its lifecycle rules from the config file, if any (quota, expiry, schedule). */
  rules: PeerLifecycle | undefined;
}) {
  const label = name ?? shortKey(peer.publicKey);
  const ips = peer.allowedIps.join(', ');
  const act = (action: PeerAction, text: string, glyph: string, className = '') => (
    <button
      type="button"
      className={`icon-button row-action ${className}`}
      onClick={(e) => {
        e.stopPropagation();
        onAction(action, peer.publicKey);
      }}
      aria-label={`${text} ${label}`}
      title={text}
      data-testid={`row-action-${action}`}
    >
      <span aria-hidden="true">{glyph}</span>
    </button>
  );
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={checked}
      className="peers-row"
      data-selected={selected || undefined}
      data-checked={checked || undefined}
      data-match={exact ? 'exact' : undefined}
      data-peer-key={peer.publicKey}
      data-row-index={index}
      data-status={peer.status}
      style={{ transform: `translateY(${start}px)` }}
      onClick={() => onOpen(peer.publicKey)}
    >
      <div role="cell" className="cell cell-check" onClick={(e) => e.stopPropagation()}>
        <input
          type="checkbox"
          checked={checked}
          onChange={(e) => onCheck(peer.publicKey, e.target.checked)}
          aria-label={`Select ${label}`}
          data-testid="peer-select"
        />
      </div>
      <div role="cell" className="cell cell-status">
        <PeerStatusBadge status={peer.status} />
      </div>
      <div role="cell" className="cell cell-peer">
        <button
          type="button"
          className={`link-button peer-open${name === null ? ' unnamed' : ''}`}
          aria-label={`Details of peer ${label}`}
          onClick={(e) => {
            e.stopPropagation();
            onOpen(peer.publicKey);
          }}
          data-testid="peer-row-name"
        >
          {name ?? <span className="mono">{shortKey(peer.publicKey)}</span>}
        </button>
        {name !== null && (
          <span className="mono muted peer-key" title={peer.publicKey}>
            {shortKey(peer.publicKey)}
          </span>
        )}
        <CopyButton
          text={peer.publicKey}
          label={`Copy public key ${shortKey(peer.publicKey)}`}
          className="row-copy"
        />
        <RowLimitMarks rules={rules} usage={peer.usage} />
      </div>
      <div role="cell" className="cell mono truncate" title={ips} data-testid="peer-allowed-ips">
        {ips || <span className="muted">none</span>}
      </div>
      <div
        role="cell"
        className={cellClass(COL['endpoint']!, ' mono truncate')}
        title={peer.endpoint ?? undefined}
        data-testid="peer-endpoint"
      >
        {peer.endpoint ?? <span className="muted">—</span>}
      </div>
      <div
        role="cell"
        className="cell num"
        data-testid="peer-handshake"
        data-value={peer.latestHandshake ?? ''}
      >
        <HandshakeAge server={server} then={peer.latestHandshake} />
      </div>
      <div
        role="cell"
        className={cellClass(COL['rx']!, ' num')}
        data-testid="peer-rx-bytes"
        data-value={peer.rxBytes}
      >
        {formatBytes(peer.rxBytes)}
      </div>
      <div
        role="cell"
        className={cellClass(COL['tx']!, ' num')}
        data-testid="peer-tx-bytes"
        data-value={peer.txBytes}
      >
        {formatBytes(peer.txBytes)}
      </div>
      <div role="cell" className="cell num end" data-testid="peer-rx-rate" data-value={peer.rxRate ?? ''}>
        {formatRate(peer.rxRate, rateUnit)}
      </div>
      <div role="cell" className="cell num end" data-testid="peer-tx-rate" data-value={peer.txRate ?? ''}>
        {formatRate(peer.txRate, rateUnit)}
      </div>
      <div role="cell" className={cellClass(COL['spark']!, ' cell-spark')}>
        <Sparkline server={server} iface={iface} peer={peer.publicKey} rateUnit={rateUnit} />
      </div>
      <div role="cell" className="cell end cell-row-actions">
        {act('edit', 'Edit', '✎')}
        {act('disable', 'Disable', '⊘')}
        {act('remove', 'Remove', '✕', 'row-action-danger')}
      </div>
    </div>
  );
});

/**
 * Every peer of one interface: sortable, filterable by status, searchable, virtualized (only the rows
 * in view exist in the DOM, so thousands of peers cost what thirty do). Rows are memoised on the peer
 * object, which `applyDelta` keeps when a peer did not change.
 */
export function PeersTable({
  server,
  iface,
  peers,
  selectedKey,
  onOpen,
}: {
  server: string;
  iface: string;
  peers: PeerLive[];
  selectedKey: string | null;
  onOpen: (key: string) => void;
}) {
  const rateUnit = useApp((s) => s.rateUnit);
  const names = useApp((s) => s.peerNames[peerNamesKey(server, iface)]);
  const lifecycle = useApp((s) => s.peerLifecycle[peerNamesKey(server, iface)]);
  const [sort, setSort] = useState<PeerSort>(DEFAULT_PEER_SORT);
  const [filter, setFilter] = useState<PeerFilter>('all');
  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query);
  const counts = useMemo(() => statusCounts(peers), [peers]);
  const { rows, exact } = useMemo(
    () => tableRows(peers, filter, deferredQuery, sort, names),
    [peers, filter, deferredQuery, sort, names],
  );
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    scrollMargin: HEADER_HEIGHT,
    getItemKey: (i) => rows[i]!.publicKey,
  });
  const tableLabel = `Peers of ${iface}`;
  const open = useCallback((key: string) => onOpen(key), [onOpen]);
  const [checked, setChecked] = useState<ReadonlySet<string>>(() => new Set());
  // A peer that left the interface (removed, disabled) leaves the selection too.
  useEffect(() => {
    setChecked((current) => {
      if (current.size === 0) return current;
      const present = new Set(peers.map((p) => p.publicKey));
      const kept = [...current].filter((k) => present.has(k));
      return kept.length === current.size ? current : new Set(kept);
    });
  }, [peers]);
  const check = useCallback((key: string, on: boolean) => {
    setChecked((current) => {
      const next = new Set(current);
      if (on) next.add(key);
      else next.delete(key);
      return next;
    });
  }, []);
  const act = useCallback(
    (action: PeerAction, key: string) => void runPeerAction(server, iface, action, [key]),
    [server, iface],
  );
  const allShownChecked = rows.length > 0 && rows.every((p) => checked.has(p.publicKey));
  const toggleAll = (on: boolean) =>
    setChecked((current) => {
      const next = new Set(current);
      for (const p of rows) {
        if (on) next.add(p.publicKey);
        else next.delete(p.publicKey);
      }
      return next;
    });
  const batch = (action: PeerAction) => void runPeerAction(server, iface, action, [...checked]);

  const focusRow = (index: number) => {
    const target = Math.max(0, Math.min(rows.length - 1, index));
    virtualizer.scrollToIndex(target, { align: 'auto' });
    requestAnimationFrame(() => {
      scrollRef.current?.querySelector<HTMLElement>(`[data-row-index="${target}"] .peer-open`)?.focus();
    });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const rowEl = (event.target as HTMLElement).closest<HTMLElement>('[data-row-index]');
    if (!rowEl) return;
    const index = Number(rowEl.dataset['rowIndex']);
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 300) / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      PageDown: index + page,
      PageUp: index - page,
      Home: 0,
      End: rows.length - 1,
    };
    const next = moves[event.key];
    if (next === undefined) return;
    event.preventDefault();
    focusRow(next);
  };

  return (
    <section className="peers" aria-label={tableLabel}>
      <div className="peers-toolbar">
        <div className="segmented" role="radiogroup" aria-label="Filter peers by status">
          {(['all', ...PEER_STATUSES] as const).map((f) => (
            <label key={f} className="segment" data-active={filter === f || undefined}>
              <input
                type="radio"
                name={`peer-filter-${server}-${iface}`}
                value={f}
                checked={filter === f}
                onChange={() => setFilter(f)}
                data-testid={`peer-filter-${f}`}
              />
              <span>{f === 'all' ? 'All' : PEER_STATUS_LABEL[f]}</span>
              <span className="segment-count num">{f === 'all' ? peers.length : counts[f]}</span>
            </label>
          ))}
        </div>
        <label className="search-field">
          <span className="sr-only">Search peers</span>
          <input
            type="search"
            placeholder="Search name, key, IP, CIDR, endpoint"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            data-testid="peer-search"
          />
        </label>
        <label className="sort-select">
          <span className="muted small">Sort</span>
          <select
            value={`${sort.key}:${sort.dir}`}
            onChange={(e) => {
              const [key, dir] = e.target.value.split(':') as [PeerSortKey, 'asc' | 'desc'];
              setSort({ key, dir });
            }}
            data-testid="peer-sort-select"
          >
            {(Object.keys(SORT_LABEL) as PeerSortKey[]).flatMap((key) =>
              (['asc', 'desc'] as const).map((dir) => (
                <option key={`${key}:${dir}`} value={`${key}:${dir}`}>
                  {SORT_LABEL[key]} {dir === 'asc' ? '↑' : '↓'}
                </option>
              )),
            )}
          </select>
        </label>
        <span className="muted peers-shown num" aria-live="polite" data-testid="peers-shown">
          {rows.length === peers.length
            ? plural(peers.length, 'peer')
            : `${rows.length} of ${plural(peers.length, 'peer')}`}
        </span>
      </div>
      {checked.size > 0 && (
        <div className="batch-bar" role="toolbar" aria-label="Selected peers" data-testid="batch-bar">
          <span className="num" data-testid="batch-count">
            {plural(checked.size, 'peer')} selected
          </span>
          <button
            type="button"
            className="button button-small"
            onClick={() => batch('disable')}
            data-testid="batch-disable"
          >
            Disable
          </button>
          <button
            type="button"
            className="button button-small"
            onClick={() => batch('limits')}
            data-testid="batch-limits"
          >
            Set limits…
          </button>
          <button
            type="button"
            className="button button-small button-danger-quiet"
            onClick={() => batch('remove')}
            data-testid="batch-remove"
          >
            Remove
          </button>
          <button
            type="button"
            className="button button-small button-quiet"
            onClick={() => setChecked(new Set())}
            data-testid="batch-clear"
          >
            Clear selection
          </button>
          <span className="muted small">One preview for all; every other session stays up.</span>
        </div>
      )}
      <div className="peers-scroll" ref={scrollRef} onKeyDown={onKeyDown}>
        <div
          role="table"
          aria-label={tableLabel}
          aria-rowcount={rows.length + 1}
          className="peers-table"
          data-testid="peers-table"
          data-interface={iface}
        >
          <div role="rowgroup" className="peers-head">
            <div role="row" aria-rowindex={1} className="peers-row peers-header-row">
              <div role="columnheader" className="cell cell-check">
                <input
                  type="checkbox"
                  checked={allShownChecked}
                  onChange={(e) => toggleAll(e.target.checked)}
                  aria-label={allShownChecked ? 'Unselect the peers shown' : 'Select the peers shown'}
                  data-testid="peer-select-all"
                />
              </div>
              {COLUMNS.map((col) => {
                const active = col.sort !== undefined && sort.key === col.sort;
                return (
                  <div
                    key={col.id}
                    role="columnheader"
                    className={cellClass(col, col.id === 'status' ? ' cell-status' : '')}
                    aria-sort={
                      active
                        ? sort.dir === 'asc'
                          ? 'ascending'
                          : 'descending'
                        : col.sort
                          ? 'none'
                          : undefined
                    }
                    title={col.title}
                  >
                    {col.sort ? (
                      <button
                        type="button"
                        className="sort-button"
                        onClick={() => setSort((s) => nextSort(s, col.sort!))}
                        data-testid={`sort-${col.sort}`}
                      >
                        {col.short ? (
                          <>
                            <span className="col-label">{col.label}</span>
                            <span className="col-short" aria-hidden="true">
                              {col.short}
                            </span>
                          </>
                        ) : (
                          col.label
                        )}
                        <span className="sort-arrow" aria-hidden="true">
                          {active ? (sort.dir === 'asc' ? '▲' : '▼') : ''}
                        </span>
                      </button>
                    ) : (
                      col.label
                    )}
                  </div>
                );
              })}
            </div>
          </div>
          <div role="rowgroup" className="peers-body" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => {
              const peer = rows[item.index]!;
              return (
                <PeerRow
                  key={item.key}
                  peer={peer}
                  index={item.index}
                  start={item.start - HEADER_HEIGHT}
                  server={server}
                  iface={iface}
                  rateUnit={rateUnit}
                  selected={selectedKey === peer.publicKey}
                  checked={checked.has(peer.publicKey)}
                  exact={exact.has(peer.publicKey)}
                  onOpen={open}
                  onCheck={check}
                  onAction={act}
                  name={names?.[peer.publicKey] ?? null}
                  rules={lifecycle?.[peer.publicKey]}
                />
              );
            })}
          </div>
        </div>
        {rows.length === 0 && (
          <p className="table-empty">
            {peers.length === 0 ? 'This interface has no peers.' : 'No peer matches the filter.'}
          </p>
        )}
      </div>
    </section>
  );
}
