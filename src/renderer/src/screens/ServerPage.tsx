import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { InterfaceLive, ServerLive } from '../../../shared/domain.ts';
import type { ServerConfig } from '../../../shared/server-config.ts';
import {
  formatBytes,
  formatDroppedFrames,
  formatDuration,
  formatPercent,
  formatRate,
  shortKey,
} from '../../../shared/format.ts';
import { ConnectionBadge, CopyButton, LastSeen, Modal } from '../components/common.tsx';
import { isStreaming } from '../../../shared/liveness.ts';
import { InterfaceChart } from '../components/charts/InterfaceHistory.tsx';
import { ServerChart } from '../components/charts/ServerHistory.tsx';
import { ConnectionBanner } from '../components/ConnectionBanner.tsx';
import { HealthPanel } from '../components/HealthPanel.tsx';
import { PeerDrawer } from '../components/PeerDrawer.tsx';
import { PeersTable } from '../components/PeersTable.tsx';
import { DownInterfaces } from '../components/peers/DownInterfaces.tsx';
import { LastApplyBanner } from '../components/peers/ApplyResultBanner.tsx';
import { ConfigView } from '../components/peers/ConfigView.tsx';
import { EditServerDialog } from '../components/EditServerDialog.tsx';
import { PeerActionDialogs } from '../components/peers/PeerActionDialogs.tsx';
import { explainError, toApiError, type ApiError } from '../lib/errors.ts';
import { knownInterfaces, rememberInterfaces } from '../lib/known-interfaces.ts';
import { routeHash } from '../lib/route.ts';
import { interfaceSummary } from '../store/selectors.ts';
import { navigate, removeServerByName, useApp, type RateUnit } from '../store/store.ts';

function SystemFacts({ live }: { live: ServerLive }) {
  const rateUnit = useApp((s) => s.rateUnit);
  const s = live.system;
  if (!s) return null;
  // Rates and CPU are per interval: while not streaming there is no current interval.
  const streaming = isStreaming(live);
  const mem = s.memUsedBytes !== null && s.memTotalBytes ? (s.memUsedBytes / s.memTotalBytes) * 100 : null;
  const disk =
    s.diskUsedBytes !== null && s.diskTotalBytes ? (s.diskUsedBytes / s.diskTotalBytes) * 100 : null;
  return (
    <dl className="facts-row" aria-label="System" data-testid="system-facts">
      <div>
        <dt>CPU</dt>
        <dd className="num" data-testid="system-cpu">
          {formatPercent(streaming ? s.cpuPercent : null)}
          {s.cpuCount !== null && <span className="muted fact-extra"> of {s.cpuCount}</span>}
        </dd>
      </div>
      <div>
        <dt>Memory</dt>
        <dd className="num" title={`${formatBytes(s.memUsedBytes)} of ${formatBytes(s.memTotalBytes)}`}>
          {formatPercent(mem)} <span className="muted fact-extra">of {formatBytes(s.memTotalBytes)}</span>
        </dd>
      </div>
      <div>
        <dt>Load</dt>
        <dd className="num">
          {[s.load1, s.load5, s.load15].map((l) => (l === null ? '—' : l.toFixed(2))).join(' ')}
        </dd>
      </div>
      <div>
        <dt>Disk /</dt>
        <dd className="num">
          {formatPercent(disk)} <span className="muted fact-extra">of {formatBytes(s.diskTotalBytes)}</span>
        </dd>
      </div>
      <div>
        <dt>Network</dt>
        <dd className="num">
          ↓ {formatRate(streaming ? s.netRxRate : null, rateUnit)} · ↑{' '}
          {formatRate(streaming ? s.netTxRate : null, rateUnit)}
        </dd>
      </div>
      <div>
        <dt>Uptime</dt>
        <dd className="num">{formatDuration(s.uptimeSeconds)}</dd>
      </div>
    </dl>
  );
}

/** A server that sends frames faster than asked: WG Deck refuses the extra ones and says how many. */
function DroppedFrames({ count }: { count: number }) {
  if (count === 0) return null;
  return (
    <div className="banner" data-tone="warn" role="status" data-testid="dropped-frames">
      <div className="banner-main">
        <p className="banner-title">{formatDroppedFrames(count)}</p>
        <p className="banner-message">
          WG Deck takes at most one frame per half interval from a server, so a broken or hostile one cannot
          flood the app or its history. The values shown come from the frames it took.
        </p>
      </div>
    </div>
  );
}

