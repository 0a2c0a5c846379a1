import { create } from 'zustand';
import type { ConfigPeerView } from '../../../shared/peer-ops.ts';
import { peerLabel } from '../lib/config-view.ts';
import { toApiError, type ApiError } from '../lib/errors.ts';
import { txKey } from '../lib/plan-view.ts';
import { planOperation, showClientConfig } from './peer-flow.ts';
import { call } from './store.ts';

/**
 * What can be done to peers, wherever they are shown (the live table's rows and selection, the peer
 * drawer, the config view): one entry point, so every place previews through the same plan flow and
 * the same dialogs (mounted once per interface by `PeerActionDialogs`). Edit and remove need the
 * peers as the config file has them; the live views only know keys, so the file is read first.
 */
export type PeerAction = 'edit' | 'limits' | 'disable' | 'enable' | 'remove' | 'client-config';

export interface PeerActionState {
  /** The peer whose edit form is open. */
  editing: ConfigPeerView | null;
  /** The peers the remove confirmation asks about (empty: closed). */
  removing: ConfigPeerView[];
  /** The peers the batch limits form sets quota, expiry and hours for (empty: closed). */
  limiting: ConfigPeerView[];
  error: ApiError | null;
}

const EMPTY: PeerActionState = { editing: null, removing: [], limiting: [], error: null };

export const usePeerActions = create<Record<string, PeerActionState>>()(() => ({}));

export function selectPeerActions(server: string, iface: string) {
  const key = txKey(server, iface);
  return (s: Record<string, PeerActionState>): PeerActionState => s[key] ?? EMPTY;
}

function update(server: string, iface: string, patch: Partial<PeerActionState>): void {
  const key = txKey(server, iface);
  usePeerActions.setState((s) => ({ [key]: { ...(s[key] ?? EMPTY), ...patch } }));
}

/** The dialog title for one peer ("Disable “alice” on wg0") or several ("Disable 3 peers on wg0"). */
export function actionTitle(
  action: 'disable' | 'enable' | 'remove',
  peers: readonly ConfigPeerView[],
  iface: string,
) {
  const verb = { disable: 'Disable', enable: 'Enable', remove: 'Remove' }[action];
  const what = peers.length === 1 ? `“${peerLabel(peers[0]!)}”` : `${peers.length} peers`;
  return `${verb} ${what} ${action === 'remove' ? 'from' : 'on'} ${iface}`;
}

/** Peers by key as the config file has them; keys the file does not have are an error naming them. */
async function fromFile(
  server: string,
  iface: string,
  keys: readonly string[],
): Promise<ConfigPeerView[] | ApiError> {
  const view = await call('peers:read', server, iface);
  const byKey = new Map(view.peers.map((p) => [p.publicKey, p]));
  const missing = keys.filter((k) => !byKey.has(k));
  if (missing.length === 0) return keys.map((k) => byKey.get(k)!);
  const which =
    missing.length === 1 ? `Peer ${missing[0]!.slice(0, 8)}… is` : `${missing.length} of these peers are`;
  return {
    code: 'NO_SUCH_PEER',
    message: `${which} live on ${iface} but not in its config file: reconcile in the Config tab first.`,
  };
}

/**
 * Runs `action` on the peers with `keys`. `known` are the config file's peers when the caller has
 * them (the config view), else the file is read. Disable and enable preview at once; remove asks
 * first; edit opens the form (one peer); limits opens the batch limits form.
 */
export async function runPeerAction(
  server: string,
  iface: string,
  action: PeerAction,
  keys: readonly string[],
  known?: readonly ConfigPeerView[],
): Promise<void> {
  if (keys.length === 0) return;
  update(server, iface, { error: null });
  let peers: ConfigPeerView[];
  if (known) {
    const byKey = new Map(known.map((p) => [p.publicKey, p]));
    peers = keys.map((k) => byKey.get(k)).filter((p): p is ConfigPeerView => p !== undefined);
  } else {
    let read: ConfigPeerView[] | ApiError;
    try {
      read = await fromFile(server, iface, keys);
    } catch (error) {
      read = toApiError(error);
    }
    if (!Array.isArray(read)) {
      update(server, iface, { error: read });
      return;
    }
    peers = read;
  }
  switch (action) {
    case 'edit':
      update(server, iface, { editing: peers[0] ?? null });
      break;
    case 'remove':
      update(server, iface, { removing: peers });
      break;
    case 'limits':
      update(server, iface, { limiting: peers });
      break;
    case 'disable':
    case 'enable': {
      // Enabling an enabled peer (or the reverse) is no change: a batch plans only the others.
      const targets = peers.filter((p) => p.disabled === (action === 'enable'));
      if (targets.length === 0) return;
      void planOperation({
        request: {
          server,
          iface,
          operation: { kind: 'changes', changes: targets.map((p) => ({ action, peer: p.publicKey })) },
        },
        keepPrivateKeys: false,
        title: actionTitle(action, targets, iface),
      });
      break;
    }
    case 'client-config':
      try {
        showClientConfig(server, iface, await call('peers:clientConfig', server, iface, keys[0]!));
      } catch (error) {
        update(server, iface, { error: toApiError(error) });
      }
      break;
  }
}

/** The remove confirmation was accepted: preview removing them all (one plan). */
export function confirmRemove(server: string, iface: string): void {
  const peers = (usePeerActions.getState()[txKey(server, iface)] ?? EMPTY).removing;
  update(server, iface, { removing: [] });
  if (peers.length === 0) return;
  void planOperation({
    request: {
      server,
      iface,
      operation: { kind: 'changes', changes: peers.map((p) => ({ action: 'remove', peer: p.publicKey })) },
    },
    keepPrivateKeys: false,
    title: actionTitle('remove', peers, iface),
  });
}

export function cancelRemove(server: string, iface: string): void {
  update(server, iface, { removing: [] });
}

export function closeLimits(server: string, iface: string): void {
  update(server, iface, { limiting: [] });
}

export function closeEdit(server: string, iface: string): void {
  update(server, iface, { editing: null });
}

export function dismissActionError(server: string, iface: string): void {
  update(server, iface, { error: null });
}
