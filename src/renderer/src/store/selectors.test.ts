import { describe, expect, it } from 'vitest';
import type { ServerLive } from '../../../shared/domain.ts';
import type { ServerConfig } from '../../../shared/server-config.ts';
import { fleetFromSync } from './fleet-state.ts';
import {
  addressSortKey,
  filterPeers,
  fleetTotals,
  groupServers,
  nextSort,
  peerName,
  risingCounters,
  searchFleet,
  tableRows,
  serverNow,
  serverSummary,
  sortPeers,
  statusCounts,
} from './selectors.ts';
import { bigFleet, iface, peer, scatteredPeers, server } from './test-fixtures.ts';
import type { PaletteItem } from './selectors.ts';

const cfg = (name: string, group?: string): ServerConfig => ({
  name,
  host: `${name}.lab`,
  port: 22,
  user: 'root',
  sudo: false,
  ...(group ? { group } : {}),
});

describe('statusCounts / risingCounters', () => {
  it('counts peers by status', () => {
    const list = [peer(1), peer(2, { status: 'stale' }), peer(3, { status: 'never' }), peer(4)];
    expect(statusCounts(list)).toEqual({ online: 2, stale: 1, idle: 0, offline: 0, never: 1 });
  });

  it('flags errors and drops whose rate is above zero, never bytes or unknown rates', () => {
    const i = iface('wg0', [], { rxErrors: 0.2, txErrors: 0, rxDropped: null, txDropped: 3, rxBytes: 1e6 });
    expect(risingCounters(i)).toEqual(['rxErrors', 'txDropped']);
  });
});

describe('serverSummary', () => {
  it('sums interface rates and peers, and lists rising interfaces', () => {
    const live = server('a', [
      iface('wg0', [peer(1), peer(2, { status: 'offline' })], { rxBytes: 100, txBytes: 50 }),
      iface('wg1', [peer(3)], { rxBytes: 20, txBytes: null, rxErrors: 1 }),
    ]);
    const s = serverSummary(live);
    expect(s.peers).toBe(3);
    expect(s.counts.online).toBe(2);
    expect(s.rxRate).toBe(120);
    expect(s.txRate).toBe(50);
    expect(s.rising.map((i) => i.name)).toEqual(['wg1']);
  });

  it('is cached per live object', () => {
    const live = server('a', [iface('wg0', [peer(1)])]);
    expect(serverSummary(live)).toBe(serverSummary(live));
  });

  it('has null rates until some interface has one', () => {
    expect(serverSummary(server('a', [iface('wg0', [])])).rxRate).toBeNull();
  });

  it('a server that is not streaming has unknown rates and nothing rising, its last counts kept', () => {
    const interfaces = [iface('wg0', [peer(1)], { rxBytes: 100, txBytes: 50, rxErrors: 1 })];
    const live = serverSummary(server('a', interfaces));
    expect(live).toMatchObject({ streaming: true, rxRate: 100, txRate: 50 });
    expect(live.rising).toHaveLength(1);
    const cut = serverSummary(server('a', interfaces, { state: 'reconnecting' }));
    expect(cut).toMatchObject({ streaming: false, rxRate: null, txRate: null, rising: [], peers: 1 });
  });
});

