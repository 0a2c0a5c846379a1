import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ConfigPeerView, InterfaceConfigView, PeerOperation } from '../../../../shared/peer-ops.ts';
import { driftByPeer, hasDrift, keptKeys, pruneKept } from '../../lib/config-view.ts';
import { toApiError, type ApiError } from '../../lib/errors.ts';
import { runPeerAction } from '../../store/peer-actions.ts';
import { cancelPlan, planOperation, selectPeerState, usePeerFlows } from '../../store/peer-flow.ts';
import { call, peerNamesKey, useApp } from '../../store/store.ts';
import { CopyButton } from '../common.tsx';
import { AddPeerDialog } from './AddPeerDialog.tsx';
import { BackupsList } from './BackupsList.tsx';
import { ConfigNotices } from './ConfigNotices.tsx';
import { ConfigPathForm } from './ConfigPathForm.tsx';
import { ConfigPeerList, type RowAction } from './ConfigPeerList.tsx';
import { DriftPanel } from './DriftPanel.tsx';
import { ErrorCallout } from './ErrorCallout.tsx';

function storage(): Storage | null {
  try {
    return localStorage;
  } catch {
    return null;
  }
}

/** The path the engine looked at (its NO_CONFIG_FILE message names it), else the default. */
function configPathIn(message: string, iface: string): string {
  return /at (\/\S+\.conf) on /.exec(message)?.[1] ?? `/etc/wireguard/${iface}.conf`;
}

/** Which file, which addresses, whether the interface is up: one line above the peers. */
function ConfigFacts({ view }: { view: InterfaceConfigView }) {
  return (
    <div className="config-facts" data-testid="config-facts">
      <span className="fact-key">
        <span className="mono config-path" data-testid="config-path" title="The interface’s config file">
          {view.configPath}
        </span>
        <CopyButton text={view.configPath} label="Copy the config file path" />
      </span>
      {view.addresses.length > 0 && (
        <span className="muted">
          Address <span className="mono">{view.addresses.join(', ')}</span>
        </span>
      )}
      {view.listenPort !== null && (
        <span className="muted">
          Port <span className="num">{view.listenPort}</span>
        </span>
      )}
      <span className="status" data-tone={view.live ? 'ok' : 'none'} data-testid="config-live">
        <span className="dot" aria-hidden="true" />
        {view.live ? 'Interface up' : 'Interface down: changes go to the file only'}
      </span>
    </div>
  );
}

/**
 * The "Config" view of an interface: its config file's peers (disabled ones too) and what can be
 * done to them, drift against the live interface, backups. Every change goes through a preview.
 */
