/**
 * A peer's lifecycle rules (issue 15) as the CLI shows them: compact cells for `wgdeck peer list`
 * at 80 columns, and the fields `--json` adds. The rules' spellings are peer-lifecycle's own
 * (formatSize, formatExpires, formatSchedule, formatDisabledBy); nothing here re-declares a rule.
 *
 * Usage is known only where history is recorded (PeerLive.usage: the app, serve, collect). A one-shot
 * CLI process records none and cannot ask for any (`history:usage` answers HISTORY_UNAVAILABLE
 * there, and buckets by the laptop's calendar, not the quota's UTC period), so it shows usage as
 * unknown: null in JSON, `—` in a table.
 */
import type { PeerUsage } from '../shared/domain.ts';
import {
  formatDisabledBy,
  formatExpires,
  formatSize,
  type DisabledBy,
  type Quota,
} from '../shared/peer-lifecycle.ts';

/** What a table shows for a value it does not know (as formatBytes does). */
export const UNKNOWN = '—';

const PERIOD_SHORT: Record<Quota['period'], string> = { day: 'd', month: 'mo', total: 'total' };

/** Percent of the quota used, whole and rounded down (100 % only once it is reached). */
export function usedPercent(usage: PeerUsage): number {
  return usage.limit > 0 ? Math.floor((usage.bytes / usage.limit) * 100) : 0;
}

/** `12%·50GiB/mo`, `—·2GiB/d rx`, `103%·100GB/total`; '' without a quota. */
export function quotaCell(quota: Quota | null, usage: PeerUsage | null): string {
  if (quota === null) return '';
  const used = usage === null ? UNKNOWN : `${usedPercent(usage)}%`;
  const direction = quota.direction === 'both' ? '' : ` ${quota.direction}`;
  return `${used}·${formatSize(quota.bytes)}/${PERIOD_SHORT[quota.period]}${direction}`;
}

/** `2027-01-31` (through that UTC day), `2027-01-31T18:00Z`, `expired` once past; '' without one. */
export function expiryCell(expiresAt: number | null, now: number): string {
  if (expiresAt === null) return '';
  return expiresAt <= now ? 'expired' : formatExpires(expiresAt);
}

/** `on`; `off` (by hand); `off: quota`, `off: expiry`, `off: schedule` (by the enforcer). */
export function stateCell(disabled: boolean, disabledBy: DisabledBy | null): string {
  if (!disabled) return 'on';
  return disabledBy === null ? 'off' : `off: ${disabledBy.reason}`;
}

/** `quota 2026-12`, `expiry`, `schedule`, as the file writes it; null when none. */
export function disabledByText(disabledBy: DisabledBy | null): string | null {
  return disabledBy === null ? null : formatDisabledBy(disabledBy);
}
