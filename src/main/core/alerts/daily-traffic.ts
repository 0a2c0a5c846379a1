import type { Snapshot } from '../../../shared/domain.ts';
import { widened } from '../typed-columns.ts';

/** The UTC day a laptop time (ms) falls in, as days since the epoch. */
export function utcDay(ms: number): number {
  return Math.floor(ms / 86_400_000);
}

/**
 * One interface's peers, a row each in typed-array columns (typed-columns.ts): as an object per peer
 * of four doubles this was ~2 MiB of a 20,000-peer fleet.
 */
class InterfaceTraffic {
  /** Public key → row. */
  readonly rows = new Map<string, number>();
  /** The peer's last rx / tx totals as the server reported them. */
  rx = new Float64Array(16);
  tx = new Float64Array(16);
  /** Bytes received + sent in `day` (UTC days since the epoch), as far as this engine saw them. */
  bytes = new Float64Array(16);
  day = new Int32Array(16);

  add(publicKey: string, rx: number, tx: number, day: number): void {
    const row = this.rows.size;
    if (row === this.rx.length) this.#grow(row * 2);
    this.rows.set(publicKey, row);
    this.rx[row] = rx;
    this.tx[row] = tx;
    this.bytes[row] = 0;
    this.day[row] = day;
  }

  #grow(capacity: number): void {
    this.rx = widened(this.rx, capacity);
    this.tx = widened(this.tx, capacity);
    this.bytes = widened(this.bytes, capacity);
    this.day = widened(this.day, capacity);
  }
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
  readonly #interfaces = new Map<string, InterfaceTraffic>();

  /** Adds a sample's deltas; `at` is the laptop time it arrived (ms). */
  update(server: string, snapshot: Snapshot, at: number): void {
    const day = utcDay(at);
    for (const iface of snapshot.interfaces) {
      const ifaceKey = interfaceKey(server, iface.name);
      let table = this.#interfaces.get(ifaceKey);
      if (!table) this.#interfaces.set(ifaceKey, (table = new InterfaceTraffic()));
      for (const peer of iface.peers) {
        const row = table.rows.get(peer.publicKey);
        if (row === undefined) {
          table.add(peer.publicKey, peer.rxBytes, peer.txBytes, day);
          continue;
        }
        const added = counted(peer.rxBytes, table.rx[row]!) + counted(peer.txBytes, table.tx[row]!);
        table.bytes[row] = (table.day[row] === day ? table.bytes[row]! : 0) + added;
        table.rx[row] = peer.rxBytes;
        table.tx[row] = peer.txBytes;
        table.day[row] = day;
      }
    }
  }

  /** Every peer's bytes today (a day with no sample yet counts 0). */
  *today(
    at: number,
  ): Generator<{ key: string; server: string; iface: string; publicKey: string; bytes: number }> {
    const day = utcDay(at);
    for (const [ifaceKey, table] of this.#interfaces) {
      const [server, iface] = ifaceKey.split('\u0000') as [string, string];
      for (const [publicKey, row] of table.rows) {
        yield {
          key: peerKey(server, iface, publicKey),
          server,
          iface,
          publicKey,
          bytes: table.day[row] === day ? table.bytes[row]! : 0,
        };
      }
    }
  }
}

/** What a counter added since `before`; one that went backwards counts from 0. */
function counted(now: number, before: number): number {
  return now >= before ? now - before : now;
}
