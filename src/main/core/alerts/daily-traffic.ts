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

/**
 * Each peer's received + sent bytes per UTC day, from the transfer totals of successive samples. A
 * counter that went backwards (interface restarted, peer re-added) counts from 0: everything it
 * shows now is new traffic. Only what this engine saw counts: the first sample of a peer is its
 * baseline, so a restarted app starts the day's count again (documented with the rule).
 */
export class DailyTraffic {
  readonly #peers = new Map<string, PeerTraffic>();

  /** Adds a sample's deltas; `at` is the laptop time it arrived (ms). */
  update(server: string, snapshot: Snapshot, at: number): void {
    const day = utcDay(at);
    for (const iface of snapshot.interfaces) {
      for (const peer of iface.peers) {
        const key = peerKey(server, iface.name, peer.publicKey);
        const was = this.#peers.get(key);
        if (!was) {
          this.#peers.set(key, { rx: peer.rxBytes, tx: peer.txBytes, day, bytes: 0 });
          continue;
        }
        const delta = (now: number, before: number) => (now >= before ? now - before : now);
        const added = delta(peer.rxBytes, was.rx) + delta(peer.txBytes, was.tx);
        this.#peers.set(key, {
          rx: peer.rxBytes,
          tx: peer.txBytes,
          day,
          bytes: (was.day === day ? was.bytes : 0) + added,
        });
      }
    }
  }

  /** Every peer's bytes today (a day with no sample yet counts 0). */
  *today(
    at: number,
  ): Generator<{ key: string; server: string; iface: string; publicKey: string; bytes: number }> {
    const day = utcDay(at);
    for (const [key, traffic] of this.#peers) {
      const [server, iface, publicKey] = key.split('\u0000') as [string, string, string];
      yield { key, server, iface, publicKey, bytes: traffic.day === day ? traffic.bytes : 0 };
    }
  }
}