describe('fleetTotals', () => {
  // b's state is the only difference between the two tests: streaming, it sums in; cut, it does not.
  const fleetWithB = (state: ServerLive['state']) =>
    fleetFromSync([
      {
        name: 'a',
        seq: 1,
        live: server('a', [
          iface('wg0', [peer(1), peer(2, { status: 'stale' })], { rxBytes: 10, txBytes: 1 }),
        ]),
      },
      {
        name: 'b',
        seq: 1,
        live: server('b', [iface('wg0', [peer(3)], { rxBytes: 5, txDropped: 2 })], { state }),
      },
    ]);

  it('counts configured servers without live state, and sums the rest', () => {
    const t = fleetTotals(fleetWithB('connected'), ['a', 'b', 'c']);
    expect(t).toMatchObject({ servers: 3, serversUp: 2, peers: 3, peersOnline: 2, rxRate: 15, txRate: 1 });
    expect(t.rising.map((r) => `${r.server}/${r.iface.name}`)).toEqual(['b/wg0']);
    expect(t).toMatchObject({ down: [], connecting: ['c'] });
  });

  it.each(['reconnecting', 'error', 'stopped'] as const)(
    'leaves a %s server out of peers, rates and alerts, and names it as down',
    (state) => {
      const t = fleetTotals(fleetWithB(state), ['a', 'b', 'c']);
      expect(t).toMatchObject({ servers: 3, serversUp: 1, peers: 2, peersOnline: 1, rxRate: 10, txRate: 1 });
      expect(t.rising).toEqual([]);
      expect(t).toMatchObject({ down: ['b'], connecting: ['c'] });
    },
  );

  it('a server on its first connection is connecting, not down', () => {
    const t = fleetTotals(fleetWithB('connecting'), ['a', 'b']);
    expect(t).toMatchObject({ serversUp: 1, down: [], connecting: ['b'], rxRate: 10 });
  });

  it('a fleet with every server down has unknown rates, not zero', () => {
    const fleet = fleetFromSync([
      {
        name: 'a',
        seq: 1,
        live: server('a', [iface('wg0', [peer(1)], { rxBytes: 10 })], { state: 'error' }),
      },
    ]);
    expect(fleetTotals(fleet, ['a'])).toMatchObject({ serversUp: 0, peers: 0, rxRate: null, down: ['a'] });
  });

  // How fast: `npm run bench -- selectors`.
  it('totals 10 servers × 1,000 peers', () => {
    const t = fleetTotals(bigFleet(10, 1000), []);
    expect(t.peers).toBe(10_000);
  });
});

describe('groupServers', () => {
  it('one plain section when nobody uses groups, live-only servers included, natural order', () => {
    const fleet = fleetFromSync([{ name: 'zeta', seq: 1, live: server('zeta', []) }]);
    expect(groupServers([cfg('edge-10'), cfg('edge-2')], fleet)).toEqual([
      { group: null, region: null, names: ['edge-2', 'edge-10', 'zeta'] },
    ]);
  });

  it('groups sorted by name, ungrouped last', () => {
    const groups = groupServers(
      [cfg('c'), cfg('b', 'us'), cfg('a', 'eu'), cfg('d', 'eu')],
      fleetFromSync([]),
    );
    expect(groups).toEqual([
      { group: 'eu', region: null, names: ['a', 'd'] },
      { group: 'us', region: null, names: ['b'] },
      { group: null, region: null, names: ['c'] },
    ]);
  });

  it('defined groups by priority (higher first), then name, with their region', () => {
    const groups = groupServers([cfg('a', 'eu'), cfg('b', 'us'), cfg('c', 'ap')], fleetFromSync([]), [
      { name: 'us', priority: 10, region: 'us-east-1' },
      { name: 'ap', priority: 5 },
    ]);
    expect(groups.map((g) => [g.group, g.region])).toEqual([
      ['us', 'us-east-1'],
      ['ap', null],
      ['eu', null],
    ]);
  });
});

describe('filterPeers', () => {
  const list = [
    peer(1, { publicKey: 'AbCdEf1=', endpoint: '198.18.113.5:4000', allowedIps: ['198.18.0.1/32'] }),
    peer(2, {
      publicKey: 'ZZZ2=',
      endpoint: null,
      allowedIps: ['198.18.0.2/32', '2001:2:0:1000::2/128'],
      status: 'never',
    }),
  ];

  it.each([
    ['', 'all', ['AbCdEf1=', 'ZZZ2=']],
    ['abcdef', 'all', ['AbCdEf1=']],
    ['2001:2:0:1000::', 'all', ['ZZZ2=']],
    ['198.18.113', 'all', ['AbCdEf1=']],
    ['198.18.0', 'never', ['ZZZ2=']],
    ['nothing', 'all', []],
  ] as const)('query %j with filter %s', (query, filter, keys) => {
    expect(filterPeers(list, filter, query).map((p) => p.publicKey)).toEqual(keys);
  });
});

