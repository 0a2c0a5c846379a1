import type { SyncedServer } from '../../../shared/api.ts';
import type { ServerLive } from '../../../shared/domain.ts';
import { applyDelta, type ServerDelta } from '../../../shared/live-delta.ts';

/**
 * What the renderer holds of the fleet, and the pure updaters that change it. The store (store.ts)
 * only schedules; every rule lives here so it can be tested without a DOM.
 */

export interface HeldServer {
  seq: number;
  live: ServerLive;
}

/** Held servers by name. A new object whenever anything changed; untouched servers keep identity. */
export type Fleet = Readonly<Record<string, HeldServer>>;

export const EMPTY_FLEET: Fleet = Object.freeze({});

/** The full state from `fleet:sync`. */
export function fleetFromSync(synced: readonly SyncedServer[]): Fleet {
  const fleet: Record<string, HeldServer> = {};
  for (const s of synced) fleet[s.name] = { seq: s.seq, live: s.live };
  return fleet;
}

export interface ApplyResult {
  fleet: Fleet;
  /** Servers whose deltas could not be applied (a gap in seq): fetch `fleet:sync`. */
  gaps: string[];
}

/**
 * Applies a batch of deltas, in order, in one pass (one store update per frame). A delta older than what
 * is held (seq already applied, e.g. included in a sync) is skipped; a gap is reported and the server's
 * held state is left as it was until the resync. Returns the same `fleet` object when nothing changed.
 */
export function applyDeltas(fleet: Fleet, deltas: readonly ServerDelta[]): ApplyResult {
  let next: Record<string, HeldServer> | null = null;
  const gaps = new Set<string>();
  for (const delta of deltas) {
    if (gaps.has(delta.name)) continue;
    const held = (next ?? fleet)[delta.name];
    if (!delta.full && held && delta.seq <= held.seq) continue;
    const applied = applyDelta(held, delta);
    if (!applied) {
      gaps.add(delta.name);
      continue;
    }
    next ??= { ...fleet };
    next[delta.name] = applied;
  }
  return { fleet: next ?? fleet, gaps: [...gaps] };
}

export function removeServer(fleet: Fleet, name: string): Fleet {
  if (!(name in fleet)) return fleet;
  const next = { ...fleet };
  delete next[name];
  return next;
}

/** At most this many deltas wait while the window is hidden; beyond, they are dropped for a resync. */
export const MAX_BUFFERED_DELTAS = 2000;

export interface DeltaBuffer {
  deltas: ServerDelta[];
  /** Deltas were dropped: the next flush must fetch the full state instead. */
  overflowed: boolean;
}

/**
 * Adds a delta to the waiting buffer (mutates it: it is the store's private queue). A full delta makes
 * the same server's earlier deltas pointless, so they are dropped; past the cap the buffer is emptied and
 * marked for a resync, so a window hidden for hours holds bounded memory.
 */
export function bufferDelta(buffer: DeltaBuffer, delta: ServerDelta, cap = MAX_BUFFERED_DELTAS): void {
  if (buffer.overflowed) return;
  if (delta.full) buffer.deltas = buffer.deltas.filter((d) => d.name !== delta.name);
  buffer.deltas.push(delta);
  if (buffer.deltas.length > cap) {
    buffer.deltas = [];
    buffer.overflowed = true;
  }
}
