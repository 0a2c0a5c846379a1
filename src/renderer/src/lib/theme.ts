import { useSyncExternalStore } from 'react';
import { THEME_CHANGED } from './ui-prefs.ts';

/**
 * The theme's chart colours as concrete values (SVG presentation attributes cannot read CSS
 * variables, and an exported PNG must look like the screen). Re-read whenever the theme shown
 * changes (the user's choice, or the OS switching when the choice is `system`).
 */
export interface ChartColors {
  rx: string;
  tx: string;
  third: string;
  grid: string;
  axis: string;
  text: string;
  faint: string;
  bad: string;
  ok: string;
}

const FALLBACK: ChartColors = {
  rx: '#3b5bdb',
  tx: '#e8590c',
  third: '#0c8599',
  grid: '#e2e2e6',
  axis: '#6b6b76',
  text: '#1b1b1f',
  faint: '#9a9aa4',
  bad: '#d83a3a',
  ok: '#1f9d55',
};

function read(): ChartColors {
  const style = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    rx: v('--chart-rx', FALLBACK.rx),
    tx: v('--chart-tx', FALLBACK.tx),
    third: v('--chart-3', FALLBACK.third),
    grid: v('--chart-grid', FALLBACK.grid),
    axis: v('--text-muted', FALLBACK.axis),
    text: v('--text', FALLBACK.text),
    faint: v('--text-faint', FALLBACK.faint),
    bad: v('--bad', FALLBACK.bad),
    ok: v('--ok', FALLBACK.ok),
  };
}

let colors: ChartColors | null = null;
const listeners = new Set<() => void>();
let watching = false;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!watching && typeof document !== 'undefined') {
    watching = true;
    document.documentElement.addEventListener(THEME_CHANGED, () => {
      colors = read();
      for (const l of listeners) l();
    });
  }
  return () => listeners.delete(listener);
}

export function useChartColors(): ChartColors {
  return useSyncExternalStore(subscribe, () => (colors ??= read()));
}
