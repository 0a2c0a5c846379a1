import type {
  ConnectionState,
  InterfaceLive,
  PeerLive,
  PeerStatus,
  ServerLive,
} from '../../../shared/domain.ts';
import type { GroupSummary } from '../../../shared/groups.ts';
import type { ServerConfig } from '../../../shared/server-config.ts';
import { shortKey } from '../../../shared/format.ts';
import { PEER_STATUS_RANK } from '../../../shared/peer-list.ts';
import { isStreaming, serverPresence } from '../../../shared/liveness.ts';
import {
  MATCH_RANK,
  matchText,
  parsePeerQuery,
  searchPeers,
  type MatchKind,
  type PeerQuery,
} from '../../../shared/peer-search.ts';
import type { Fleet } from './fleet-state.ts';
import { commandRank, PALETTE_COMMANDS, type PaletteCommand } from './palette-commands.ts';

/** Pure views over the held fleet. Per-server work is cached by object identity (WeakMap). */

export const PEER_STATUSES: readonly PeerStatus[] = ['online', 'stale', 'idle', 'offline', 'never'];

export type StatusCounts = Record<PeerStatus, number>;

/** Counters whose rise means trouble. */
export const TROUBLE_COUNTERS = ['rxErrors', 'txErrors', 'rxDropped', 'txDropped'] as const;
export type TroubleCounter = (typeof TROUBLE_COUNTERS)[number];

export function emptyCounts(): StatusCounts {
  return { online: 0, stale: 0, idle: 0, offline: 0, never: 0 };
}

export function statusCounts(peers: readonly PeerLive[]): StatusCounts {
  const counts = emptyCounts();
  for (const p of peers) counts[p.status] += 1;
  return counts;
}

/** The error/drop counters of an interface that rose over the last interval (rate > 0). */
export function risingCounters(iface: InterfaceLive): TroubleCounter[] {
  return TROUBLE_COUNTERS.filter((c) => (iface.rates[c] ?? 0) > 0);
}

export interface InterfaceSummary {
  name: string;
  peers: number;
  counts: StatusCounts;
  rxRate: number | null;
  txRate: number | null;
  rising: TroubleCounter[];
}

export interface ServerSummary {
  name: string;
  state: ConnectionState;
  /** Whether its numbers are live (shared/liveness.ts). When not, rates are unknown and nothing rises. */
  streaming: boolean;
  peers: number;
  /** As last seen: count them as online only while `streaming`. */
  counts: StatusCounts;
  /** Sum of the WireGuard interfaces' rates; null when no interface has a rate yet, or not streaming. */
  rxRate: number | null;
  txRate: number | null;
  interfaces: InterfaceSummary[];
  /** Interfaces whose errors or drops are rising (none while not streaming: those rates are old). */
  rising: InterfaceSummary[];
}

function addRate(sum: number | null, rate: number | null): number | null {
  return rate === null ? sum : (sum ?? 0) + rate;
}

const summaries = new WeakMap<ServerLive, ServerSummary>();

export function interfaceSummary(iface: InterfaceLive): InterfaceSummary {
  return {
    name: iface.name,
    peers: iface.peers.length,
    counts: statusCounts(iface.peers),
    rxRate: iface.rates.rxBytes,
    txRate: iface.rates.txBytes,
    rising: risingCounters(iface),
  };
}

/** Peer counts, rates and health of one server; cached per live object (recomputed only when it changed). */
export function serverSummary(live: ServerLive): ServerSummary {
  const cached = summaries.get(live);
  if (cached) return cached;
  const counts = emptyCounts();
  let rxRate: number | null = null;
  let txRate: number | null = null;
  let peers = 0;
  const streaming = isStreaming(live);
  const interfaces = live.interfaces.map(interfaceSummary);
  for (const i of interfaces) {
    peers += i.peers;
    for (const s of PEER_STATUSES) counts[s] += i.counts[s];
    rxRate = addRate(rxRate, i.rxRate);
    txRate = addRate(txRate, i.txRate);
  }
  const summary: ServerSummary = {
    name: live.name,
    state: live.state,
    streaming,
    peers,
    counts,
    rxRate: streaming ? rxRate : null,
    txRate: streaming ? txRate : null,
    interfaces,
    rising: streaming ? interfaces.filter((i) => i.rising.length > 0) : [],
  };
  summaries.set(live, summary);
  return summary;
}

