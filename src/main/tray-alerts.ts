import type { FiringAlert } from '../shared/alerts.ts';

/** How many firing alerts the tray menu names; the rest are counted. */
export const TRAY_ALERTS_SHOWN = 5;

/** The longest alert line in the menu (a long peer name must not widen it across the screen). */
const MAX_LINE = 80;

const clip = (text: string): string => (text.length > MAX_LINE ? `${text.slice(0, MAX_LINE - 1)}…` : text);

/**
 * The tray menu's alert lines: a count, then the newest alerts (snoozed ones marked), then how many
 * more. Empty when nothing fires (the menu then shows only the fleet line).
 */
export function trayAlertLines(firing: readonly FiringAlert[]): string[] {
  if (firing.length === 0) return [];
  const newest = [...firing].sort((a, b) => b.since - a.since);
  const lines = [`${firing.length} alert${firing.length === 1 ? '' : 's'} firing`];
  for (const alert of newest.slice(0, TRAY_ALERTS_SHOWN))
    lines.push(clip(`${alert.snoozed ? '(snoozed) ' : ''}${alert.message}`));
  if (firing.length > TRAY_ALERTS_SHOWN) lines.push(`and ${firing.length - TRAY_ALERTS_SHOWN} more`);
  return lines;
}

/** The tooltip's alert part: "· 2 alerts" (unsnoozed only: snoozed ones are no news). */
export function trayAlertSuffix(firing: readonly FiringAlert[]): string {
  const loud = firing.filter((a) => !a.snoozed).length;
  return loud === 0 ? '' : ` · ${loud} alert${loud === 1 ? '' : 's'}`;
}
