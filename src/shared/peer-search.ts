/**
 * The one search rule for peers: the command palette, the peers table and the CLI ask here, so a
 * query finds the same peers in the same order wherever it is typed.
 *
 * A peer matches a query through its name, public key, allowed IPs or endpoint, each field compared
 * case-insensitively; the best field decides how well it matches:
 *
 *   exact      the whole field is the query. Addresses compare as prefixes, so `198.18.0.15` is
 *              exactly the allowed IP `198.18.0.15/32`, and an endpoint's host alone counts
 *   inside     the query is a prefix (`198.18.0.0/28`) and an allowed IP lies inside it
 *   prefix     the field starts with the query (`198.18.0.1` → `198.18.0.10/32`)
 *   substring  the field contains it
 *
 * Results are ranked by that, and ties break by name, then public key (then whatever the caller
 * adds, e.g. server and interface): never by the order the peers came in, which changes per poll.
 */

import { parsePrefix, prefixContains, samePrefix, type Prefix } from './ip-rules.ts';

export type MatchKind = 'exact' | 'inside' | 'prefix' | 'substring';

/** Lower is better. */
export const MATCH_RANK: Readonly<Record<MatchKind, number>> = {
  exact: 0,
  inside: 1,
  prefix: 2,
  substring: 3,
};

/** What the rule reads of a peer (a live peer, a config file's peer, a CLI row). */
export interface SearchablePeer {
  readonly publicKey: string;
  readonly allowedIps: readonly string[];
  readonly endpoint: string | null;
}

export interface PeerQuery {
  /** Trimmed, lower-cased. */
  readonly text: string;
  /** The query read as an address or a prefix, if it is one. */
  readonly prefix: Prefix | null;
  /** Whether it was written with a length (`/28`): then allowed IPs inside it match. */
  readonly hasLength: boolean;
}

/** null for a blank query (it matches everything, unranked). */
export function parsePeerQuery(raw: string): PeerQuery | null {
  const text = raw.trim().toLowerCase();
  if (text === '') return null;
  return { text, prefix: parsePrefix(text), hasLength: text.includes('/') };
}

function better(a: MatchKind | null, b: MatchKind | null): MatchKind | null {
  if (a === null) return b;
  if (b === null) return a;
  return MATCH_RANK[a] <= MATCH_RANK[b] ? a : b;
}

/** How `value` (any case) matches an already lower-cased query, as text. */
export function matchText(value: string | null | undefined, lowerQuery: string): MatchKind | null {
  if (!value) return null;
  const v = value.toLowerCase();
  if (v === lowerQuery) return 'exact';
  if (v.startsWith(lowerQuery)) return 'prefix';
  return v.includes(lowerQuery) ? 'substring' : null;
}

// Allowed IPs repeat on every poll (and across searches): each text is parsed once. Bounded, so a
// churning fleet cannot grow it without end.
const parsed = new Map<string, Prefix | null>();
const PARSED_LIMIT = 200_000;

function prefixOf(text: string): Prefix | null {
  let prefix = parsed.get(text);
  if (prefix === undefined) {
    if (parsed.size >= PARSED_LIMIT) parsed.clear();
    prefix = parsePrefix(text);
    parsed.set(text, prefix);
  }
  return prefix;
}

/** The address of an endpoint, without its port: `198.18.0.1:51820` → `198.18.0.1`, `[::1]:51820` → `::1`. */
export function endpointHost(endpoint: string): string {
  if (endpoint.startsWith('[')) {
    const close = endpoint.indexOf(']');
    return close === -1 ? endpoint : endpoint.slice(1, close);
  }
  const colon = endpoint.lastIndexOf(':');
  return colon === -1 ? endpoint : endpoint.slice(0, colon);
}

function matchAllowedIp(ip: string, query: PeerQuery): MatchKind | null {
  const text = matchText(ip, query.text);
  if (text === 'exact' || query.prefix === null) return text;
  // Cheap test first: an IPv4 query never needs an IPv6 entry parsed, nor the other way round.
  if (ip.includes(':') !== (query.prefix.family === 6)) return text;
  const own = prefixOf(ip);
  if (own === null) return text;
  if (samePrefix(own, query.prefix)) return 'exact';
  if (query.hasLength && prefixContains(query.prefix, own)) return better('inside', text);
  return text;
}

function matchEndpoint(endpoint: string | null, query: PeerQuery): MatchKind | null {
  if (endpoint === null) return null;
  const text = matchText(endpoint, query.text);
  if (text === 'exact') return text;
  const host = endpointHost(endpoint).toLowerCase();
  if (host === query.text) return 'exact';
  if (query.prefix !== null && !query.hasLength && host.includes(':')) {
    // An IPv6 host written another way (`::ffff:c612:1` for `::ffff:198.18.0.1`).
    const own = prefixOf(host);
    if (own !== null && samePrefix(own, query.prefix)) return 'exact';
  }
  return text;
}

/** How well `peer` matches `query`, or null when it does not. `name`: its name, if it has one. */
export function matchPeer(peer: SearchablePeer, query: PeerQuery, name?: string | null): MatchKind | null {
  let best = matchText(name, query.text);
  if (best === 'exact') return best;
  for (const ip of peer.allowedIps) {
    best = better(best, matchAllowedIp(ip, query));
    if (best === 'exact') return best;
  }
  best = better(best, matchText(peer.publicKey, query.text));
  if (best === 'exact') return best;
  return better(best, matchEndpoint(peer.endpoint, query));
}

const NAMES = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** What a result is ordered by when it matches as well as another. */
export interface PeerTie {
  name: string | null;
  publicKey: string;
  /** Compared last (e.g. `server/iface` when one key is a peer of several interfaces). */
  tail?: string;
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Named peers first, by name (natural order: "peer 2" before "peer 10"), then by key, then tail. */
export function comparePeerTies(a: PeerTie, b: PeerTie): number {
  if (a.name !== null && b.name !== null) {
    const byName = NAMES.compare(a.name, b.name);
    if (byName !== 0) return byName;
  } else if (a.name !== b.name) {
    return a.name === null ? 1 : -1;
  }
  return byCodeUnits(a.publicKey, b.publicKey) || byCodeUnits(a.tail ?? '', b.tail ?? '');
}

export interface PeerHit<T> {
  item: T;
  kind: MatchKind;
}

/** What `searchPeers` reads of one item: its peer, its name, and what else orders ties. */
export interface PeerView {
  peer: SearchablePeer;
  name: string | null;
  tail?: string;
}

/**
 * The items whose peer matches `query`, best first (exact, inside, prefix, substring; then by name
 * and key). A blank query returns every item as an exact hit, in the order given.
 */
export function searchPeers<T>(
  items: readonly T[],
  query: string | PeerQuery | null,
  view: (item: T) => PeerView,
): PeerHit<T>[] {
  const q = typeof query === 'string' ? parsePeerQuery(query) : query;
  if (q === null) return items.map((item) => ({ item, kind: 'exact' }));
  const hits: { item: T; kind: MatchKind; tie: PeerTie }[] = [];
  for (const item of items) {
    const v = view(item);
    const kind = matchPeer(v.peer, q, v.name);
    if (kind === null) continue;
    hits.push({ item, kind, tie: { name: v.name, publicKey: v.peer.publicKey, tail: v.tail } });
  }
  hits.sort((a, b) => MATCH_RANK[a.kind] - MATCH_RANK[b.kind] || comparePeerTies(a.tie, b.tie));
  return hits.map(({ item, kind }) => ({ item, kind }));
}
