import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, type PeerDump, type Snapshot } from '../../../shared/domain.ts';
import { counterStep } from './counter-rules.ts';
import { peerStatus } from './peer-status.ts';
import { ServerTracker } from './server-tracker.ts';

const KEY_A = 'A'.repeat(43) + '=';
const KEY_B = 'B'.repeat(43) + '=';

function peer(overrides: Partial<PeerDump>): PeerDump {
  return {
    publicKey: KEY_A,
    presharedKey: false,
    endpoint: null,
    allowedIps: ['198.18.128.2/32'],
    latestHandshake: null,
    rxBytes: 0,
    txBytes: 0,
    persistentKeepalive: null,
    ...overrides,
  };
}

function counters(rxBytes: number, txBytes: number) {
  return {
    rxBytes,
    txBytes,
    rxPackets: rxBytes / 100,
    txPackets: txBytes / 100,
    rxErrors: 0,
    txErrors: 0,
    rxDropped: 0,
    txDropped: 0,
    multicast: 0,
  };
}

function snapshot(monotonic: number, serverTime: number, peers: PeerDump[], wgRx = 0): Snapshot {
  return {
    seq: monotonic,
    serverTime,
    monotonic,
    interfaces: [{ name: 'wg0', publicKey: KEY_B, listenPort: 51820, fwmark: null, peers }],
    netdev: { wg0: counters(wgRx, wgRx * 2), lo: counters(5000, 5000), eth0: counters(wgRx * 3, 0) },
    system: {
      cpuTotalJiffies: monotonic * 200,
      cpuIdleJiffies: monotonic * 150,
      cpuCount: 2,
      memTotalBytes: 1000,
      memAvailableBytes: 250,
      diskTotalBytes: 100,
      diskUsedBytes: 40,
      load1: 0.5,
      load5: 0.4,
      load15: 0.3,
      uptimeSeconds: monotonic,
    },
    wgError: null,
    ping: null,
  };
}

describe('peerStatus', () => {
  it.each([
    [null, 'never'],
    [1000, 'online'], // age 0
    [1000 - 119, 'online'],
    [1000 - 120, 'stale'],
    [1000 - 299, 'stale'],
    [1000 - 300, 'offline'],
    [1, 'offline'],
    [1005, 'online'], // handshake "in the future" (clock step): still online
  ] as const)('handshake %s at server time 1000 → %s', (handshake, expected) => {
    expect(peerStatus(handshake, 1000, DEFAULT_THRESHOLDS)).toBe(expected);
  });

  it('honours configured thresholds', () => {
    expect(peerStatus(1000 - 30, 1000, { onlineSeconds: 20, staleSeconds: 40 })).toBe('stale');
  });
});

describe('counterStep', () => {
  it.each([
    [undefined, 100, 5, null, false],
    [100, 600, 5, 100, false],
    [600, 600, 5, 0, false],
    [600, 50, 5, 10, true], // reset: never negative
    [100, 200, 0, null, false],
    [100, 200, -3, null, false],
  ] as const)('%s → %s over %s s = rate %s reset %s', (prev, next, dt, rate, reset) => {
    expect(counterStep(prev, next, dt)).toEqual({ rate, reset });
  });
});