export interface FleetTotals {
  servers: number;
  /** Servers streaming: only they count below. */
  serversUp: number;
  /** Servers lost, failing or stopped (shared/liveness.ts), in the order of `names`. */
  down: string[];
  /** Servers on their way up (first attempt, or no state yet). */
  connecting: string[];
  /** Peers of the servers up. */
  peers: number;
  peersOnline: number;
  rxRate: number | null;
  txRate: number | null;
  /** `server/interface` pairs whose errors or drops are rising. */
  rising: { server: string; iface: InterfaceSummary }[];
}

/**
 * Fleet-wide figures. `names` are every configured server (some may have no live state yet). A server
 * that is not streaming is left out of peers, rates and alerts: its last values are not live.
 */
export function fleetTotals(fleet: Fleet, names: readonly string[]): FleetTotals {
  const all = new Set([...names, ...Object.keys(fleet)]);
  const totals: FleetTotals = {
    servers: all.size,
    serversUp: 0,
    down: [],
    connecting: [],
    peers: 0,
    peersOnline: 0,
    rxRate: null,
    txRate: null,
    rising: [],
  };
  for (const name of all) {
    const held = fleet[name];
    const presence = serverPresence(held?.live);
    if (presence !== 'streaming') {
      totals[presence].push(name);
      continue;
    }
    const s = serverSummary(held!.live);
    totals.serversUp += 1;
    totals.peers += s.peers;
    totals.peersOnline += s.counts.online;
    totals.rxRate = addRate(totals.rxRate, s.rxRate);
    totals.txRate = addRate(totals.txRate, s.txRate);
    for (const iface of s.rising) totals.rising.push({ server: name, iface });
  }
  return totals;
}

export interface ServerGroup {
  /** null: servers without a group (or when no server has one). */
  group: string | null;
  /** The group's region, when it is defined with one. */
  region: string | null;
  names: string[];
}

/** What the sidebar and overview need of a group (`group:list`). */
export type GroupInfo = Pick<GroupSummary, 'name' | 'priority' | 'region'>;

/**
 * The sidebar's and overview's sections: configured servers (plus any live-only ones) grouped by
 * `group`; groups by priority (higher first, as placement breaks ties), then name; ungrouped last; a
 * single ungrouped section when nobody uses groups.
 */
export function groupServers(
  configs: readonly ServerConfig[],
  fleet: Fleet,
  known: readonly GroupInfo[] = [],
): ServerGroup[] {
  const groupOf = new Map<string, string | null>();
  for (const c of configs) groupOf.set(c.name, c.group ?? null);
  for (const name of Object.keys(fleet)) if (!groupOf.has(name)) groupOf.set(name, null);
  const byGroup = new Map<string | null, string[]>();
  for (const [name, group] of groupOf) {
    const list = byGroup.get(group) ?? [];
    list.push(name);
    byGroup.set(group, list);
  }
  const info = new Map(known.map((g) => [g.name, g]));
  const priority = (g: string) => info.get(g)?.priority ?? 0;
  const cmp = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });
  const groups = [...byGroup.keys()]
    .filter((g): g is string => g !== null)
    .sort((a, b) => priority(b) - priority(a) || cmp(a, b));
  const result: ServerGroup[] = groups.map((g) => ({
    group: g,
    region: info.get(g)?.region ?? null,
    names: byGroup.get(g)!.sort(cmp),
  }));
  const ungrouped = byGroup.get(null);
  if (ungrouped) result.push({ group: null, region: null, names: ungrouped.sort(cmp) });
  return result;
}

// --- Peers: filter, search, sort ------------------------------------------------------------------

export type PeerFilter = PeerStatus | 'all';

/** Public key → name, from the interface's config file (`peers:names`). */
export type PeerNameMap = Readonly<Record<string, string>>;

/** A peer's display name: its name in the config file, else the short key. */
export function peerName(peer: PeerLive, names?: PeerNameMap): string {
  return names?.[peer.publicKey] ?? shortKey(peer.publicKey);
}

/** Whether the peer matches the search (shared/peer-search.ts: name, key, allowed IPs, endpoint). */
export function peerMatches(peer: PeerLive, query: string, names?: PeerNameMap): boolean {
  return searchPeers([peer], query, (p) => ({ peer: p, name: names?.[p.publicKey] ?? null })).length > 0;
}

/**
 * The peers of one status that match the search, best match first (exact, inside a searched prefix,
 * prefix, substring; ties by name, then key). A blank query keeps every peer of the status, in order.
 */
export function filterPeers(
  peers: readonly PeerLive[],
  filter: PeerFilter,
  query: string,
  names?: PeerNameMap,
): PeerLive[] {
  return rankedPeers(peers, filter, query, names).map((h) => h.item);
}

