import type { PeerPing, PeerStatus, StatusThresholds } from '../../../shared/domain.ts';

/**
 * How long past the online threshold a peer that is online stays online. WireGuard re-handshakes
 * about every 2 minutes while traffic flows, a few seconds late when a handshake is retried: with
 * the default 120 s threshold a busy peer would otherwise flip online→stale→online every rekey
 * (wg-portal's issue #641). Entering online still takes a handshake younger than the threshold.
 */
export const ONLINE_GRACE_SECONDS = 30;

/**
 * Status from the age of the latest handshake, both times on the server's clock so a laptop with a
 * wrong clock still shows the truth. `previous` gives the hysteresis above.
 */
export function peerStatus(
  latestHandshake: number | null,
  serverTime: number,
  thresholds: StatusThresholds,
  previous: PeerStatus | null = null,
): PeerStatus {
  if (latestHandshake === null) return 'never';
  const age = serverTime - latestHandshake;
  if (age < thresholds.onlineSeconds) return 'online';
  if (previous === 'online' && age < thresholds.onlineSeconds + ONLINE_GRACE_SECONDS) return 'online';
  if (age < thresholds.staleSeconds) return 'stale';
  return 'offline';
}

export interface PeerEvidence {
  latestHandshake: number | null;
  /** The server's keepalive to this peer (null: off): with it, a missing handshake means down. */
  persistentKeepalive: number | null;
  ping: PeerPing | null;
}

/**
 * A peer's status by the rule in force (seed 002): its handshake, its ping check, or either. A ping
 * that could not run, or none yet, leaves it to the handshake; one lost reply changes nothing (the
 * ping state fails a check only after several, ping-state.ts). Without a keepalive or a failing ping,
 * a peer with no recent handshake is `idle`: WireGuard sends nothing while nothing is to be sent.
 */
export function liveStatus(
  peer: PeerEvidence,
  serverTime: number,
  thresholds: StatusThresholds,
  previous: PeerStatus | null,
): PeerStatus {
  const rule = thresholds.rule ?? 'handshake';
  const byHandshake = peerStatus(peer.latestHandshake, serverTime, thresholds, previous);
  const quiet =
    byHandshake === 'offline' && peer.persistentKeepalive === null ? ('idle' as const) : byHandshake;
  const ping = peer.ping !== null && peer.ping.error === null ? peer.ping : null;
  if (rule === 'handshake' || ping === null) return quiet;
  if (ping.ok) return 'online';
  if (ping.failing) {
    if (rule === 'either' && byHandshake === 'online') return 'online';
    return byHandshake === 'never' ? 'never' : 'offline';
  }
  // One lost reply: as it was (by ping), else as the handshake says.
  if (rule === 'ping' && previous !== null && previous !== 'never') return previous;
  return rule === 'either' ? quiet : quiet === 'online' ? 'stale' : quiet;
}

export function validateThresholds(thresholds: StatusThresholds): StatusThresholds {
  const { onlineSeconds, staleSeconds } = thresholds;
  if (!(onlineSeconds > 0) || !(staleSeconds > onlineSeconds)) {
    throw new RangeError(
      `status thresholds need 0 < online (${onlineSeconds} s) < stale (${staleSeconds} s)`,
    );
  }
  return thresholds;
}
