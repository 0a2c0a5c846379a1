import { useSyncExternalStore } from 'react';

/**
 * One shared clock for every relative time on screen ("23 s ago"): it ticks once a second while
 * something listens and the window is visible, so each age cell re-renders on its own and table rows
 * stay memoised.
 */
const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | null = null;

function tick(): void {
  now = Date.now();
  for (const l of listeners) l();
}

function update(): void {
  const want = listeners.size > 0 && !document.hidden;
  if (want && timer === null) {
    now = Date.now();
    timer = setInterval(tick, 1000);
  } else if (!want && timer !== null) {
    clearInterval(timer);
    timer = null;
  }
}

document.addEventListener('visibilitychange', update);

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  update();
  return () => {
    listeners.delete(listener);
    update();
  };
}

/** Laptop time in ms, refreshed every second. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, () => now);
}
