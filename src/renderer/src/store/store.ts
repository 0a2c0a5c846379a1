import { create } from 'zustand';
import type {
  ApiMethods,
  AppInfo,
  MethodName,
  Settings,
  SyncedServer,
  WgDeckApi,
} from '../../../shared/api.ts';
import type { FiringAlert } from '../../../shared/alerts.ts';
import type { LoggedEvent } from '../../../shared/event-log.ts';
import type { ServerDelta } from '../../../shared/live-delta.ts';
import type { PeerNames, PeerTxEvent } from '../../../shared/peer-ops.ts';
import type { PeerLifecycle } from '../../../shared/peer-lifecycle.ts';
import type { GroupSummary } from '../../../shared/groups.ts';
import type { ServerConfig } from '../../../shared/server-config.ts';
import { connectApi } from '../api/index.ts';
import { BrowserNotifier } from '../lib/browser-notifier.ts';
import { toApiError, type ApiError } from '../lib/errors.ts';
import { txKey } from '../lib/plan-view.ts';
import { parseRoute, routeHash, type Route } from '../lib/route.ts';
import { DeltaCoalescer } from './coalescer.ts';
import { measureUpdate, updateStart } from './update-timing.ts';
import { applyDeltas, EMPTY_FLEET, fleetFromSync, removeServer, type Fleet } from './fleet-state.ts';

export type RateUnit = 'bytes' | 'bits';

export interface AppState {
  /** The connection to the engine. */
  phase: 'connecting' | 'ready' | 'failed';
  /** Why connecting failed; its code tells a refused token (TOKEN_REFUSED) from an engine gone. */
  phaseError: ApiError | null;
  info: AppInfo | null;
  configs: ServerConfig[];
  /** Groups (`group:list`): their priority orders the sidebar and overview. */
  groups: GroupSummary[];
  fleet: Fleet;
  settings: Settings | null;
  rateUnit: RateUnit;
  route: Route;
  paletteOpen: boolean;
  /** The latest `peers:tx` event per server and interface (key: `txKey(server, iface)`). */
  peerTx: Record<string, PeerTxEvent>;
  /** Peer names per `server/iface` (peerNamesKey), from config files the engine read or wrote. */
  peerNames: Record<string, Record<string, string>>;
  /** Lifecycle rules per `server/iface` (peerNamesKey), public key → rules, from the same files. */
  peerLifecycle: Record<string, Record<string, PeerLifecycle>>;
  /** The alerts firing now (`alerts:firing`, then `alerts:changed`). */
  firing: FiringAlert[];
  /**
   * Per `server/iface` (peerNamesKey): bumped when the lifecycle enforcer changed its config file,
   * so an open config view reads it again.
   */
  enforcedRevision: Record<string, number>;
}

const RATE_UNIT_KEY = 'wgdeck.rateUnit';

function storedRateUnit(): RateUnit {
  try {
    return localStorage.getItem(RATE_UNIT_KEY) === 'bits' ? 'bits' : 'bytes';
  } catch {
    return 'bytes';
  }
}

export const useApp = create<AppState>()(() => ({
  phase: 'connecting',
  phaseError: null,
  info: null,
  configs: [],
  groups: [],
  fleet: EMPTY_FLEET,
  settings: null,
  rateUnit: storedRateUnit(),
  route: parseRoute(location.hash),
  paletteOpen: false,
  peerTx: {},
  peerNames: {},
  peerLifecycle: {},
  firing: [],
  enforcedRevision: {},
}));

/** Browser mode notifies here; the app's main process notifies for Electron. */
const notifier = new BrowserNotifier(() => useApp.getState().info?.host === 'browser');

function onFiring(firing: FiringAlert[]): void {
  useApp.setState({ firing });
  notifier.changed(firing);
}

function loadFiring(): void {
  call('alerts:firing')
    .then((firing) => {
      notifier.loaded(firing);
      useApp.setState({ firing });
    })
    .catch(() => undefined);
}

let api: WgDeckApi | null = null;
const unsubscribers: (() => void)[] = [];

/** Calls a contract method. Rejects with the engine's error (it has `code` and `message`). */
export function call<M extends MethodName>(
  method: M,
  ...args: Parameters<ApiMethods[M]>
): Promise<ReturnType<ApiMethods[M]>> {
  if (!api) return Promise.reject(new Error('Not connected to the engine.'));
  return api.invoke(method, ...args);
}

