import { describe, expect, it } from 'vitest';
import type { ConfigPeerView } from '../../../shared/peer-ops.ts';
import type { DriftReport } from '../../../shared/peers.ts';
import {
  driftByPeer,
  driftCount,
  hasDrift,
  keptKeys,
  lifecycleBadges,
  matchesQuery,
  newestFirst,
  pruneKept,
  rememberKept,
  sortConfigPeers,
  type KeyValueStore,
} from './config-view.ts';

const report: DriftReport = {
  iface: 'wg0',
  inSync: false,
  onlyLive: [{ publicKey: 'L', name: null }],
  onlyFile: [{ publicKey: 'F', name: 'f' }],
  disabledButLive: [{ publicKey: 'D', name: 'd' }],
  different: [
    { publicKey: 'X', name: 'x', differences: [{ field: 'persistentKeepalive', file: '25', live: 'off' }] },
  ],
  interface: [],
};

function peer(partial: Partial<ConfigPeerView>): ConfigPeerView {
  return {
    publicKey: 'K',
    name: null,
    checkAddress: null,
    statusRule: null,
    statusThresholds: null,
    allowedIps: [],
    persistentKeepalive: null,
    endpoint: null,
    hasPresharedKey: false,
    disabled: false,
    quota: null,
    expiresAt: null,
    schedule: null,
    disabledBy: null,
    ...partial,
  };
}

function memoryStore(): KeyValueStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

describe('drift', () => {
  it('marks each file peer by its drift', () => {
    const map = driftByPeer(report);
    expect(Object.fromEntries(map)).toEqual({ F: 'not-live', D: 'disabled-but-live', X: 'different' });
    expect(driftByPeer(null).size).toBe(0);
    expect(driftCount(report)).toBe(4);
    expect(hasDrift(report)).toBe(true);
    expect(
      hasDrift({ ...report, inSync: true, onlyLive: [], onlyFile: [], disabledButLive: [], different: [] }),
    ).toBe(false);
    expect(hasDrift(null)).toBe(false);
  });
});

describe('lists', () => {
  it('orders backups newest first', () => {
    const b = (id: string, takenAt: number) => ({ id, takenAt, bytes: 1 });
    expect(newestFirst([b('a', 1), b('c', 3), b('b', 2)]).map((x) => x.id)).toEqual(['c', 'b', 'a']);
  });

  it('orders peers: enabled first, by name, unnamed last', () => {
    const sorted = sortConfigPeers([
      peer({ publicKey: '1', name: 'zed' }),
      peer({ publicKey: '2', name: null }),
      peer({ publicKey: '3', name: 'Alice', disabled: true }),
      peer({ publicKey: '4', name: 'bob' }),
    ]);
    expect(sorted.map((p) => p.publicKey)).toEqual(['4', '1', '2', '3']);
  });

  it('searches name, key and addresses', () => {
    const p = peer({ publicKey: 'AbcKey', name: 'Laptop', allowedIps: ['198.18.8.2/32'] });
    expect(matchesQuery(p, 'lap')).toBe(true);
    expect(matchesQuery(p, 'abck')).toBe(true);
    expect(matchesQuery(p, '198.18.8.2')).toBe(true);
    expect(matchesQuery(p, 'nope')).toBe(false);
    expect(matchesQuery(p, ' ')).toBe(true);
  });
});

describe('kept private keys', () => {
  it('remembers, reads and prunes per interface', () => {
    const store = memoryStore();
    rememberKept(store, 'edge', 'wg0', ['A', 'B']);
    rememberKept(store, 'edge', 'wg0', ['B', 'C']);
    rememberKept(store, 'edge', 'wg1', ['Z']);
    expect([...keptKeys(store, 'edge', 'wg0')].sort()).toEqual(['A', 'B', 'C']);
    expect([...pruneKept(store, 'edge', 'wg0', ['A', 'C', 'Q'])].sort()).toEqual(['A', 'C']);
    expect([...keptKeys(store, 'edge', 'wg0')].sort()).toEqual(['A', 'C']);
    expect([...keptKeys(store, 'edge', 'wg1')]).toEqual(['Z']);
  });

  it('survives garbage in storage', () => {
    const store = memoryStore();
    store.setItem('wgdeck.keptClientKeys', '{not json');
    expect(keptKeys(store, 'edge', 'wg0').size).toBe(0);
    store.setItem('wgdeck.keptClientKeys', JSON.stringify({ 'edge/wg0': ['A', 3] }));
    expect([...keptKeys(store, 'edge', 'wg0')]).toEqual(['A']);
  });
});

describe('lifecycle badges', () => {
  const now = Date.UTC(2026, 11, 5, 12);
  const quota = {
    bytes: 50 * 1024 ** 3,
    period: 'month' as const,
    direction: 'both' as const,
    reenable: true,
  };
  const labels = (p: ConfigPeerView) => lifecycleBadges(p, now).map((b) => `${b.tone}:${b.label}`);

  it('say why the enforcer disabled a peer, in few words; a plain disable stays "Disabled"', () => {
    expect(labels(peer({}))).toEqual([]);
    expect(labels(peer({ disabled: true }))).toEqual(['none:Disabled']);
    const over = peer({ disabled: true, quota, disabledBy: { reason: 'quota', period: '2026-12' } });
    expect(labels(over)).toEqual(['none:Off: over quota']);
    expect(lifecycleBadges(over, now)[0]!.title).toBe(
      "Disabled by WG Deck's enforcer (quota 2026-12)\nQuota 50GiB/month",
    );
    const expired = peer({ disabled: true, expiresAt: now - 1000, disabledBy: { reason: 'expiry' } });
    expect(labels(expired)).toEqual(['none:Off: expired']);
  });

  it('put the most pressing rule in the label and every rule, as the file spells it, in the title', () => {
    const all = peer({
      quota,
      expiresAt: Date.UTC(2027, 1, 1),
      schedule: { days: [1, 2, 3, 4, 5], fromMinute: 480, toMinute: 1080, timeZone: 'Europe/Berlin' },
    });
    expect(lifecycleBadges(all, now)).toEqual([
      {
        label: 'Limits',
        tone: 'none',
        title: 'Quota 50GiB/month\nExpires 2027-01-31\nAllowed mon-fri 08:00-18:00 Europe/Berlin',
      },
    ]);
    expect(labels(peer({ expiresAt: now + 2 * 86_400_000 + 3_600_000 }))).toEqual([
      'warn:Expires in 2 d 1 h',
    ]);
    expect(labels(peer({ expiresAt: now - 1 }))).toEqual(['warn:Expired']);
  });
});
