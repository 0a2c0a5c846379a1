/**
 * Last-hour sparklines for the peers table. Only rows that are rendered subscribe (the table is
 * virtualized), a row must stay a moment before it asks (fast scrolling asks nothing), answers are
 * cached per peer and refreshed about once a minute while a row shows them, and requests go through
 * the history queue behind the charts. 1,000 peers cost what the ~40 visible rows cost.
 */
import { useSyncExternalStore } from 'react';
import { PRIORITY_SPARK, queryHistory } from './history.ts';
import { toApiError } from './errors.ts';

export interface Spark {
  rx: (number | null)[];
  tx: (number | null)[];
  /** Highest bucket average of either direction (the row's own scale). */
  max: number;
}

/** What a row shows: data, nothing yet, or no history in this process. */
export type SparkState = Spark | 'loading' | 'unavailable';

const SPARK_POINTS = 30;
const SPARK_RANGE_MS = 3_600_000;
const REFRESH_MS = 60_000;
const SETTLE_MS = 250;
const CHECK_MS = 15_000;
const MAX_ENTRIES = 3000;

interface Entry {
  server: string;
  iface: string;
  peer: string;
  state: SparkState;
  fetchedAt: number;
  pending: AbortController | null;
  listeners: Set<() => void>;
  settle: ReturnType<typeof setTimeout> | null;
}

const cache = new Map<string, Entry>();
/** Set when the engine said HISTORY_UNAVAILABLE: no sparkline asks again before this time. */
let unavailableUntil = 0;
let checker: ReturnType<typeof setInterval> | null = null;

function keyOf(server: string, iface: string, peer: string): string {
  return `${server}\n${iface}\n${peer}`;
}

function entryFor(server: string, iface: string, peer: string): Entry {
  const key = keyOf(server, iface, peer);
  let entry = cache.get(key);
  if (entry) {
    // Most recently used last: eviction walks from the front.
    cache.delete(key);
    cache.set(key, entry);
    return entry;
  }
  entry = {
    server,
    iface,
    peer,
    state: 'loading',
    fetchedAt: 0,
    pending: null,
    listeners: new Set(),
    settle: null,
  };
  cache.set(key, entry);
  if (cache.size > MAX_ENTRIES) {
    for (const [k, e] of cache) {
      if (cache.size <= MAX_ENTRIES) break;
      if (e.listeners.size === 0 && !e.pending) cache.delete(k);
    }
  }
  return entry;
}

function set(entry: Entry, state: SparkState): void {
  entry.state = state;
  for (const l of entry.listeners) l();
}

function fetchEntry(entry: Entry): void {
  if (entry.pending || entry.listeners.size === 0) return;
  const now = Date.now();
  if (now < unavailableUntil) {
    if (entry.state !== 'unavailable') set(entry, 'unavailable');
    return;
  }
  const controller = new AbortController();
  entry.pending = controller;
  // Whole minutes, so every row of a table shares its buckets.
  const to = Math.ceil(now / 60_000) * 60_000;
  queryHistory(
    'history:peer',
    {
      server: entry.server,
      iface: entry.iface,
      peer: entry.peer,
      from: to - SPARK_RANGE_MS,
      to,
      points: SPARK_POINTS,
    },
    PRIORITY_SPARK,
    controller.signal,
  ).then(
    (series) => {
      entry.pending = null;
      entry.fetchedAt = Date.now();
      let max = 0;
      for (const v of series.rxRate) if (v !== null && v > max) max = v;
      for (const v of series.txRate) if (v !== null && v > max) max = v;
      set(entry, { rx: series.rxRate, tx: series.txRate, max });
    },
    (error: unknown) => {
      entry.pending = null;
      const code = toApiError(error).code;
      if (code === 'ABORTED') return;
      entry.fetchedAt = Date.now();
      if (code === 'HISTORY_UNAVAILABLE') {
        unavailableUntil = Date.now() + REFRESH_MS;
        set(entry, 'unavailable');
      } else if (entry.state === 'loading') {
        // Keep an older line if there is one; a failed refresh is retried at the next check.
        entry.fetchedAt = 0;
      }
    },
  );
}

function stale(entry: Entry): boolean {
  return Date.now() - entry.fetchedAt >= REFRESH_MS;
}

function check(): void {
  if (document.hidden) return;
  for (const entry of cache.values()) if (entry.listeners.size > 0 && stale(entry)) fetchEntry(entry);
}

function subscribe(entry: Entry, listener: () => void): () => void {
  entry.listeners.add(listener);
  if (stale(entry) && !entry.pending && entry.settle === null) {
    entry.settle = setTimeout(() => {
      entry.settle = null;
      if (entry.listeners.size > 0) fetchEntry(entry);
    }, SETTLE_MS);
  }
  checker ??= setInterval(check, CHECK_MS);
  return () => {
    entry.listeners.delete(listener);
    if (entry.listeners.size === 0) {
      if (entry.settle !== null) clearTimeout(entry.settle);
      entry.settle = null;
      // Scrolled away before its turn: do not ask.
      entry.pending?.abort();
      entry.pending = null;
    }
  };
}

/** The last-hour sparkline of one peer, fetched while the caller is mounted. */
export function useSparkline(server: string, iface: string, peer: string): SparkState {
  const entry = entryFor(server, iface, peer);
  return useSyncExternalStore(
    (listener) => subscribe(entry, listener),
    () => entry.state,
  );
}