// --- Live updates ----------------------------------------------------------------------------------

const coalescer = new DeltaCoalescer(
  {
    requestFrame: (cb) => {
      if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => cb());
      else setTimeout(cb, 16);
    },
    isHidden: () => document.hidden,
  },
  (deltas, overflowed) => applyBatch(deltas, overflowed),
);

function applyBatch(deltas: ServerDelta[], overflowed: boolean): void {
  const started = updateStart();
  const { fleet, gaps } = applyDeltas(useApp.getState().fleet, deltas);
  if (fleet !== useApp.getState().fleet) useApp.setState({ fleet });
  measureUpdate(started);
  if (gaps.length > 0 || overflowed) void resync();
  noticeUnknownServers(fleet);
}

let syncing = false;
let syncAgain = false;
let removedWhileSyncing = new Set<string>();

/**
 * Fetches the full state (start, a seq gap, an overflowed buffer, the transport's `fleet:resync`);
 * deltas wait meanwhile. A request during a sync runs another one after it.
 */
async function resync(): Promise<void> {
  if (syncing) {
    syncAgain = true;
    return;
  }
  syncing = true;
  syncAgain = false;
  removedWhileSyncing = new Set();
  coalescer.pause();
  try {
    const synced: SyncedServer[] = await call('fleet:sync');
    coalescer.discard();
    const kept = synced.filter((s) => !removedWhileSyncing.has(s.name));
    const fleet = fleetFromSync(kept);
    useApp.setState({ fleet });
    noticeUnknownServers(fleet);
  } catch {
    retryLater();
  } finally {
    syncing = false;
    coalescer.resume();
  }
  if (syncAgain) await resync();
}

let retryTimer: ReturnType<typeof setTimeout> | null = null;
function retryLater(): void {
  retryTimer ??= setTimeout(() => {
    retryTimer = null;
    void resync();
  }, 2000);
}

/** The transport lost updates (reconnected, fell behind, engine restarted): reload everything. */
function onTransportResync(): void {
  void resync();
  void refreshServers();
  call('settings:get')
    .then((settings) => useApp.setState({ settings }))
    .catch(() => undefined);
  loadFiring();
}

function onRemoved(name: string): void {
  coalescer.flush();
  if (syncing) removedWhileSyncing.add(name);
  knownMissing.delete(name);
  const state = useApp.getState();
  useApp.setState({
    fleet: removeServer(state.fleet, name),
    configs: state.configs.filter((c) => c.name !== name),
  });
}

let refreshing: Promise<void> | null = null;

/** Groups are an ordering nicety: an engine that cannot list them leaves the servers ungrouped by priority. */
function loadGroups(): Promise<GroupSummary[]> {
  return call('group:list').catch(() => []);
}