describe('peer names from the config file', () => {
  const a = peer(1, { publicKey: 'AAAA1111=' });
  const b = peer(2, { publicKey: 'BBBB2222=' });
  const names = { 'BBBB2222=': 'alice laptop', 'AAAA1111=': 'zed phone' };

  it('stand in for the short key, are searched, and sort the name column', () => {
    expect(peerName(a)).not.toBe('zed phone');
    expect(peerName(a, names)).toBe('zed phone');
    expect(filterPeers([a, b], 'all', 'laptop', names).map((p) => p.publicKey)).toEqual(['BBBB2222=']);
    expect(filterPeers([a, b], 'all', 'laptop').map((p) => p.publicKey)).toEqual([]);
    expect(sortPeers([a, b], { key: 'name', dir: 'asc' }, names).map((p) => p.publicKey)).toEqual([
      'BBBB2222=',
      'AAAA1111=',
    ]);
  });
});

describe('sortPeers', () => {
  const a = peer(1, {
    publicKey: 'a',
    status: 'stale',
    latestHandshake: 500,
    rxRate: 10,
    allowedIps: ['198.18.0.10/32'],
  });
  const b = peer(2, {
    publicKey: 'b',
    status: 'online',
    latestHandshake: 900,
    rxRate: null,
    allowedIps: ['198.18.0.9/32'],
  });
  const c = peer(3, { publicKey: 'c', status: 'never', latestHandshake: null, rxRate: 50, allowedIps: [] });
  const list = [a, b, c];
  const keys = (sorted: typeof list) => sorted.map((p) => p.publicKey).join('');

  it('by status: online, stale, offline, never', () => {
    expect(keys(sortPeers(list, { key: 'status', dir: 'asc' }))).toBe('bac');
    expect(keys(sortPeers(list, { key: 'status', dir: 'desc' }))).toBe('cab');
  });

  it('keeps unknown values last in both directions', () => {
    expect(keys(sortPeers(list, { key: 'rxRate', dir: 'desc' }))).toBe('cab');
    expect(keys(sortPeers(list, { key: 'rxRate', dir: 'asc' }))).toBe('acb');
    expect(keys(sortPeers(list, { key: 'handshake', dir: 'asc' }))).toBe('bac');
    expect(keys(sortPeers(list, { key: 'handshake', dir: 'desc' }))).toBe('abc');
  });

  it('sorts addresses numerically', () => {
    expect(keys(sortPeers(list, { key: 'allowedIps', dir: 'asc' }))).toBe('bac');
    expect(addressSortKey('198.18.1.3:51820')! < addressSortKey('198.18.1.20:51820')!).toBe(true);
    expect(addressSortKey('[2001:2:0:1000::1]:51820')! < addressSortKey('[2001:2:0:1000::2]:80')!).toBe(true);
    expect(addressSortKey(null)).toBeNull();
  });

  it('does not mutate its input', () => {
    sortPeers(list, { key: 'name', dir: 'desc' });
    expect(list).toEqual([a, b, c]);
  });

  it('nextSort flips the same column, starts numbers descending', () => {
    expect(nextSort({ key: 'status', dir: 'asc' }, 'status')).toEqual({ key: 'status', dir: 'desc' });
    expect(nextSort({ key: 'status', dir: 'asc' }, 'rxRate')).toEqual({ key: 'rxRate', dir: 'desc' });
    expect(nextSort({ key: 'rxRate', dir: 'desc' }, 'endpoint')).toEqual({ key: 'endpoint', dir: 'asc' });
  });

  // How fast: `npm run bench -- selectors`.
  it('sorts 10,000 peers', () => {
    const sorted = sortPeers(scatteredPeers(10_000), { key: 'rxRate', dir: 'desc' });
    expect(sorted).toHaveLength(10_000);
    expect(sorted.every((p, i) => i === 0 || sorted[i - 1]!.rxRate! >= p.rxRate!)).toBe(true);
  });
});

