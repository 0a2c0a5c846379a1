import { MATCH_RANK, matchText } from '../../../shared/peer-search.ts';
import type { ThemeChoice } from '../lib/theme-choice.ts';

/**
 * What the palette can do besides finding servers and peers: go to a page, switch the theme, fold
 * the sidebar. Matched by their words like servers by name (exact > prefix > substring, on any word
 * too, so "dark" finds "Theme: dark").
 */
export type PaletteCommand =
  | { id: 'add-server'; label: string }
  | { id: 'settings'; label: string }
  | { id: 'overview'; label: string }
  | { id: 'events'; label: string }
  | { id: 'alerts'; label: string }
  | { id: 'theme'; label: string; theme: ThemeChoice }
  | { id: 'toggle-sidebar'; label: string };

export const PALETTE_COMMANDS: readonly PaletteCommand[] = [
  { id: 'add-server', label: 'Add server' },
  { id: 'overview', label: 'Go to overview' },
  { id: 'events', label: 'Show the event log' },
  { id: 'alerts', label: 'Show alerts and alert rules' },
  { id: 'settings', label: 'Open settings' },
  { id: 'theme', label: 'Theme: system', theme: 'system' },
  { id: 'theme', label: 'Theme: light', theme: 'light' },
  { id: 'theme', label: 'Theme: dark', theme: 'dark' },
  { id: 'toggle-sidebar', label: 'Collapse or expand the sidebar' },
];

/** The command's rank for `lowerQuery` (MATCH_RANK), or null when it does not match. */
export function commandRank(command: PaletteCommand, lowerQuery: string): number | null {
  const whole = matchText(command.label, lowerQuery);
  if (whole !== null) return MATCH_RANK[whole];
  const words = command.label.toLowerCase().split(/[\s:]+/);
  // A word that starts with the query is as good as a prefix of the whole label.
  return words.some((w) => w !== '' && w.startsWith(lowerQuery)) ? MATCH_RANK.prefix : null;
}
