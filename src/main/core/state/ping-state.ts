/**
 * Ping check results per address, across rounds: the latest answer and whether the check is failing.
 * Hysteresis (wg-portal's issue #641 is a status flapping per poll): one lost reply is noise on a busy
 * link; PING_FAILURES_TO_FAIL in a row make the check fail, and one reply ends that. A round in which
 * ping could not run at all (permission, no route) is neither: the state stays as it was.
 */
import type { PeerPing, PingRound } from '../../../shared/domain.ts';

export const PING_FAILURES_TO_FAIL = 2;

interface AddressState {
  ping: PeerPing;
  lostInARow: number;
}

export class PingState {
  #byAddress = new Map<string, AddressState>();

  /** Takes a finished round; addresses it did not check are forgotten (no longer targets). */
  apply(round: PingRound): void {
    const next = new Map<string, AddressState>();
    for (const result of round.results) {
      const before = this.#byAddress.get(result.address);
      let lostInARow = before?.lostInARow ?? 0;
      let failing = before?.ping.failing ?? false;
      if (result.ok) {
        lostInARow = 0;
        failing = false;
      } else if (result.error === null) {
        lostInARow += 1;
        if (lostInARow >= PING_FAILURES_TO_FAIL) failing = true;
      }
      next.set(result.address, {
        lostInARow,
        ping: { ok: result.ok, rttMs: result.rttMs, at: round.at, failing, error: result.error },
      });
    }
    this.#byAddress = next;
  }

  /** The latest check of `address` (the same object until the next round: compare by identity). */
  of(address: string | null): PeerPing | null {
    return address === null ? null : (this.#byAddress.get(address)?.ping ?? null);
  }

  reset(): void {
    this.#byAddress.clear();
  }
}
