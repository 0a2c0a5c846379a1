/**
 * What a peer's lifecycle rules say to do now (issue 15), as a pure function of the rules, whether
 * the peer is live, its quota's usage and the clock: disable (and why), re-enable, warn, or nothing.
 * The service (lifecycle-service.ts) gathers the inputs and acts; every rule of enforcement is here.
 *
 * - A live peer is disabled when it has expired, is over its quota, or is outside its schedule —
 *   in that order, so the reason written into the file is the one that lasts longest.
 * - A peer the enforcer disabled (`# DisabledBy` in the file) is re-enabled when what disabled it
 *   no longer holds — a new quota period (unless the quota says `manual`), a quota raised or removed,
 *   an expiry moved later or removed, the schedule's hours — and no other rule would disable it
 *   again at once. A peer disabled by hand (no `# DisabledBy`) is never touched.
 * - Without a usage figure (nothing records history here) the quota is not judged at all.
 */
import { formatBytes } from '../../../shared/format.ts';
import {
  EXPIRY_WARNING_MS,
  QUOTA_WARNING_SHARE,
  scheduleAllows,
  type DisabledBy,
  type PeerLifecycle,
} from '../../../shared/peer-lifecycle.ts';
import type { LifecycleEventType } from '../../../shared/event-log.ts';
import type { QuotaUsage } from './usage-meter.ts';

export interface LifecycleInput {
  rules: PeerLifecycle;
  /** The peer is in the live interface (enabled); false: in the file as disabled, or gone. */
  live: boolean;
  /** Its quota's usage now, or null when there is no quota or no figure. */
  usage: QuotaUsage | null;
  now: number;
}

export type LifecycleAction =
  | { kind: 'disable'; disabledBy: DisabledBy; event: LifecycleEventType; message: string }
  | { kind: 'enable'; disabledBy: DisabledBy; event: LifecycleEventType; message: string };

export interface LifecycleWarning {
  event: 'peer.quotaWarning' | 'peer.expiryWarning';
  /** What makes this warning the same as one given before: once per period, once per expiry. */
  episode: string;
  message: string;
}

export interface LifecycleDecision {
  action: LifecycleAction | null;
  warning: LifecycleWarning | null;
}

const NOTHING: LifecycleDecision = { action: null, warning: null };

function usedText(usage: QuotaUsage, limit: number): string {
  const percent = Math.floor((usage.bytes / limit) * 100);
  const period = usage.periodKey === 'total' ? 'in total' : `in ${usage.periodKey}`;
  return `${formatBytes(usage.bytes)} of ${formatBytes(limit)} (${percent} %) ${period}`;
}

function dayOf(at: number): string {
  return new Date(at).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

/** Why the peer should be disabled now, or null when every rule allows it. */
function blockingRule(input: LifecycleInput): LifecycleAction | null {
  const { rules, usage, now } = input;
  if (rules.expiresAt !== null && now >= rules.expiresAt) {
    return {
      kind: 'disable',
      disabledBy: { reason: 'expiry' },
      event: 'peer.expired',
      message: `expired at ${dayOf(rules.expiresAt)}`,
    };
  }
  if (rules.quota !== null && usage !== null && usage.bytes >= rules.quota.bytes) {
    const until = usage.resetsAt === null ? 'for good' : `until ${dayOf(usage.resetsAt)}`;
    const after = rules.quota.reenable ? until : 'until enabled by hand';
    return {
      kind: 'disable',
      disabledBy: { reason: 'quota', period: usage.periodKey },
      event: 'peer.quotaExceeded',
      message: `used ${usedText(usage, rules.quota.bytes)}: disabled ${after}`,
    };
  }
  if (rules.schedule !== null && !scheduleAllows(rules.schedule, now)) {
    return {
      kind: 'disable',
      disabledBy: { reason: 'schedule' },
      event: 'peer.disabledBySchedule',
      message: 'outside its schedule',
    };
  }
  return null;
}

/** Whether the reason the enforcer disabled the peer for no longer holds, and the event that says so. */
function reasonLifted(
  input: LifecycleInput,
  by: DisabledBy,
): { event: LifecycleEventType; message: string } | null {
  const { rules, usage, now } = input;
  switch (by.reason) {
    case 'expiry':
      if (rules.expiresAt === null)
        return { event: 'peer.expiryExtended', message: 'its expiry was removed' };
      return now < rules.expiresAt
        ? { event: 'peer.expiryExtended', message: `expires at ${dayOf(rules.expiresAt)} now` }
        : null;
    case 'schedule':
      if (rules.schedule === null)
        return { event: 'peer.enabledBySchedule', message: 'its schedule was removed' };
      return scheduleAllows(rules.schedule, now)
        ? { event: 'peer.enabledBySchedule', message: 'inside its schedule' }
        : null;
    case 'quota': {
      if (rules.quota === null) return { event: 'peer.quotaReset', message: 'its quota was removed' };
      if (usage === null || usage.bytes >= rules.quota.bytes) return null;
      if (usage.periodKey !== by.period) {
        // A new period: `manual` quotas wait for a person.
        return rules.quota.reenable
          ? { event: 'peer.quotaReset', message: `a new period (${usage.periodKey}) began` }
          : null;
      }
      // The same period, now under the quota: someone raised it.
      return { event: 'peer.quotaReset', message: `quota raised: ${usedText(usage, rules.quota.bytes)}` };
    }
  }
}

function warningOf(input: LifecycleInput): LifecycleWarning | null {
  const { rules, usage, now } = input;
  if (rules.quota !== null && usage !== null && usage.bytes >= rules.quota.bytes * QUOTA_WARNING_SHARE) {
    return {
      event: 'peer.quotaWarning',
      episode: `quota ${usage.periodKey} ${rules.quota.bytes}`,
      message: `used ${usedText(usage, rules.quota.bytes)}`,
    };
  }
  if (rules.expiresAt !== null && rules.expiresAt - now <= EXPIRY_WARNING_MS) {
    return {
      event: 'peer.expiryWarning',
      episode: `expiry ${rules.expiresAt}`,
      message: `expires at ${dayOf(rules.expiresAt)}`,
    };
  }
  return null;
}

export function decideLifecycle(input: LifecycleInput): LifecycleDecision {
  const by = input.rules.disabledBy;
  if (!input.live) {
    // Disabled by hand, or removed: none of the enforcer's business.
    if (by === null) return NOTHING;
    const lifted = reasonLifted(input, by);
    if (lifted === null || blockingRule(input) !== null) return NOTHING;
    return { action: { kind: 'enable', disabledBy: by, ...lifted }, warning: null };
  }
  const block = blockingRule(input);
  if (block) return { action: block, warning: null };
  return { action: null, warning: warningOf(input) };
}