function InterfaceHeader({
  iface,
  summary,
  rateUnit,
  streaming,
}: {
  iface: InterfaceLive;
  /** interfaceSummary(iface), counted once per frame by the page (the tabs need it too). */
  summary: ReturnType<typeof interfaceSummary>;
  rateUnit: RateUnit;
  streaming: boolean;
}) {
  const rxRate = streaming ? iface.rates.rxBytes : null;
  const txRate = streaming ? iface.rates.txBytes : null;
  return (
    <dl className="facts-row iface-facts" data-testid="interface-facts" data-interface={iface.name}>
      <div>
        <dt>Listen port</dt>
        <dd className="num" data-testid="listen-port">
          {iface.listenPort ?? <span className="muted">not listening</span>}
        </dd>
      </div>
      <div>
        <dt>Public key</dt>
        <dd className="fact-key">
          {iface.publicKey ? (
            <>
              <span className="mono" title={iface.publicKey} data-testid="interface-public-key">
                {shortKey(iface.publicKey)}
              </span>
              <CopyButton text={iface.publicKey} label={`Copy public key of ${iface.name}`} />
            </>
          ) : (
            <span className="muted">none</span>
          )}
        </dd>
      </div>
      <div>
        <dt>Peers</dt>
        <dd className="num" data-testid="interface-peers">
          {streaming ? (
            <>
              <span data-testid="interface-peers-online">{summary.counts.online}</span> online ·{' '}
              {summary.counts.stale} stale · {summary.peers} total
            </>
          ) : (
            // Who is online is only known while frames arrive.
            <>
              <span data-testid="interface-peers-online">—</span> online · {summary.peers} total
            </>
          )}
        </dd>
      </div>
      <div>
        <dt>RX</dt>
        <dd className="num" data-testid="interface-rx-rate" data-value={rxRate ?? ''}>
          {formatRate(rxRate, rateUnit)}
        </dd>
      </div>
      <div>
        <dt>TX</dt>
        <dd className="num" data-testid="interface-tx-rate" data-value={txRate ?? ''}>
          {formatRate(txRate, rateUnit)}
        </dd>
      </div>
      {iface.fwmark !== null && (
        <div>
          <dt>fwmark</dt>
          <dd className="num">0x{iface.fwmark.toString(16)}</dd>
        </div>
      )}
    </dl>
  );
}

type PeersView = 'peers' | 'metrics' | 'config';

/**
 * Peers first (what admins come for), then the interface's health and the charts, then its config
 * file (changing peers). A flag on Metrics says when error or drop counters are rising, so hiding the
 * panel behind a tab never hides a problem.
 */
function PeersViewSwitch({
  iface,
  view,
  onChange,
  livePeers,
  rising,
}: {
  iface: string;
  view: PeersView;
  onChange: (view: PeersView) => void;
  livePeers: number;
  rising: boolean;
}) {
  const tab = (id: PeersView, testId: string, children: ReactNode) => (
    <button
      type="button"
      role="tab"
      className="view-tab"
      aria-selected={view === id}
      onClick={() => onChange(id)}
      data-testid={testId}
    >
      {children}
    </button>
  );
  return (
    <div className="view-switch" role="tablist" aria-label={`Views of ${iface}`}>
      {tab(
        'peers',
        `live-${iface}`,
        <>
          Peers <span className="tab-count num">{livePeers}</span>
        </>,
      )}
      {tab(
        'metrics',
        `metrics-${iface}`,
        <>
          Health &amp; charts
          {rising && (
            <span
              className="tab-flag"
              data-testid={`metrics-flag-${iface}`}
              title="Errors or drops are rising"
            >
              errors rising
            </span>
          )}
        </>,
      )}
      {tab(
        'config',
        `manage-${iface}`,
        <>
          Config <span className="muted small view-tab-note">manage peers</span>
        </>,
      )}
    </div>
  );
}