describe('ServerTracker', () => {
  it('computes rates over server monotonic time and statuses from handshake age', () => {
    const tracker = new ServerTracker(DEFAULT_THRESHOLDS);
    const first = tracker.apply(
      snapshot(100, 10_000, [peer({ rxBytes: 1000, txBytes: 0, latestHandshake: 9_990 })], 1000),
    );
    expect(first.interfaces[0]!.peers[0]).toMatchObject({ rxRate: null, txRate: null, status: 'online' });
    expect(first.interfaces[0]!.rates.rxBytes).toBeNull();
    expect(first.system.cpuPercent).toBeNull();
    expect(first.system.memUsedBytes).toBe(750);

    const second = tracker.apply(
      snapshot(105, 10_200, [peer({ rxBytes: 6000, txBytes: 500, latestHandshake: 9_990 })], 6000),
    );
    const p = second.interfaces[0]!.peers[0]!;
    expect(p.rxRate).toBe(1000);
    expect(p.txRate).toBe(100);
    expect(p.status).toBe('stale'); // 10_200 - 9_990 = 210 s
    const wg0 = second.interfaces[0]!;
    expect(wg0.rates.rxBytes).toBe(1000);
    expect(wg0.rates.txBytes).toBe(2000);
    expect(wg0.rates.rxErrors).toBe(0);
    // lo is excluded from the server's network rate; wg0 (5000/5) + eth0 (15000/5)
    expect(second.system.netRxRate).toBe(4000);
    expect(second.system.cpuPercent).toBe(25);
  });

  it('treats a counter that goes down as a reset: no negative rate, reset counted', () => {
    const tracker = new ServerTracker(DEFAULT_THRESHOLDS);
    tracker.apply(snapshot(100, 10_000, [peer({ rxBytes: 50_000, txBytes: 50_000 })]));
    const after = tracker.apply(snapshot(110, 10_010, [peer({ rxBytes: 1_000, txBytes: 60_000 })]));
    const p = after.interfaces[0]!.peers[0]!;
    expect(p.rxRate).toBe(100);
    expect(p.txRate).toBe(1000);
    expect(p.resets).toBe(1);
  });

  it('after a reboot (monotonic clock went back) reports no rates instead of garbage', () => {
    const tracker = new ServerTracker(DEFAULT_THRESHOLDS);
    tracker.apply(snapshot(5000, 10_000, [peer({ rxBytes: 50_000 })], 9999));
    const after = tracker.apply(snapshot(20, 10_100, [peer({ rxBytes: 10 })], 5));
    expect(after.interfaces[0]!.peers[0]!.rxRate).toBeNull();
    expect(after.interfaces[0]!.rates.rxBytes).toBeNull();
    expect(after.system.cpuPercent).toBeNull();
  });

  it('starts new peers without a rate and forgets removed ones', () => {
    const tracker = new ServerTracker(DEFAULT_THRESHOLDS);
    tracker.apply(snapshot(100, 10_000, [peer({ rxBytes: 100 })]));
    const second = tracker.apply(snapshot(105, 10_005, [peer({ publicKey: KEY_B, rxBytes: 100 })]));
    expect(second.interfaces[0]!.peers[0]!.rxRate).toBeNull();
    const third = tracker.apply(snapshot(110, 10_010, [peer({ rxBytes: 100 })]));
    expect(third.interfaces[0]!.peers[0]!.rxRate).toBeNull();
  });

  it('reuses the previous object for a peer whose published fields did not change', () => {
    const tracker = new ServerTracker(DEFAULT_THRESHOLDS);
    tracker.apply(snapshot(100, 10_000, [peer({ rxBytes: 10 }), peer({ publicKey: KEY_B, rxBytes: 10 })]));
    const a = tracker.apply(
      snapshot(105, 10_005, [peer({ rxBytes: 10 }), peer({ publicKey: KEY_B, rxBytes: 10 })]),
    );
    const b = tracker.apply(
      snapshot(110, 10_010, [peer({ rxBytes: 10 }), peer({ publicKey: KEY_B, rxBytes: 99 })]),
    );
    expect(b.interfaces[0]!.peers[0]).toBe(a.interfaces[0]!.peers[0]); // idle: same object
    expect(b.interfaces[0]!.peers[1]).not.toBe(a.interfaces[0]!.peers[1]); // moved: new object
    expect(b.interfaces[0]!.peers[1]!.rxRate).toBeCloseTo(89 / 5);
  });

  it('pairs each peer with its own history when the dump order changes (wireguard-go)', () => {
    const tracker = new ServerTracker(DEFAULT_THRESHOLDS);
    tracker.apply(snapshot(100, 10_000, [peer({ rxBytes: 100 }), peer({ publicKey: KEY_B, rxBytes: 5000 })]));
    const swapped = tracker.apply(
      snapshot(105, 10_005, [peer({ publicKey: KEY_B, rxBytes: 5500 }), peer({ rxBytes: 150 })]),
    );
    const [b, a] = swapped.interfaces[0]!.peers;
    expect(b).toMatchObject({ publicKey: KEY_B, rxRate: 100, resets: 0 });
    expect(a).toMatchObject({ publicKey: KEY_A, rxRate: 10, resets: 0 });
  });
});

