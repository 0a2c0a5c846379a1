import { describe, expect, it } from 'vitest';
import type { PeerLive, ServerLive } from '../shared/domain.ts';
import { NULL_RATES } from '../shared/domain.ts';
import { displayWidth } from './fit-table.ts';
import { filterFleet, namesLookup } from './peer-filter.ts';
import { toStatusJson } from './status-json.ts';
import { renderStatus } from './status-view.ts';

const NOW = 1_700_000_000;
const key = (i: number): string => Buffer.alloc(32, i).toString('base64');

function peer(i: number, status: PeerLive['status']): PeerLive {
  return {
    publicKey: key(i),
    presharedKey: false,
    endpoint: status === 'never' ? null : `198.18.0.${i}:51820`,
    allowedIps: [`198.18.128.${i}/32`, `2001:2:0:1000::${i}/128`],
    latestHandshake: status === 'never' ? null : NOW - 30,
    rxBytes: i * 123_456,
    txBytes: i * 654_321,
    persistentKeepalive: null,
    status,
    rxRate: null,
    txRate: null,
    resets: 0,
    checkAddress: null,
    ping: null,
  };
}

const iface = (name: string, peers: PeerLive[]): ServerLive['interfaces'][number] => ({
  name,
  publicKey: key(0),
  listenPort: 51820,
  fwmark: null,
  counters: null,
  rates: { ...NULL_RATES },
  peers,
});

const fleet: ServerLive[] = [
  {
    name: 'lab-s0',
    host: 'lab-s0.example.net',
    state: 'connected',
    updatedAt: 1,
    serverTime: NOW,
    system: null,
    droppedFrames: 0,
    interfaces: [
      iface('wg0', [peer(10, 'never'), peer(2, 'online'), peer(3, 'offline'), peer(1, 'online')]),
      iface('wg1', [peer(20, 'stale')]),
    ],
  },
];

const names = namesLookup([
  {
    server: 'lab-s0',
    iface: 'wg0',
    names: { [key(10)]: 'zed phone', [key(1)]: 'alice laptop with a long name' },
  },
]);

describe('wgdeck status', () => {
  it('fits 80 columns and shows — for an unnamed peer, its key once', () => {
    const lines = renderStatus(fleet, { names, width: 80 });
    for (const l of lines) expect(displayWidth(l), l).toBeLessThanOrEqual(80);
    const unnamed = lines.find((l) => l.includes(key(2).slice(0, 8)))!;
    expect(unnamed).toMatch(/^ {4}online {2}— /);
    expect(lines.join('\n')).toContain('alice laptop w…');
    expect(lines).toContain('  wg1  port 51820  0/1 peer online');
  });

  it('lists peers online first, then by name (named first), then key', () => {
    const order = filterFleet(fleet, {}, names)[0]!.interfaces[0]!.peers.map((p) => p.publicKey);
    expect(order).toEqual([key(1), key(2), key(3), key(10)]);
  });

  it('filters by interface, by status, and by the search rule (best match first)', () => {
    const byIface = filterFleet(fleet, { iface: 'wg1' }, names)[0]!.interfaces;
    expect(byIface.map((i) => i.name)).toEqual(['wg1']);
    const online = filterFleet(fleet, { status: 'online' }, names)[0]!.interfaces;
    expect(online.map((i) => i.peers.length)).toEqual([2, 0]);
    // "198.18.128.1" is peer 1's address exactly, and a prefix of peer 10's: exact first.
    const hits = filterFleet(fleet, { query: '198.18.128.1' }, names)[0]!.interfaces[0]!.peers;
    expect(hits.map((p) => p.publicKey)).toEqual([key(1), key(10)]);
    const byName = filterFleet(fleet, { query: 'zed' }, names)[0]!.interfaces[0]!.peers;
    expect(byName.map((p) => p.publicKey)).toEqual([key(10)]);
    const lines = renderStatus(fleet, { names, width: 80, filter: { query: 'zed' } });
    expect(lines).toContain('  wg0  port 51820  2/4 peers online  (1 shown)');
  });

  it('--json has each peer`s name, null when it has none', () => {
    const json = toStatusJson(fleet, names);
    const peers = json.servers[0]!.interfaces[0]!.peers;
    expect(peers.find((p) => p.publicKey === key(10))!.name).toBe('zed phone');
    expect(peers.find((p) => p.publicKey === key(2))!.name).toBeNull();
  });
});
