import type { PeerLive, PeerStatus, ServerLive } from '../shared/domain.ts';
import type { PeerLifecycle } from '../shared/peer-lifecycle.ts';
import type { PeerNames } from '../shared/peer-ops.ts';
import { comparePeerRows } from '../shared/peer-list.ts';
import { searchPeers } from '../shared/peer-search.ts';

/** Public key → name of one interface's peers, if known. */
export type NamesOf = (server: string, iface: string) => Readonly<Record<string, string>> | undefined;

/** `names` (as `peers:names` lists them) as a lookup. */
export function namesLookup(names: readonly PeerNames[]): NamesOf {
  const byInterface = new Map(names.map((n) => [`${n.server}\n${n.iface}`, n.names]));
  return (server, iface) => byInterface.get(`${server}\n${iface}`);
}

/** Public key → lifecycle rules (`# Quota`, `# Expires`, …) of one interface's peers, if known. */
export type LifecycleOf = (
  server: string,
  iface: string,
) => Readonly<Record<string, PeerLifecycle>> | undefined;

/** The lifecycle rules `peers:names` lists, as a lookup. */
export function lifecycleLookup(names: readonly PeerNames[]): LifecycleOf {
  const byInterface = new Map(names.map((n) => [`${n.server}\n${n.iface}`, n.lifecycle]));
  return (server, iface) => byInterface.get(`${server}\n${iface}`);
}

export interface PeerFilter {
  /** Only this interface. */
  iface?: string;
  /** Only peers of this status. */
  status?: PeerStatus;
  /** Only peers matching this search (shared/peer-search.ts), best match first. */
  query?: string;
}

/**
 * The fleet with only the interfaces and peers the filter keeps, each interface's peers in order:
 * the search's ranking when there is a query (the UI palette's rule), else the one peer-list order
 * (shared/peer-list.ts). Servers are all kept, so a server that did not answer is still reported.
 */
export function filterFleet(
  servers: readonly ServerLive[],
  filter: PeerFilter,
  names: NamesOf,
): ServerLive[] {
  return servers.map((server) => ({
    ...server,
    interfaces: server.interfaces
      .filter((iface) => filter.iface === undefined || iface.name === filter.iface)
      .map((iface) => {
        const known = names(server.name, iface.name);
        const nameOf = (p: PeerLive): string | null => known?.[p.publicKey] ?? null;
        const ofStatus = iface.peers.filter((p) => filter.status === undefined || p.status === filter.status);
        const peers =
          filter.query !== undefined && filter.query.trim() !== ''
            ? searchPeers(ofStatus, filter.query, (p) => ({ peer: p, name: nameOf(p) })).map((h) => h.item)
            : [...ofStatus].sort((a, b) =>
                comparePeerRows({ ...a, name: nameOf(a) }, { ...b, name: nameOf(b) }),
              );
        return { ...iface, peers };
      }),
  }));
}
