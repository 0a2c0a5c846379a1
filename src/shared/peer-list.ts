/**
 * How a list of peers is shown, wherever it is (the CLI's `status` and `watch`, the UI's tables):
 * the order rows keep from one poll to the next, and what the Name column says for a peer the config
 * file gives no name.
 */
import type { PeerStatus } from './domain.ts';
import { comparePeerTies } from './peer-search.ts';

/** Lower first: peers that are up before those that are not, the never-seen last. */
export const PEER_STATUS_RANK: Readonly<Record<PeerStatus, number>> = {
  online: 0,
  stale: 1,
  idle: 2,
  offline: 3,
  never: 4,
};

/**
 * The Name cell of an unnamed peer. Not its short key: the key has its own column, and a key prefix
 * in the Name column reads as a name the peer does not have.
 */
export const NO_PEER_NAME = '—';

export interface ListedPeer {
  readonly status: PeerStatus;
  readonly publicKey: string;
  readonly name: string | null;
}

/**
 * The one order of a peer list: by status (online first), then by name (named peers first, natural
 * order), then by key. Never by traffic or by the order a poll returned them, which change every
 * refresh and would make rows jump.
 */
export function comparePeerRows(a: ListedPeer, b: ListedPeer): number {
  return PEER_STATUS_RANK[a.status] - PEER_STATUS_RANK[b.status] || comparePeerTies(a, b);
}
