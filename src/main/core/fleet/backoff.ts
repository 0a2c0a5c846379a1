/**
 * Reconnect delays: exponential with "equal jitter" (half fixed, half random) so a fleet that lost its
 * network together does not reconnect in lockstep, and a flapping server is not hammered.
 */
export function backoffDelayMs(attempt: number, baseMs = 1000, capMs = 60_000, random = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
