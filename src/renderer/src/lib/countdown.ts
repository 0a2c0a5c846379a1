/**
 * The commit-confirmed countdown: how long until the server rolls a change back on its own unless
 * WG Deck confirms it ("rolls back in 54 s unless confirmed").
 */

/**
 * Whole seconds left until `deadline` (laptop ms), never negative; null when nothing is armed.
 * Rounded, so a 60 s timeout armed a moment ago reads 60, not 61.
 */
export function secondsLeft(deadline: number | null, now: number): number | null {
  if (deadline === null) return null;
  return Math.max(0, Math.round((deadline - now) / 1000));
}

/** "54 s", "2 min 05 s", "1 h 00 min". */
export function formatSeconds(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 3600) {
    const s = seconds % 60;
    return `${Math.floor(seconds / 60)} min ${String(s).padStart(2, '0')} s`;
  }
  const m = Math.floor((seconds % 3600) / 60);
  return `${Math.floor(seconds / 3600)} h ${String(m).padStart(2, '0')} min`;
}

/** The countdown line; null when no rollback is armed. */
export function countdownText(deadline: number | null, now: number): string | null {
  const left = secondsLeft(deadline, now);
  if (left === null) return null;
  if (left === 0) return 'rolling back now unless confirmed';
  return `rolls back in ${formatSeconds(left)} unless confirmed`;
}

/** After a failed verification the armed rollback still fires: when. Null when nothing is armed. */
export function restoreCountdownText(deadline: number | null, now: number): string | null {
  const left = secondsLeft(deadline, now);
  if (left === null) return null;
  if (left === 0) return 'the server is restoring the backup now';
  return `the server restores the backup in ${formatSeconds(left)}`;
}