function EditServer({ config }: { config: ServerConfig }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="button button-quiet"
        onClick={() => setOpen(true)}
        data-testid="edit-server"
      >
        Edit…
      </button>
      {open && <EditServerDialog server={config} open={open} onClose={() => setOpen(false)} />}
    </>
  );
}

function RemoveServer({ name }: { name: string }) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      await removeServerByName(name);
      setOpen(false);
      navigate({ page: 'overview' });
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button
        type="button"
        className="button button-quiet"
        onClick={() => setOpen(true)}
        data-testid="remove-server"
      >
        Remove…
      </button>
      <Modal open={open} onClose={() => setOpen(false)} title={`Remove ${name}?`} testId="remove-dialog">
        <p>
          WG Deck stops watching this server and forgets its saved password. Nothing changes on the server,
          and its trusted host key stays pinned.
        </p>
        {error && (
          <p className="form-error" role="alert">
            {explainError(error.code).title}: {error.message}
          </p>
        )}
        <div className="button-row end">
          <button type="button" className="button button-quiet" onClick={() => setOpen(false)}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-danger"
            onClick={() => void remove()}
            disabled={busy}
          >
            Remove server
          </button>
        </div>
      </Modal>
    </>
  );
}

export function ServerPage({
  name,
  ifaceName,
  peerKey,
}: {
  name: string;
  ifaceName?: string;
  peerKey?: string;
}) {
  const { held, config, rateUnit } = useApp(
    useShallow((s) => ({
      held: s.fleet[name],
      config: s.configs.find((c) => c.name === name),
      rateUnit: s.rateUnit,
    })),
  );
  const [peersView, setPeersView] = useState<PeersView>('peers');
  const live = held?.live;
  const iface = live?.interfaces.find((i) => i.name === ifaceName) ?? live?.interfaces[0];
  const peer = peerKey && iface ? (iface.peers.find((p) => p.publicKey === peerKey) ?? null) : null;
  const summary = useMemo(() => (iface ? interfaceSummary(iface) : null), [iface]);
  const liveNames = live?.interfaces.map((i) => i.name).join('\n') ?? '';
  useEffect(() => {
    if (liveNames !== '') rememberInterfaces(name, liveNames.split('\n'));
  }, [name, liveNames]);
  // Without live interfaces (unreachable, still connecting), the past is still charted: the
  // interface named in the URL, else the ones this server had when last seen.
  const offlineNames = iface ? [] : ifaceName ? [ifaceName] : knownInterfaces(name);
  const historyIface = iface?.name ?? ifaceName ?? offlineNames[0];
  const ifaceNameResolved = iface?.name ?? historyIface;
  const openPeer = useCallback(
    (key: string) => {
      if (ifaceNameResolved) navigate({ page: 'server', server: name, iface: ifaceNameResolved, peer: key });
    },
    [name, ifaceNameResolved],
  );
  const closePeer = useCallback(() => {
    if (ifaceNameResolved) navigate({ page: 'server', server: name, iface: ifaceNameResolved });
  }, [name, ifaceNameResolved]);

  if (!live && !config) {
    return (
      <div className="page">
        <h1>No server named “{name}”</h1>
        <p>
          <a href={routeHash({ page: 'overview' })}>Back to the overview</a>
        </p>
      </div>
    );
  }

  return (
    <div
      className={`page server-page${peerKey && iface ? ' with-drawer' : ''}`}
      data-testid="server-page"
      data-server={name}
    >
      <header className="page-header">
        <div className="page-title-block">
          <h1>{name}</h1>
          <ConnectionBadge state={live?.state ?? null} hasError={Boolean(live?.error)} />
          {live && !isStreaming(live) && live.updatedAt !== null && (
            <span className="last-seen" data-testid="server-page-last-seen">
              <LastSeen updatedAt={live.updatedAt} />
            </span>
          )}
          <span className="muted mono">
            {config
              ? `${config.user}@${config.host}${config.port !== 22 ? `:${config.port}` : ''}`
              : live?.host}
            {config?.jump ? ` via ${config.jump}` : ''}
            {config?.sudo ? ' · sudo' : ''}
          </span>
        </div>
        <div className="button-row">
          {config && <EditServer config={config} />}
          <RemoveServer name={name} />
        </div>
      </header>
      {live && <ConnectionBanner live={live} config={config} />}
      {live && <DroppedFrames count={live.droppedFrames} />}
      {live && <SystemFacts live={live} />}
      {!live && <p className="muted">Waiting for the first update…</p>}
      {!iface && <ServerChart server={name} />}
      {live && live.interfaces.length === 0 && !live.error && (
        <p className="muted">
          {live.state === 'connected' ? 'No WireGuard interface is up.' : 'Connecting…'}
        </p>
      )}
      {live && iface && summary && (
        <>
          {live.interfaces.length > 1 && (
            <nav className="tabs" aria-label="Interfaces">
              {live.interfaces.map((i) => {
                const s = interfaceSummary(i);
                return (
                  <a
                    key={i.name}
                    aria-current={i.name === iface.name ? 'page' : undefined}
                    href={routeHash({ page: 'server', server: name, iface: i.name })}
                    className="tab"
                    data-testid="interface-tab"
                    data-interface={i.name}
                    data-flagged={s.rising.length > 0 || undefined}
                  >
                    {i.name}
                    <span className="tab-count num">
                      {s.counts.online}/{s.peers}
                    </span>
                  </a>
                );
              })}
            </nav>
          )}
          <section className="iface" aria-label={`Interface ${iface.name}`} data-interface={iface.name}>
            {/* With several interfaces the tabs above name it; the heading stays for screen readers. */}
            <h2 className={live.interfaces.length > 1 ? 'sr-only' : 'iface-title'}>
              <span className="muted">Interface</span> <span className="mono">{iface.name}</span>
            </h2>
            <InterfaceHeader
              iface={iface}
              summary={summary}
              rateUnit={rateUnit}
              streaming={isStreaming(live)}
            />
            <LastApplyBanner server={name} iface={iface.name} />
            <PeersViewSwitch
              iface={iface.name}
              view={peersView}
              onChange={setPeersView}
              livePeers={iface.peers.length}
              rising={summary.rising.length > 0}
            />
            {peersView === 'config' && (
              <ConfigView
                key={`${name}/${iface.name}`}
                server={name}
                iface={iface.name}
                serverHost={config?.host ?? live.host}
              />
            )}
            {peersView === 'metrics' && (
              <>
                <HealthPanel iface={iface} rateUnit={rateUnit} streaming={isStreaming(live)} />
                <InterfaceChart server={name} iface={iface.name} />
                <ServerChart server={name} />
              </>
            )}
            {peersView === 'peers' && (
              <PeersTable
                key={`${name}/${iface.name}`}
                server={name}
                iface={iface.name}
                peers={iface.peers}
                selectedKey={peerKey ?? null}
                onOpen={openPeer}
              />
            )}
            <PeerActionDialogs server={name} iface={iface.name} />
          </section>
          <DownInterfaces server={name} serverHost={config?.host ?? live.host} liveNames={liveNames} />
          {peerKey && (
            <PeerDrawer
              live={live}
              server={name}
              ifaceName={iface.name}
              iface={iface}
              peerKey={peerKey}
              peer={peer}
              onClose={closePeer}
            />
          )}
        </>
      )}
      {!iface && historyIface && (
        <>
          {offlineNames.length > 1 && (
            <nav className="tabs" aria-label="Interfaces (recorded)">
              {offlineNames.map((n) => (
                <a
                  key={n}
                  aria-current={n === historyIface ? 'page' : undefined}
                  href={routeHash({ page: 'server', server: name, iface: n })}
                  className="tab"
                  data-testid="interface-tab"
                  data-interface={n}
                >
                  {n}
                </a>
              ))}
            </nav>
          )}
          <section
            className="iface"
            aria-label={`Interface ${historyIface} (recorded)`}
            data-interface={historyIface}
          >
            <h2 className="iface-title">
              <span className="muted">Interface</span> <span className="mono">{historyIface}</span>{' '}
              <span className="muted small">· recorded history, no live data</span>
            </h2>
            <InterfaceChart server={name} iface={historyIface} />
          </section>
          {peerKey && (
            <PeerDrawer
              live={live}
              server={name}
              ifaceName={historyIface}
              iface={null}
              peerKey={peerKey}
              peer={null}
              onClose={closePeer}
            />
          )}
        </>
      )}
    </div>
  );
}
