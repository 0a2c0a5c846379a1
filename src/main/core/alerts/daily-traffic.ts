import type { Snapshot } from '../../../shared/domain.ts';

/** The UTC day a laptop time (ms) falls in, as days since the epoch. */
export function utcDay(ms: number): number {
  return Math.floor(ms / 86_400_000);
}

interface PeerTraffic {
  /** The peer's last rx + tx totals as the server reported them. */
  rx: number;
  tx: number;
  day: number;
  /** Bytes received + sent in `day`, as far as this engine saw them. */
  bytes: number;
}

export const peerKey = (server: string, iface: string, publicKey: string): string =>
  `${server}\u0000${iface}\u0000${publicKey}`;

/** One interface of one server, as a map key (the alerts' per-interface maps of peers). */
export const interfaceKey = (server: string, iface: string): string => `${server}\u0000${iface}`;

/**
 * Each peer's received + sent bytes per UTC day, from the transfer totals of successive samples. A
 * counter that went backwards (interface restarted, peer re-added) counts from 0: everything it
 * shows now is new traffic. Only what this engine saw counts: the first sample of a peer is its
 * baseline, so a restarted app starts the day's count again (documented with the rule).
 */
export class DailyTraffic {
  /**
   * Per server and interface, per peer. Nested rather than one map of joined keys, and updated in
   * place: this runs for every peer of the fleet every interval, and a new key string and object
   * per peer per frame was young-generation churn for nothing (issue 14).
   */
  readonly #interfaces = new Map<string, Map<string, PeerTraffic>>();

  /** Adds a sample's deltas; `at` is the laptop time it arrived (ms). */
  update(server: string, snapshot: Snapshot, at: number): void {
    const day = utcDay(at);
    for (const iface of snapshot.interfaces) {
      const ifaceKey = interfaceKey(server, iface.name);
      let peers = this.#interfaces.get(ifaceKey);
      if (!peers) this.#interfaces.set(ifaceKey, (peers = new Map<string, PeerTraffic>()));
      for (const peer of iface.peers) {
        const was = peers.get(peer.publicKey);
        if (!was) {
          peers.set(peer.publicKey, { rx: peer.rxBytes, tx: peer.txBytes, day, bytes: 0 });
          continue;
        }
        const added = counted(peer.rxBytes, was.rx) + counted(peer.txBytes, was.tx);
        was.bytes = (was.day === day ? was.bytes : 0) + added;
        was.rx = peer.rxBytes;
        was.tx = peer.txBytes;
        was.day = day;
      }
    }
  }

  /** Every peer's bytes today (a day with no sample yet counts 0). */
  *today(
    at: number,
  ): Generator<{ key: string; server: string; iface: string; publicKey: string; bytes: number }> {
    const day = utcDay(at);
    for (const [ifaceKey, peers] of this.#interfaces) {
      const [server, iface] = ifaceKey.split('\u0000') as [string, string];
      for (const [publicKey, traffic] of peers) {
        yield {
          key: peerKey(server, iface, publicKey),
          server,
          iface,
          publicKey,
          bytes: traffic.day === day ? traffic.bytes : 0,
        };
      }
    }
  }
}

/** What a counter added since `before`; one that went backwards counts from 0. */
function counted(now: number, before: number): number {
  return now >= before ? now - before : now;
}