describe('serverNow', () => {
  it('extrapolates the server clock from the last snapshot', () => {
    const live = server('a', [], { serverTime: 1000, updatedAt: 50_000 });
    expect(serverNow(live, 53_500)).toBe(1003.5);
    expect(serverNow(live, 40_000)).toBe(1000);
    expect(serverNow(server('a', [], { serverTime: null }), 0)).toBeNull();
  });
});

describe('searchFleet', () => {
  const fleet = fleetFromSync([
    {
      name: 'edge-1',
      seq: 1,
      live: server('edge-1', [
        iface('wg0', [
          peer(1, { publicKey: 'Peer1Key=', allowedIps: ['198.18.9.7/32'] }),
          peer(2, { publicKey: 'Other=' }),
        ]),
      ]),
    },
  ]);

  it('lists servers for an empty query', () => {
    expect(searchFleet(fleet, [cfg('core')], '')).toEqual([
      { kind: 'server', server: 'core', host: 'core.lab', state: null },
      { kind: 'server', server: 'edge-1', host: 'edge-1.lab', state: 'connected' },
    ]);
  });

  it('finds peers by key and IP, servers first', () => {
    expect(searchFleet(fleet, [], 'peer1').map((i) => i.kind)).toEqual(['peer']);
    const byIp = searchFleet(fleet, [], '198.18.9.7');
    expect(byIp).toHaveLength(1);
    expect(byIp[0]).toMatchObject({ kind: 'peer', server: 'edge-1', iface: 'wg0' });
    expect(searchFleet(fleet, [], 'edge').map((i) => i.kind)[0]).toBe('server');
  });

  it('stops at the limit', () => {
    expect(searchFleet(fleet, [], 'e', 1)).toHaveLength(1);
  });
});

describe('searchFleet ranking (the palette)', () => {
  // 300 peers, 198.18.128.0 … 198.18.129.43, as a big lab interface has them; one server whose
  // host only starts like the searched address.
  const peers = Array.from({ length: 300 }, (_, i) =>
    peer(i, { allowedIps: [`198.18.${128 + (i >> 8)}.${i & 255}/32`], endpoint: null }),
  );
  const live = (order: typeof peers, s = 1) =>
    fleetFromSync([
      { name: 'edge-1', seq: s, live: server('edge-1', [iface('wg0', order)], { host: '198.18.128.150' }) },
      { name: 'edge-2', seq: s, live: server('edge-2', [iface('wg0', [peer(900)])]) },
    ]);
  const shuffled = (seed: number) =>
    [...peers].sort((a, b) => ((a.rxBytes * seed) % 997) - ((b.rxBytes * seed) % 997));
  const label = (i: PaletteItem) =>
    i.kind === 'server'
      ? `server ${i.server}`
      : i.kind === 'peer'
        ? i.peer.allowedIps[0]
        : i.kind === 'interface'
          ? `interface ${i.server}/${i.iface}`
          : `command ${i.command.label}`;

  it('puts the exact address first, before a server whose host only starts with it', () => {
    const items = searchFleet(live(peers), [], '198.18.128.15');
    expect(label(items[0]!)).toBe('198.18.128.15/32');
    expect(items.map(label)).toContain('server edge-1');
    expect(
      items
        .slice(1)
        .every(
          (i) =>
            i.kind === 'server' || (i.kind === 'peer' && i.peer.allowedIps[0]!.startsWith('198.18.128.15')),
        ),
    ).toBe(true);
  });

  it('gives the same results in the same order on every poll, whatever order the peers arrive in', () => {
    const first = searchFleet(live(peers), [], '198.18.128.1').map(label);
    for (const seed of [3, 7, 11, 13]) {
      expect(searchFleet(live(shuffled(seed), seed), [], '198.18.128.1').map(label)).toEqual(first);
    }
    expect(first[0]).toBe('198.18.128.1/32');
  });

  it('a prefix finds the peers inside it', () => {
    const items = searchFleet(live(shuffled(5)), [], '198.18.128.0/28');
    expect(items.map(label)).toEqual(
      Array.from({ length: 16 }, (_, i) => `198.18.128.${i}/32`).sort((a, b) =>
        // ties break by key: peer(i)'s key grows with i
        a.localeCompare(b, 'en', { numeric: true }),
      ),
    );
  });

  it('searches and ties by the names of the config files', () => {
    const names: Record<string, Record<string, string>> = {
      'edge-1/wg0': { [peers[40]!.publicKey]: 'office 10', [peers[41]!.publicKey]: 'office 9' },
    };
    const items = searchFleet(live(peers), [], 'office', 50, (s, i) => names[`${s}/${i}`]);
    expect(items.map((i) => i.kind === 'peer' && i.name)).toEqual(['office 9', 'office 10']);
  });

  it('a server ties before a peer of the same rank', () => {
    const items = searchFleet(live(peers), [cfg('198.18.128.7')], '198.18.128.7');
    expect(items.slice(0, 2).map(label)).toEqual(['server 198.18.128.7', '198.18.128.7/32']);
  });
});

