/**
 * Which chart panel of a page shows the page's one range picker: the first mounted one in document
 * order. The page's layout may move charts around (tabs, order); whichever comes first carries it.
 */
import { useEffect, useSyncExternalStore } from 'react';

const panels = new Map<string, Set<HTMLElement>>();
const listeners = new Set<() => void>();

function notify(): void {
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function firstOf(scope: string): HTMLElement | null {
  let first: HTMLElement | null = null;
  for (const el of panels.get(scope) ?? []) {
    if (!first || first.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING) first = el;
  }
  return first;
}

/** Whether `el` (a mounted chart panel of `scope`) is the one that shows the picker. */
export function usePickerOwner(scope: string, el: HTMLElement | null): boolean {
  useEffect(() => {
    if (!el) return;
    const set = panels.get(scope) ?? new Set<HTMLElement>();
    panels.set(scope, set);
    set.add(el);
    notify();
    return () => {
      set.delete(el);
      if (set.size === 0) panels.delete(scope);
      notify();
    };
  }, [scope, el]);
  return useSyncExternalStore(subscribe, () => el !== null && firstOf(scope) === el);
}
