/**
 * The rules for reading a server's counters, declared once: the live tracker (rates, statuses) and
 * history (the cumulative series) both follow them, so a reset or a reboot means the same everywhere.
 */

export interface CounterStep {
  /** Units per second; null when there is no previous sample or no elapsed time. Never negative. */
  rate: number | null;
  /** The counter went down: the interface or peer was recreated, or the server rebooted. */
  reset: boolean;
}

/** The server's monotonic clock (/proc/uptime) went back: it rebooted, and every counter restarted. */
export function clockWentBack(previous: number | null, next: number | null): boolean {
  return previous !== null && next !== null && next < previous;
}

/**
 * A counter restarted between two samples: it went down (the interface or peer was recreated), or the
 * server rebooted in between (then even a counter that is higher again started from zero).
 */
export function counterRestarted(previous: number, next: number, rebooted = false): boolean {
  return rebooted || next < previous;
}

/**
 * Rate between two samples of a monotonically increasing counter. A counter that goes down was reset;
 * what it counts now was all transferred since the reset, within the interval, so `next / dt` is a lower
 * bound of the true rate rather than a negative number or a giant spike.
 */
export function counterStep(previous: number | undefined, next: number, elapsedSeconds: number): CounterStep {
  if (previous === undefined || !(elapsedSeconds > 0)) return { rate: null, reset: false };
  if (counterRestarted(previous, next)) return { rate: next / elapsedSeconds, reset: true };
  return { rate: (next - previous) / elapsedSeconds, reset: false };
}

export interface CpuJiffies {
  /** Sum of the `cpu` line of /proc/stat. */
  total: number | null;
  /** Its idle + iowait part. */
  idle: number | null;
}

/**
 * The busy share of the CPUs between two /proc/stat samples, 0..1. null when either sample lacks the
 * line, or the jiffies did not move forward consistently (a reboot in between, or garbage).
 */
export function cpuBusyShare(previous: CpuJiffies, next: CpuJiffies): number | null {
  if (previous.total === null || previous.idle === null || next.total === null || next.idle === null)
    return null;
  const total = next.total - previous.total;
  const idle = next.idle - previous.idle;
  if (!(total > 0) || !(idle >= 0) || idle > total) return null;
  return (total - idle) / total;
}
