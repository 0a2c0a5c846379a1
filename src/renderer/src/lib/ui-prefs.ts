import { useSyncExternalStore } from 'react';

/**
 * Preferences of this window that the engine has no business with: the colour theme and whether the
 * sidebar is collapsed. Kept in localStorage (per app origin, so per install), applied to <html> as
 * attributes the stylesheets key on, and readable from React.
 */
import { THEME_CHOICES, type ThemeChoice } from './theme-choice.ts';

export { THEME_CHOICES, THEME_LABEL, type ThemeChoice } from './theme-choice.ts';

const THEME_KEY = 'wgdeck.theme';
const SIDEBAR_KEY = 'wgdeck.sidebarCollapsed';
/** Fired on <html> whenever the resolved theme may have changed (chart colours are re-read). */
export const THEME_CHANGED = 'wgdeck-theme-changed';

function load(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function save(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Private mode or storage disabled: the choice lasts for this session.
  }
}

export function parseThemeChoice(value: string | null): ThemeChoice {
  return value === 'light' || value === 'dark' ? value : 'system';
}

/** The scheme actually shown: the choice, or the OS's when the choice is `system`. */
export function resolveTheme(choice: ThemeChoice, systemDark: boolean): 'light' | 'dark' {
  return choice === 'system' ? (systemDark ? 'dark' : 'light') : choice;
}

const darkQuery = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
let theme: ThemeChoice = parseThemeChoice(load(THEME_KEY));
let sidebarCollapsed = load(SIDEBAR_KEY) === 'true';
const listeners = new Set<() => void>();

function apply(): void {
  const root = document.documentElement;
  root.dataset['theme'] = resolveTheme(theme, darkQuery?.matches ?? false);
  root.dataset['sidebar'] = sidebarCollapsed ? 'collapsed' : 'open';
  root.dispatchEvent(new Event(THEME_CHANGED));
  for (const listener of listeners) listener();
}

/** Applies the stored preferences before the first render and follows the OS's scheme. */
export function installUiPrefs(): void {
  darkQuery?.addEventListener('change', apply);
  apply();
}

export function setTheme(choice: ThemeChoice): void {
  theme = choice;
  save(THEME_KEY, choice);
  apply();
}

/** System → light → dark → system: one button can walk every choice. */
export function nextTheme(choice: ThemeChoice): ThemeChoice {
  return THEME_CHOICES[(THEME_CHOICES.indexOf(choice) + 1) % THEME_CHOICES.length]!;
}

export function setSidebarCollapsed(collapsed: boolean): void {
  sidebarCollapsed = collapsed;
  save(SIDEBAR_KEY, String(collapsed));
  apply();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useTheme(): ThemeChoice {
  return useSyncExternalStore(subscribe, () => theme);
}

export function useSidebarCollapsed(): boolean {
  return useSyncExternalStore(subscribe, () => sidebarCollapsed);
}
