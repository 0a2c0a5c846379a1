import { describe, expect, it } from 'vitest';
import { NULL_RATES, type PeerLive, type ServerLive } from './domain.ts';
import { DeltaEncoder, applyDelta } from './live-delta.ts';

function peer(i: number, rx = 0): PeerLive {
  return {
    publicKey: `key-${i}`,
    presharedKey: false,
    endpoint: null,
    allowedIps: [`198.18.128.${i % 250}/32`],
    latestHandshake: null,
    rxBytes: rx,
    txBytes: 0,
    persistentKeepalive: null,
    status: 'never',
    rxRate: null,
    txRate: null,
    resets: 0,
    checkAddress: null,
    ping: null,
  };
}

function server(peers: PeerLive[], extra: Partial<ServerLive> = {}): ServerLive {
  return {
    name: 's1',
    host: 'h',
    state: 'connected',
    updatedAt: 1,
    serverTime: 1,
    droppedFrames: 0,
    system: null,
    interfaces: [
      {
        name: 'wg0',
        publicKey: 'k',
        listenPort: 51820,
        fwmark: null,
        counters: null,
        rates: { ...NULL_RATES },
        peers,
      },
    ],
    ...extra,
  };
}

describe('DeltaEncoder / applyDelta', () => {
  it('a ping result or check address that changed on an otherwise idle peer is sent', () => {
    const encoder = new DeltaEncoder();
    let held = applyDelta(undefined, encoder.encode(server([peer(1)])));
    const ping = { ok: true, rttMs: 1.5, at: 100, failing: false, error: null };
    for (const changed of [
      { ...peer(1), ping },
      { ...peer(1), ping: { ...ping, ok: false, rttMs: null, at: 105 } },
      { ...peer(1), ping: { ...ping, ok: false, rttMs: null, at: 105 }, checkAddress: '198.18.8.1' },
    ]) {
      held = applyDelta(held ?? undefined, encoder.encode(server([changed])));
      expect(held?.live.interfaces[0]!.peers[0]).toEqual(changed);
    }
  });

  it('round-trips: applying every delta reproduces every full state', () => {
    const encoder = new DeltaEncoder();
    let held: ReturnType<typeof applyDelta> | undefined;
    const states = [
      server([peer(1), peer(2), peer(3)]),
      server([peer(1, 5), peer(2), peer(3)]),
      server([peer(2), peer(3), peer(4)]), // one removed, one added
      server([peer(4), peer(3), peer(2)], { state: 'reconnecting', error: 'x' }), // reordered
      { ...server([]), interfaces: [] },
    ];
    for (const state of states) {
      held = applyDelta(held ?? undefined, encoder.encode(state));
      expect(held?.live).toEqual(state);
    }
  });

  it('sends only changed peers and keeps unchanged peers identical', () => {
    const encoder = new DeltaEncoder();
    const peers = Array.from({ length: 1000 }, (_, i) => peer(i));
    const first = applyDelta(undefined, encoder.encode(server(peers)))!;
    const next = peers.map((p, i) => (i % 20 === 0 ? peer(i, 100) : p));
    const delta = encoder.encode(server(next));
    expect(delta.full).toBeUndefined();
    expect(delta.interfaces![0]!.changed).toHaveLength(50);
    expect(delta.interfaces![0]!.order).toBeUndefined();
    const applied = applyDelta(first, delta)!;
    expect(applied.live.interfaces[0]!.peers[1]).toBe(first.live.interfaces[0]!.peers[1]);
    expect(JSON.stringify(delta).length * 10).toBeLessThan(JSON.stringify(server(next)).length);
  });

  it('sends a server error once, not with every delta, and its clearing once', () => {
    // wg failing every poll repeats the same error; a hostile one was 20 MiB, resent every delta.
    const encoder = new DeltaEncoder();
    const failing = server([peer(1)], { state: 'error', error: 'e'.repeat(1024), errorCode: 'WG_FAILED' });
    let held = applyDelta(undefined, encoder.encode(failing))!;
    const sizes: number[] = [];
    for (let poll = 0; poll < 5; poll++) {
      const delta = encoder.encode({ ...failing, updatedAt: poll });
      sizes.push(JSON.stringify(delta).length);
      expect(delta.problem).toBeUndefined();
      held = applyDelta(held, delta)!;
      expect(held.live).toEqual({ ...failing, updatedAt: poll });
    }
    expect(Math.max(...sizes)).toBeLessThan(1024);
    const other = {
      ...failing,
      error: 'another',
      errorDetails: { sudoersLine: 'x ALL=(root) NOPASSWD: /usr/bin/wg' },
    };
    const changed = encoder.encode(other);
    expect(changed.problem).toEqual({
      error: 'another',
      errorCode: 'WG_FAILED',
      errorDetails: other.errorDetails,
    });
    held = applyDelta(held, changed)!;
    expect(held.live).toEqual(other);
    const fixed = server([peer(1)]);
    const cleared = encoder.encode(fixed);
    expect(cleared.problem).toEqual({});
    held = applyDelta(held, cleared)!;
    expect(held.live).toEqual(fixed);
    expect(held.live.error).toBeUndefined();
    expect(encoder.encode(fixed).problem).toBeUndefined();
  });

  it('refuses a delta after a gap, so the receiver resyncs', () => {
    const encoder = new DeltaEncoder();
    const first = applyDelta(undefined, encoder.encode(server([peer(1)])))!;
    encoder.encode(server([peer(1, 1)]));
    expect(applyDelta(first, encoder.encode(server([peer(1, 2)])))).toBeNull();
    encoder.reset();
    expect(
      applyDelta(first, encoder.encode(server([peer(1, 3)])))?.live.interfaces[0]!.peers[0]!.rxBytes,
    ).toBe(3);
  });
});
