import type { PeerStatus, StatusThresholds } from '../../../shared/domain.ts';

/**
 * Connection status from the age of the latest handshake, both times on the server's clock so a laptop
 * with a wrong clock still shows the truth. WireGuard re-handshakes every 2 minutes while traffic flows.
 */
export function peerStatus(
  latestHandshake: number | null,
  serverTime: number,
  thresholds: StatusThresholds,
): PeerStatus {
  if (latestHandshake === null) return 'never';
  const age = serverTime - latestHandshake;
  if (age < thresholds.onlineSeconds) return 'online';
  if (age < thresholds.staleSeconds) return 'stale';
  return 'offline';
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