/** Reloads the configured servers (after add/remove, or when a server appears that we do not know). */
export function refreshServers(): Promise<void> {
  refreshing ??= Promise.all([call('server:list'), loadGroups()])
    .then(([configs, groups]) => useApp.setState({ configs, groups }))
    .catch(() => undefined)
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

const knownMissing = new Set<string>();
function noticeUnknownServers(fleet: Fleet): void {
  if (useApp.getState().phase !== 'ready') return;
  const configured = new Set(useApp.getState().configs.map((c) => c.name));
  for (const name of Object.keys(fleet)) {
    if (!configured.has(name) && !knownMissing.has(name)) {
      knownMissing.add(name);
      void refreshServers();
    }
  }
}

// --- Peer changes being applied --------------------------------------------------------------------

function onPeerTx(event: PeerTxEvent): void {
  const key = txKey(event.server, event.iface);
  useApp.setState((s) => ({ peerTx: { ...s.peerTx, [key]: event } }));
}

/** Forgets an interface's last apply progress (before a new apply starts). */
export function clearPeerTx(server: string, iface: string): void {
  const key = txKey(server, iface);
  const { peerTx } = useApp.getState();
  if (!(key in peerTx)) return;
  const next = { ...peerTx };
  delete next[key];
  useApp.setState({ peerTx: next });
}

// --- Peer names ------------------------------------------------------------------------------------

export function peerNamesKey(server: string, iface: string): string {
  return `${server}/${iface}`;
}

function onPeerNames(list: readonly PeerNames[]): void {
  if (list.length === 0) return;
  useApp.setState((s) => {
    const names = { ...s.peerNames };
    const lifecycle = { ...s.peerLifecycle };
    for (const entry of list) {
      const key = peerNamesKey(entry.server, entry.iface);
      names[key] = entry.names;
      lifecycle[key] = entry.lifecycle ?? {};
    }
    return { peerNames: names, peerLifecycle: lifecycle };
  });
}

/** Warnings and failures leave the file as it was; every other lifecycle event disabled or enabled a peer. */
const FILE_UNCHANGED: ReadonlySet<string> = new Set([
  'peer.quotaWarning',
  'peer.expiryWarning',
  'peer.enforcementFailed',
]);

function onLifecycle(event: LoggedEvent): void {
  notifier.lifecycle(event);
  if (FILE_UNCHANGED.has(event.type) || event.interface === null) return;
  const key = peerNamesKey(event.server, event.interface);
  useApp.setState((s) => ({
    enforcedRevision: { ...s.enforcedRevision, [key]: (s.enforcedRevision[key] ?? 0) + 1 },
  }));
}

// --- Start -----------------------------------------------------------------------------------------

export async function start(): Promise<void> {
  useApp.setState({ phase: 'connecting', phaseError: null });
  try {
    api ??= await connectApi();
    while (unsubscribers.length > 0) unsubscribers.pop()!();
    unsubscribers.push(api.subscribe('fleet:delta', (delta) => coalescer.push(delta)));
    unsubscribers.push(api.subscribe('fleet:removed', ({ name }) => onRemoved(name)));
    unsubscribers.push(api.subscribe('fleet:resync', () => onTransportResync()));
    unsubscribers.push(api.subscribe('peers:tx', (event) => onPeerTx(event)));
    unsubscribers.push(api.subscribe('peers:names', (names) => onPeerNames([names])));
    unsubscribers.push(api.subscribe('alerts:changed', (firing) => onFiring(firing)));
    unsubscribers.push(api.subscribe('peers:lifecycle', (event) => onLifecycle(event)));
    const [info, configs, settings, groups] = await Promise.all([
      call('app:info'),
      call('server:list'),
      call('settings:get'),
      loadGroups(),
      resync(),
    ]);
    useApp.setState({ info, configs, settings, groups, phase: 'ready' });
    loadFiring();
    // Names are a nicety: an engine that knows none yet (or fails to say) changes nothing.
    call('peers:names')
      .then(onPeerNames)
      .catch(() => undefined);
  } catch (error) {
    useApp.setState({ phase: 'failed', phaseError: toApiError(error) });
  }
}

let started = false;
/** Wires the page (visibility, hash, palette shortcut) once and connects. */
export function boot(): void {
  if (started) return;
  started = true;
  document.addEventListener('visibilitychange', () => coalescer.visibilityChanged());
  window.addEventListener('hashchange', () => useApp.setState({ route: parseRoute(location.hash) }));
  window.addEventListener('keydown', (event) => {
    if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'k') {
      event.preventDefault();
      useApp.setState((s) => ({ paletteOpen: !s.paletteOpen }));
    }
  });
  void start();
}

// --- UI actions ------------------------------------------------------------------------------------

export function navigate(route: Route): void {
  const hash = routeHash(route);
  if (location.hash !== hash) location.hash = hash;
  useApp.setState({ route });
}

export function setRateUnit(rateUnit: RateUnit): void {
  try {
    localStorage.setItem(RATE_UNIT_KEY, rateUnit);
  } catch {
    // Private mode or storage disabled: the choice lasts for this session.
  }
  useApp.setState({ rateUnit });
}

export function setPaletteOpen(paletteOpen: boolean): void {
  useApp.setState({ paletteOpen });
}

export async function updateSettings(patch: Parameters<ApiMethods['settings:update']>[0]): Promise<Settings> {
  const settings = await call('settings:update', patch);
  useApp.setState({ settings });
  return settings;
}

export async function removeServerByName(name: string): Promise<void> {
  await call('server:remove', name);
  onRemoved(name);
}
