import type { InterfaceCounters, Snapshot } from '../../../shared/domain.ts';

/** Errors and drops (RX + TX) per minute on one interface over the last sample interval. */
export interface ProblemRates {
  errorsPerMinute: number;
  dropsPerMinute: number;
}

interface Last {
  monotonic: number;
  netdev: Record<string, InterfaceCounters>;
}

/**
 * Per-minute error and drop rates from successive `server.sample` netdev counters (seed 004), per
 * server and interface. Rates use the server's monotonic clock, so a laptop clock step or a late
 * frame never distorts them; a counter that went backwards (the interface was recreated) gives no
 * rate for that interval rather than a negative or huge one.
 */
export class InterfaceRates {
  readonly #last = new Map<string, Last>();

  /** The rates of every interface the sample and the one before both have. */
  update(server: string, snapshot: Snapshot): Map<string, ProblemRates> {
    const last = this.#last.get(server);
    this.#last.set(server, { monotonic: snapshot.monotonic, netdev: snapshot.netdev });
    const rates = new Map<string, ProblemRates>();
    if (!last) return rates;
    const seconds = snapshot.monotonic - last.monotonic;
    if (!(seconds > 0)) return rates;
    for (const [iface, now] of Object.entries(snapshot.netdev)) {
      const was = last.netdev[iface];
      if (!was) continue;
      const errors = now.rxErrors + now.txErrors - (was.rxErrors + was.txErrors);
      const drops = now.rxDropped + now.txDropped - (was.rxDropped + was.txDropped);
      if (errors < 0 || drops < 0) continue;
      rates.set(iface, { errorsPerMinute: (errors * 60) / seconds, dropsPerMinute: (drops * 60) / seconds });
    }
    return rates;
  }

  /** A stream ended: the next sample starts a new baseline (no rate across the gap). */
  forget(server: string): void {
    this.#last.delete(server);
  }
}
