/**
 * Whether a server's numbers are live, for every front end (overview, sidebar, tray, CLI).
 *
 * A session keeps the last state it streamed when its connection drops (so the server page can still
 * show what was there), but those rates, that CPU and those "online" peers are history: only a server
 * that is streaming counts in fleet rates and online counts, and shows rates at all.
 */

import type { ConnectionState } from './domain.ts';
import { formatAge } from './time-format.ts';

/** Streaming: connected, frames arriving. Everything else (reconnecting, error, stopped…) is not. */
export function isStreaming(server: { readonly state: ConnectionState }): boolean {
  return server.state === 'connected';
}

/**
 * streaming: its numbers are live. connecting: on its way up (first attempt, or no state yet) — not
 * counted, but not called down either, or every start would say "5 of 5 servers down". down: lost,
 * failing, or stopped.
 */
export type ServerPresence = 'streaming' | 'connecting' | 'down';

export function serverPresence(
  server: { readonly state: ConnectionState } | null | undefined,
): ServerPresence {
  if (!server) return 'connecting';
  if (isStreaming(server)) return 'streaming';
  return server.state === 'connecting' || server.state === 'idle' ? 'connecting' : 'down';
}

/** "last seen 3 min ago" from the laptop time (ms) of the last frame; "never seen" before one. */
export function formatLastSeen(updatedAtMs: number | null, nowMs: number): string {
  if (updatedAtMs === null) return 'never seen';
  return `last seen ${formatAge(updatedAtMs / 1000, nowMs / 1000)}`;
}

/** "2 of 5 servers down" (the number before the names). */
export function downHeadline(down: number, total: number): string {
  return `${down} of ${total} ${total === 1 ? 'server' : 'servers'} down`;
}

/** "2 of 5 servers down: edge-3, edge-4" (names in the order given); null when none is down. */
export function downText(down: readonly string[], total: number): string | null {
  if (down.length === 0) return null;
  return `${downHeadline(down.length, total)}: ${down.join(', ')}`;
}
