import { describe, expect, it } from 'vitest';
import type { ConnectionState } from './domain.ts';
import { downText, formatLastSeen, isStreaming, serverPresence, type ServerPresence } from './liveness.ts';

describe('whether a server is live', () => {
  it.each([
    ['connected', true, 'streaming'],
    ['connecting', false, 'connecting'],
    ['idle', false, 'connecting'],
    ['reconnecting', false, 'down'],
    ['error', false, 'down'],
    ['stopped', false, 'down'],
  ] as [ConnectionState, boolean, ServerPresence][])('%s: streaming %s, %s', (state, streaming, presence) => {
    expect(isStreaming({ state })).toBe(streaming);
    expect(serverPresence({ state })).toBe(presence);
  });

  it('a configured server without any state yet is on its way up', () => {
    expect(serverPresence(undefined)).toBe('connecting');
  });

  it('says when it was last seen, by the laptop clock', () => {
    expect(formatLastSeen(100_000, 103_400)).toBe('last seen 3 s ago');
    expect(formatLastSeen(100_000, 100_000 + 125_000)).toBe('last seen 2 min ago');
    expect(formatLastSeen(null, 5)).toBe('never seen');
  });

  it('names the servers down', () => {
    expect(downText(['edge-3', 'edge-4'], 5)).toBe('2 of 5 servers down: edge-3, edge-4');
    expect(downText(['edge-1'], 1)).toBe('1 of 1 server down: edge-1');
    expect(downText([], 5)).toBeNull();
  });
});
