/**
 * A peer's bytes in its quota's current period, from the history store — every poll, for every peer
 * with a quota, for (almost) nothing.
 *
 * The store keeps each peer's rx and tx as a reset-adjusted cumulative in memory (`peerTotals`): it
 * only grows, through WireGuard restarts, reboots and gaps, by exactly the bytes `usage()` counts. So a
 * period's usage is cumulative now − cumulative at the period's start. That base is read once per
 * peer and period (`peerBytes` over the period so far: base = now − bytes), and again only when the
 * period, the peer's history or the store changes — a reopened store or a second process reading the
 * same file come to the same figure, and a restart of WireGuard neither resets nor double-counts it.
 * Per poll it is two Map reads and a subtraction (measured in usage-meter.test.ts).
 */
import { quotaBytes, quotaPeriodAt, type Quota } from '../../../shared/peer-lifecycle.ts';
import type { HistoryStore } from '../history/history-store.ts';

const HOUR_MS = 3_600_000;

export interface QuotaUsage {
  /** What counts against the quota (its direction) in the current period. */
  bytes: number;
  rx: number;
  tx: number;
  /** The period's start (ms); 0 for a total quota. */
  periodStart: number;
  /** When the next period starts (ms); null for a total quota. */
  resetsAt: number | null;
  /** `2026-12-04`, `2026-12`, `total`: the period's name in `# DisabledBy = quota …`. */
  periodKey: string;
}

interface Base {
  store: HistoryStore;
  periodKey: string;
  rx: number;
  tx: number;
}

export class UsageMeter {
  /** Per server, interface and peer: the cumulative at the start of the period it was read for. */
  readonly #bases = new Map<string, Base>();

  /** The peer's usage against `quota` at `now` (ms), as the store has it. */
  usage(
    store: HistoryStore,
    server: string,
    iface: string,
    peer: string,
    quota: Quota,
    now: number,
  ): QuotaUsage {
    const period = quotaPeriodAt(quota.period, now);
    const totals = store.peerTotals(server, iface, peer) ?? { rx: 0, tx: 0 };
    const key = `${server}\n${iface}\n${peer}`;
    let base = this.#bases.get(key);
    if (!base || base.store !== store || base.periodKey !== period.key) {
      // Up to the end of the period (or the next whole hour for a total quota): hour-aligned bounds
      // read the hour tier, completed from the finer tiers for what it has not rolled up yet.
      const to = period.end ?? (Math.floor(now / HOUR_MS) + 2) * HOUR_MS;
      const seen = store.peerBytes({ server, iface, peer, from: period.start, to });
      base = { store, periodKey: period.key, rx: totals.rx - seen.rxBytes, tx: totals.tx - seen.txBytes };
      this.#bases.set(key, base);
    }
    // Never below 0: a base read before the store's newest sample was folded in cannot go back.
    const rx = Math.max(0, totals.rx - base.rx);
    const tx = Math.max(0, totals.tx - base.tx);
    return {
      bytes: quotaBytes(quota, rx, tx),
      rx,
      tx,
      periodStart: period.start,
      resetsAt: period.end,
      periodKey: period.key,
    };
  }

  /** Forgets a server's peers (removed from the fleet), or one peer. */
  forget(server: string, iface?: string, peer?: string): void {
    const prefix = iface === undefined ? `${server}\n` : `${server}\n${iface}\n${peer ?? ''}`;
    for (const key of [...this.#bases.keys()]) if (key.startsWith(prefix)) this.#bases.delete(key);
  }
}