export function ConfigView({
  server,
  iface,
  serverHost,
}: {
  server: string;
  iface: string;
  serverHost: string;
}) {
  const [view, setView] = useState<InterfaceConfigView | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(false);
  const [kept, setKept] = useState<ReadonlySet<string>>(() => {
    const store = storage();
    return store ? keptKeys(store, server, iface) : new Set();
  });
  const [addOpen, setAddOpen] = useState(false);
  const { flow, applied, revision } = usePeerFlows(selectPeerState(server, iface));
  const loads = useRef(0);

  const load = useCallback(async () => {
    const mine = ++loads.current;
    setLoading(true);
    try {
      const next = await call('peers:read', server, iface);
      if (mine !== loads.current) return;
      setView(next);
      setLoadError(null);
      const store = storage();
      if (store)
        setKept(
          pruneKept(
            store,
            server,
            iface,
            next.peers.map((p) => p.publicKey),
          ),
        );
    } catch (error) {
      if (mine === loads.current) setLoadError(toApiError(error));
    } finally {
      if (mine === loads.current) setLoading(false);
    }
  }, [server, iface]);

  const enforced = useApp((s) => s.enforcedRevision[peerNamesKey(server, iface)] ?? 0);

  // First load, again after every apply attempt (the file may have changed either way), and after the
  // lifecycle enforcer disabled or enabled one of its peers.
  useEffect(() => {
    void load();
  }, [load, revision, enforced]);

  // Leaving the view drops a plan nobody applied (never one being applied: that one must land).
  useEffect(() => () => cancelPlan(server, iface), [server, iface]);

  // A successful apply closes the form it came from (it waited behind the preview).
  useEffect(() => {
    if (applied) setAddOpen(false);
  }, [applied]);

  const preview = useCallback(
    (operation: PeerOperation, title?: string) => {
      void planOperation({
        request: { server, iface, operation },
        keepPrivateKeys: false,
        ...(title ? { title } : {}),
      });
    },
    [server, iface],
  );

  const onAction = useCallback(
    (action: RowAction, peer: ConfigPeerView) => {
      void runPeerAction(server, iface, action, [peer.publicKey], view?.peers ?? [peer]);
    },
    [server, iface, view],
  );

  const drift = useMemo(() => driftByPeer(view?.drift ?? null), [view]);
  const busy = flow?.stage === 'applying';
  const fatal = view?.problems.some((p) => p.fatal) ?? false;
  const lockedReason = fatal ? 'The config file has problems that block every change (see above).' : null;

  return (
    <section className="config-view" data-testid="config-view" data-interface={iface} aria-busy={loading}>
      <div className="config-toolbar">
        {view ? <ConfigFacts view={view} /> : <span />}
        <div className="button-row config-actions">
          <button
            type="button"
            className="button"
            onClick={() => void load()}
            disabled={loading}
            data-testid="config-refresh"
          >
            {loading && view ? 'Refreshing…' : 'Refresh'}
          </button>
          <button
            type="button"
            className="button button-primary"
            onClick={() => setAddOpen(true)}
            disabled={!view || fatal || busy}
            title={lockedReason ?? undefined}
            data-testid="add-peer"
          >
            Add peer
          </button>
        </div>
      </div>

      {loadError && (
        <ErrorCallout
          error={loadError}
          title={view ? 'Could not refresh the config file' : 'Could not read the config file'}
          testId="config-load-error"
        >
          <button type="button" className="button" onClick={() => void load()} disabled={loading}>
            Try again
          </button>
        </ErrorCallout>
      )}
      {loadError?.code === 'NO_CONFIG_FILE' && (
        <ConfigPathForm
          server={server}
          iface={iface}
          current={configPathIn(loadError.message, iface)}
          onSaved={() => void load()}
        />
      )}
      {!view && !loadError && (
        <div className="config-loading" role="status" data-testid="config-loading">
          <span className="spinner spinner-small" aria-hidden="true" /> Reading {iface}’s config file…
        </div>
      )}

      {view && (
        <>
          <ConfigNotices
            view={view}
            busy={busy}
            onFixSaveConfig={() => preview({ kind: 'save-config-off' })}
          />
          {hasDrift(view.drift) ? (
            <DriftPanel
              report={view.drift}
              busy={busy}
              onReconcile={(direction) => preview({ kind: 'reconcile', direction })}
            />
          ) : (
            view.drift && (
              <p className="muted small drift-ok" data-testid="drift-in-sync">
                The live interface matches the config file.
              </p>
            )
          )}
          <ConfigPeerList
            iface={iface}
            peers={view.peers}
            drift={drift}
            kept={kept}
            disabledReason={busy ? 'A change is being applied.' : lockedReason}
            onAction={onAction}
          />
          <BackupsList
            backups={view.backups}
            busy={busy}
            onRestore={(backup) => preview({ kind: 'restore', backup })}
          />
        </>
      )}

      <AddPeerDialog
        open={addOpen}
        onClose={() => setAddOpen(false)}
        server={server}
        iface={iface}
        serverHost={serverHost}
        interfaceAddresses={view?.addresses ?? []}
      />
    </section>
  );
}
