import type { InterfaceDump, InterfaceLive, PeerLive, StatusThresholds } from '../../../shared/domain.ts';
import { liveStatus } from './peer-status.ts';
import { hostAddressOf } from '../../../shared/check-address.ts';

/**
 * The live view of one interface right after a peer change was applied and verified, from the dump the
 * verification read: the peers it added, removed, enabled or edited are shown at once instead of at
 * the next frame. Counters and rates of peers that were there already stay as the last frame had them
 * (a rate needs two frames of one stream); a new peer has no rate yet. The next frame replaces it all.
 */
export function verifiedInterface(
  current: InterfaceLive,
  verified: InterfaceDump,
  serverTime: number,
  thresholds: StatusThresholds,
): InterfaceLive {
  const before = new Map(current.peers.map((peer) => [peer.publicKey, peer]));
  const peers = verified.peers.map((peer): PeerLive => {
    const known = before.get(peer.publicKey);
    const shape = {
      presharedKey: peer.presharedKey,
      endpoint: peer.endpoint,
      allowedIps: peer.allowedIps,
      persistentKeepalive: peer.persistentKeepalive,
    };
    if (known) return { ...known, ...shape };
    return {
      publicKey: peer.publicKey,
      ...shape,
      latestHandshake: peer.latestHandshake,
      rxBytes: peer.rxBytes,
      txBytes: peer.txBytes,
      status: liveStatus({ ...peer, ping: null }, serverTime, thresholds, null),
      rxRate: null,
      txRate: null,
      resets: 0,
      // Until the next frame: the tracker then reads the peer's check address and ping as usual.
      checkAddress: hostAddressOf(peer.allowedIps),
      ping: null,
    };
  });
  return { ...current, peers };
}