describe('ping checks in the live state', () => {
  it("pings each peer's check address (config file first, else its host address) and shows the latest round", () => {
    const explicit: Record<string, { checkAddress?: string }> = { [KEY_B]: { checkAddress: '198.18.9.1' } };
    const tracker = new ServerTracker(DEFAULT_THRESHOLDS, () => explicit);
    const peers = [
      peer({ endpoint: '198.18.0.8:51820' }),
      peer({ publicKey: KEY_B, allowedIps: ['198.18.9.0/24'], endpoint: '198.18.0.9:51820' }),
    ];
    const first = tracker.apply(snapshot(100, 1000, peers));
    expect(first.interfaces[0]!.peers.map((p) => [p.checkAddress, p.ping])).toEqual([
      ['198.18.128.2', null],
      ['198.18.9.1', null],
    ]);
    expect(tracker.pingTargets).toEqual(['198.18.128.2', '198.18.9.1']);
    const round = {
      at: 1004,
      results: [
        { address: '198.18.128.2', ok: true, rttMs: 0.4, error: null },
        { address: '198.18.9.1', ok: false, rttMs: null, error: null },
      ],
    };
    const second = tracker.apply({ ...snapshot(105, 1005, peers), ping: round });
    expect(second.interfaces[0]!.peers.map((p) => p.ping)).toEqual([
      { ok: true, rttMs: 0.4, at: 1004, failing: false, error: null },
      { ok: false, rttMs: null, at: 1004, failing: false, error: null },
    ]);
    // A frame without a round keeps the last one, the very same objects.
    const targets = tracker.pingTargets;
    const third = tracker.apply(snapshot(110, 1010, peers));
    expect(third.interfaces[0]!.peers[0]!.ping).toBe(second.interfaces[0]!.peers[0]!.ping);
    // Nothing came, went or moved: the very same list (the session sends nothing new).
    expect(tracker.pingTargets).toBe(targets);
    delete explicit[KEY_B];
    expect(tracker.apply(snapshot(115, 1015, peers)).interfaces[0]!.peers[1]!.checkAddress).toBeNull();
    expect(tracker.pingTargets).toEqual(['198.18.128.2']);
  });

  it('does not ping a peer WireGuard has no endpoint for, until it has one', () => {
    const explicit: Record<string, { checkAddress?: string }> = {};
    const tracker = new ServerTracker(DEFAULT_THRESHOLDS, () => explicit);
    const connected = peer({ endpoint: '198.18.0.8:51820' });
    const never = peer({ publicKey: KEY_B, allowedIps: ['198.18.9.7/32'], endpoint: null });
    tracker.apply(snapshot(100, 1000, [connected, never]));
    expect(tracker.pingTargets).toEqual(['198.18.128.2']);
    // It connects: from then on it is pinged (even if it goes quiet again: it has an endpoint now).
    tracker.apply(snapshot(105, 1005, [connected, { ...never, endpoint: '198.18.0.9:51820' }]));
    expect(tracker.pingTargets).toEqual(['198.18.128.2', '198.18.9.7']);
    // Its own check address too waits for an endpoint: it is reached through this peer.
    explicit[KEY_B] = { checkAddress: '198.18.9.1' };
    tracker.apply(snapshot(110, 1010, [connected, never]));
    expect(tracker.pingTargets).toEqual(['198.18.128.2']);
  });

  it("a peer's own status rule and thresholds apply to it alone", () => {
    const own = { [KEY_B]: { rule: 'ping' as const, onlineSeconds: 30, staleSeconds: 60 } };
    const tracker = new ServerTracker(DEFAULT_THRESHOLDS, () => own);
    // Both handshook 45 s ago: online by the fleet's 120 s, stale by B's own 30 s.
    const peers = [peer({ latestHandshake: 955 }), peer({ publicKey: KEY_B, latestHandshake: 955 })];
    const state = tracker.apply(snapshot(100, 1000, peers));
    expect(state.interfaces[0]!.peers.map((p) => p.status)).toEqual(['online', 'stale']);
    const round = {
      at: 1004,
      results: [{ address: '198.18.128.2', ok: true, rttMs: 0.4, error: null }],
    };
    // B's rule is ping, and its (host) address answers: online again.
    const next = tracker.apply({ ...snapshot(105, 1005, peers), ping: round });
    expect(next.interfaces[0]!.peers[1]!.status).toBe('online');
  });
});