function rankedPeers(
  peers: readonly PeerLive[],
  filter: PeerFilter,
  query: string,
  names?: PeerNameMap,
): { item: PeerLive; kind: MatchKind }[] {
  const ofStatus = filter === 'all' ? peers : peers.filter((p) => p.status === filter);
  return searchPeers(ofStatus, query, (p) => ({ peer: p, name: names?.[p.publicKey] ?? null }));
}

export type PeerSortKey =
  'status' | 'name' | 'allowedIps' | 'endpoint' | 'handshake' | 'rxBytes' | 'txBytes' | 'rxRate' | 'txRate';

export interface PeerSort {
  key: PeerSortKey;
  dir: 'asc' | 'desc';
}

export const DEFAULT_PEER_SORT: PeerSort = { key: 'status', dir: 'asc' };

const STATUS_RANK = PEER_STATUS_RANK;

/**
 * An address as a sortable string: IPv4 octets zero-padded ("198.18.1.20" sorts after "198.18.1.3"),
 * anything else lower-cased. Ports and prefixes keep their order too.
 */
export function addressSortKey(address: string | null | undefined): string | null {
  if (!address) return null;
  return address
    .toLowerCase()
    .replace(/\d+/g, (digits) => digits.padStart(5, '0'))
    .replace(/^\[/, '');
}

type SortValue = number | string | null;

function sortValue(peer: PeerLive, key: PeerSortKey, names?: PeerNameMap): SortValue {
  switch (key) {
    case 'status':
      return STATUS_RANK[peer.status];
    case 'name':
      return peerName(peer, names).toLowerCase();
    case 'allowedIps':
      return addressSortKey(peer.allowedIps[0]);
    case 'endpoint':
      return addressSortKey(peer.endpoint);
    case 'handshake':
      // Most recent first when ascending reads naturally as "freshest first".
      return peer.latestHandshake === null ? null : -peer.latestHandshake;
    case 'rxBytes':
      return peer.rxBytes;
    case 'txBytes':
      return peer.txBytes;
    case 'rxRate':
      return peer.rxRate;
    case 'txRate':
      return peer.txRate;
  }
}

/**
 * Sorted copy. Unknown values (no handshake, no rate yet, no endpoint) always go last whatever the
 * direction; ties fall back to the status rank, then the key, so the order is stable between updates.
 */
export function sortPeers(peers: readonly PeerLive[], sort: PeerSort, names?: PeerNameMap): PeerLive[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  const keyed = peers.map((p) => ({ p, v: sortValue(p, sort.key, names) }));
  keyed.sort((a, b) => {
    if (a.v !== b.v) {
      if (a.v === null) return 1;
      if (b.v === null) return -1;
      if (a.v < b.v) return -sign;
      if (a.v > b.v) return sign;
    }
    const rank = STATUS_RANK[a.p.status] - STATUS_RANK[b.p.status];
    if (rank !== 0) return rank;
    return a.p.publicKey < b.p.publicKey ? -1 : a.p.publicKey > b.p.publicKey ? 1 : 0;
  });
  return keyed.map((k) => k.p);
}

export interface TableRows {
  rows: PeerLive[];
  /** Public keys of the rows that match the search exactly (none without a search). */
  exact: ReadonlySet<string>;
}

/**
 * The peers table's rows: the status filter, the search, then the column sort. While searching, how
 * well a peer matches comes first (the exact address on top, whatever the column), and the column
 * sorts within each rank; without a search, the column alone.
 */
export function tableRows(
  peers: readonly PeerLive[],
  filter: PeerFilter,
  query: string,
  sort: PeerSort,
  names?: PeerNameMap,
): TableRows {
  const hits = rankedPeers(peers, filter, query, names);
  const sorted = sortPeers(
    hits.map((h) => h.item),
    sort,
    names,
  );
  if (parsePeerQuery(query) === null) return { rows: sorted, exact: new Set() };
  const kindOf = new Map(hits.map((h) => [h.item, h.kind]));
  const byRank: PeerLive[][] = [[], [], [], []];
  for (const p of sorted) byRank[MATCH_RANK[kindOf.get(p)!]]!.push(p);
  return { rows: byRank.flat(), exact: new Set(byRank[MATCH_RANK.exact]!.map((p) => p.publicKey)) };
}

/** Clicking a header: the same column flips direction; a new one starts with its natural direction. */
export function nextSort(current: PeerSort, key: PeerSortKey): PeerSort {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  const numeric = key === 'rxBytes' || key === 'txBytes' || key === 'rxRate' || key === 'txRate';
  return { key, dir: numeric ? 'desc' : 'asc' };
}

// --- Time -----------------------------------------------------------------------------------------

/**
 * The server's wall clock now, extrapolated from its last snapshot so relative times tick between
 * polls; null before the first snapshot. Handshake ages use the server's clock, never the laptop's.
 */
export function serverNow(live: ServerLive, laptopNowMs: number): number | null {
  if (live.serverTime === null) return null;
  if (live.updatedAt === null) return live.serverTime;
  return live.serverTime + Math.max(0, laptopNowMs - live.updatedAt) / 1000;
}

// --- Command palette -------------------------------------------------------------------------------

export type PaletteItem =
  | { kind: 'server'; server: string; host: string; state: ConnectionState | null }
  | { kind: 'interface'; server: string; iface: string; peers: number }
  | { kind: 'command'; command: PaletteCommand }
  | { kind: 'peer'; server: string; iface: string; peer: PeerLive; name: string | null };

/** Names of one interface's peers (the store's `peerNames`), for the palette. */
export type NamesOf = (server: string, iface: string) => PeerNameMap | undefined;

function better(a: MatchKind | null, b: MatchKind | null): MatchKind | null {
  if (a === null) return b;
  if (b === null) return a;
  return MATCH_RANK[a] <= MATCH_RANK[b] ? a : b;
}

const SERVER_NAMES = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

/**
 * Servers (name, host), interfaces (name, `server/name`), commands (palette-commands.ts) and peers
 * (shared/peer-search.ts) matching the query, best first, at most `limit`. Within a rank servers come
 * first, then interfaces, commands, peers; servers tie by name, peers by name, key, server and
 * interface, so the order never depends on the order live state arrived in. An empty query lists
 * servers only.
 */
export function searchFleet(
  fleet: Fleet,
  configs: readonly ServerConfig[],
  query: string,
  limit = 50,
  namesOf: NamesOf = () => undefined,
): PaletteItem[] {
  const q: PeerQuery | null = parsePeerQuery(query);
  const names = new Set([...configs.map((c) => c.name), ...Object.keys(fleet)]);
  const hostOf = new Map(configs.map((c) => [c.name, c.host]));
  const servers: { item: PaletteItem; rank: number }[] = [];
  for (const name of [...names].sort(SERVER_NAMES)) {
    const host = hostOf.get(name) ?? fleet[name]?.live.host ?? '';
    const kind = q === null ? 'exact' : better(matchText(name, q.text), matchText(host, q.text));
    if (kind === null) continue;
    servers.push({
      item: { kind: 'server', server: name, host, state: fleet[name]?.live.state ?? null },
      rank: MATCH_RANK[kind],
    });
  }
  if (q === null) return servers.slice(0, limit).map((s) => s.item);
  for (const name of [...Object.keys(fleet)].sort(SERVER_NAMES)) {
    for (const iface of fleet[name]!.live.interfaces) {
      const kind = better(matchText(iface.name, q.text), matchText(`${name}/${iface.name}`, q.text));
      if (kind === null) continue;
      servers.push({
        item: { kind: 'interface', server: name, iface: iface.name, peers: iface.peers.length },
        rank: MATCH_RANK[kind],
      });
    }
  }
  for (const command of PALETTE_COMMANDS) {
    const rank = commandRank(command, q.text);
    if (rank !== null) servers.push({ item: { kind: 'command', command }, rank });
  }
  servers.sort((a, b) => a.rank - b.rank); // stable: servers, interfaces, commands within a rank
  const candidates: Extract<PaletteItem, { kind: 'peer' }>[] = [];
  for (const name of Object.keys(fleet)) {
    for (const iface of fleet[name]!.live.interfaces) {
      const ifaceNames = namesOf(name, iface.name);
      for (const peer of iface.peers) {
        const peerName = ifaceNames?.[peer.publicKey] ?? null;
        candidates.push({ kind: 'peer', server: name, iface: iface.name, peer, name: peerName });
      }
    }
  }
  const peers = searchPeers(candidates, q, (c) => ({
    peer: c.peer,
    name: c.name,
    tail: `${c.server}/${c.iface}`,
  }));
  // Merge: both lists are sorted; a server goes before peers of the same rank.
  const items: PaletteItem[] = [];
  let s = 0;
  let p = 0;
  while (items.length < limit && (s < servers.length || p < peers.length)) {
    const server = servers[s];
    const peer = peers[p];
    if (server && (!peer || server.rank <= MATCH_RANK[peer.kind])) {
      items.push(server.item);
      s += 1;
    } else {
      items.push(peer!.item);
      p += 1;
    }
  }
  return items;
}