describe('tableRows (the peers table)', () => {
  const list = Array.from({ length: 30 }, (_, i) =>
    peer(i, { allowedIps: [`198.18.0.${i}/32`], rxRate: (i * 37) % 30, status: i % 3 ? 'online' : 'stale' }),
  );
  const ips = (rows: typeof list) => rows.map((p) => p.allowedIps[0]);

  it('without a search, the column sort alone', () => {
    const sort = { key: 'rxRate', dir: 'desc' } as const;
    expect(tableRows(list, 'all', '', sort)).toEqual({ rows: sortPeers(list, sort), exact: new Set() });
  });

  it('while searching, the exact match first whatever the column, then the column within each rank', () => {
    const { rows, exact } = tableRows(list, 'all', '198.18.0.1', { key: 'rxRate', dir: 'desc' });
    expect(ips(rows)[0]).toBe('198.18.0.1/32');
    expect([...exact]).toEqual([rows[0]!.publicKey]);
    expect(rows).toHaveLength(11); // .1, .10–.19
    const rest = rows.slice(1).map((p) => p.rxRate!);
    expect(rest).toEqual([...rest].sort((a, b) => b - a));
  });

  it('a prefix finds the peers inside it, the status filter still applies', () => {
    expect(tableRows(list, 'all', '198.18.0.0/29', { key: 'allowedIps', dir: 'asc' }).rows).toHaveLength(8);
    expect(ips(tableRows(list, 'stale', '198.18.0.0/29', { key: 'allowedIps', dir: 'asc' }).rows)).toEqual([
      '198.18.0.0/32',
      '198.18.0.3/32',
      '198.18.0.6/32',
    ]);
  });
});

describe('the palette finds interfaces and commands', () => {
  const fleet = fleetFromSync([
    { name: 'edge-1', seq: 1, live: server('edge-1', [iface('wg0', [peer(1)]), iface('wg1', [])]) },
  ]);
  const labels = (query: string) =>
    searchFleet(fleet, [], query).map((i) =>
      i.kind === 'command'
        ? `command ${i.command.label}`
        : i.kind === 'interface'
          ? `interface ${i.server}/${i.iface}`
          : i.kind,
    );

  it('an interface by its name or server/name, exact first', () => {
    expect(labels('wg1')[0]).toBe('interface edge-1/wg1');
    expect(labels('edge-1/wg0')).toEqual(['interface edge-1/wg0']);
  });

  it('commands by any word of their label: "dark" is the dark theme, "add" adds a server', () => {
    expect(labels('dark')).toEqual(['command Theme: dark']);
    expect(labels('theme')).toEqual(['command Theme: system', 'command Theme: light', 'command Theme: dark']);
    expect(labels('add')[0]).toBe('command Add server');
    expect(labels('settings')).toEqual(['command Open settings']);
  });

  it('an empty query still lists servers only', () => {
    expect(labels('')).toEqual(['server']);
  });
});
