import { describe, expect, it } from 'vitest';
import type { PeerPing, PeerStatus, StatusThresholds } from '../../../shared/domain.ts';
import { liveStatus, ONLINE_GRACE_SECONDS, peerStatus } from './peer-status.ts';

const T: StatusThresholds = { onlineSeconds: 120, staleSeconds: 300 };
const NOW = 10_000;
const ping = (ok: boolean, failing = !ok, error: string | null = null): PeerPing => ({
  ok,
  rttMs: ok ? 1 : null,
  at: NOW,
  failing,
  error,
});

describe('peer status', () => {
  it('a busy peer rekeying a little late stays online (no flapping at the threshold)', () => {
    // Handshake ages of a peer with traffic: WireGuard rekeys at ~120 s, sometimes a few seconds late.
    let previous: PeerStatus | null = null;
    const shown: PeerStatus[] = [];
    for (const age of [5, 60, 119, 121, 126, 3, 60, 124, 2]) {
      previous = peerStatus(NOW - age, NOW, T, previous);
      shown.push(previous);
    }
    expect(new Set(shown)).toEqual(new Set(['online']));
    // It does leave online once the grace is over, and entering online takes a fresh handshake.
    expect(peerStatus(NOW - 120 - ONLINE_GRACE_SECONDS, NOW, T, 'online')).toBe('stale');
    expect(peerStatus(NOW - 125, NOW, T, 'stale')).toBe('stale');
  });

  it('no handshake for long: offline when the server keeps it alive, idle when nothing need be sent', () => {
    const old = { latestHandshake: NOW - 4000, ping: null };
    expect(liveStatus({ ...old, persistentKeepalive: 25 }, NOW, T, null)).toBe('offline');
    expect(liveStatus({ ...old, persistentKeepalive: null }, NOW, T, null)).toBe('idle');
    expect(liveStatus({ latestHandshake: null, persistentKeepalive: null, ping: null }, NOW, T, null)).toBe(
      'never',
    );
  });

  it('by rule: handshake ignores ping; ping decides when it has a result; either is online if one says so', () => {
    const quiet = { latestHandshake: NOW - 4000, persistentKeepalive: null };
    const at = (rule: StatusThresholds['rule'], p: PeerPing | null, previous: PeerStatus | null = null) =>
      liveStatus({ ...quiet, ping: p }, NOW, { ...T, rule }, previous);
    expect(at('handshake', ping(true))).toBe('idle');
    expect(at('ping', ping(true))).toBe('online');
    expect(at('ping', ping(false))).toBe('offline');
    expect(at('either', ping(true))).toBe('online');
    expect(at('either', ping(false))).toBe('offline');
    // No result yet, or ping could not run: the handshake decides.
    expect(at('ping', null)).toBe('idle');
    expect(at('ping', ping(false, false, 'ping: socket: Operation not permitted'))).toBe('idle');
    // One lost reply (not failing yet) keeps what ping said.
    expect(at('ping', ping(false, false), 'online')).toBe('online');
    // Either: a fresh handshake wins over a failing ping (ICMP blocked on the client).
    const fresh = { latestHandshake: NOW - 10, persistentKeepalive: null, ping: ping(false) };
    expect(liveStatus(fresh, NOW, { ...T, rule: 'either' }, null)).toBe('online');
    expect(liveStatus(fresh, NOW, { ...T, rule: 'ping' }, null)).toBe('offline');
  });
});
