export interface CounterStep {
  /** Units per second; null when there is no previous sample or no elapsed time. Never negative. */
  rate: number | null;
  /** The counter went down: the interface or peer was recreated, or the server rebooted. */
  reset: boolean;
}

/**
 * Rate between two samples of a monotonically increasing counter. A counter that goes down was reset;
 * what it counts now was all transferred since the reset, within the interval, so `next / dt` is a lower
 * bound of the true rate rather than a negative number or a giant spike.
 */
export function counterStep(previous: number | undefined, next: number, elapsedSeconds: number): CounterStep {
  if (previous === undefined || !(elapsedSeconds > 0)) return { rate: null, reset: false };
  if (next < previous) return { rate: next / elapsedSeconds, reset: true };
  return { rate: (next - previous) / elapsedSeconds, reset: false };
}
