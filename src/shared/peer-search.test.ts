import { describe, expect, it } from 'vitest';
import {
  comparePeerTies,
  endpointHost,
  matchPeer,
  parsePeerQuery,
  searchPeers,
  type MatchKind,
  type SearchablePeer,
} from './peer-search.ts';

const peer = (publicKey: string, allowedIps: string[], endpoint: string | null = null): SearchablePeer => ({
  publicKey,
  allowedIps,
  endpoint,
});

const SITE = peer('SiteKeyAAAA=', ['198.18.64.0/24', '::ffff:198.18.64.0/120'], '198.18.2.7:51820');
const PHONE = peer('PhoneKeyBBB=', ['198.18.0.15/32', '::ffff:198.18.0.15/128'], '[::1]:40000');
const LAPTOP = peer('LaptopKeyCC=', ['198.18.0.150/32'], '198.18.0.15:51820');

// [query, peer, its name, how it matches]
const MATCHES: [string, SearchablePeer, string | null, MatchKind | null][] = [
  // Addresses compare as prefixes: a host prefix is the bare address, whichever way it is written.
  ['198.18.0.15', PHONE, null, 'exact'],
  ['198.18.0.15/32', PHONE, null, 'exact'],
  ['  198.18.0.15  ', PHONE, null, 'exact'],
  ['::ffff:198.18.0.15', PHONE, null, 'exact'],
  ['::FFFF:C612:000F', PHONE, null, 'exact'], // the same IPv6 address, another spelling
  ['198.18.64.0/24', SITE, null, 'exact'],
  // A bare address is not the network it lies in, nor one that only starts like it.
  ['198.18.64.7', SITE, null, null],
  ['198.18.0.1', PHONE, null, 'prefix'],
  ['198.18.0.15', LAPTOP, null, 'exact'], // its endpoint's host
  ['198.18.0.15:51820', LAPTOP, null, 'exact'],
  ['198.18.0.1', LAPTOP, null, 'prefix'],
  ['::1', PHONE, null, 'exact'], // the IPv6 endpoint's host, without brackets and port
  // A prefix finds what lies inside it (IPv4 and IPv6), not what only overlaps it.
  ['198.18.0.0/28', PHONE, null, 'inside'],
  ['198.18.0.5/28', PHONE, null, 'inside'], // host bits cleared, as the kernel routes it
  ['198.18.0.0/28', LAPTOP, null, null], // .150 is outside .0–.15; its endpoint does not count
  ['198.18.0.0/16', SITE, null, 'inside'],
  ['198.18.64.0/25', SITE, null, null], // the /24 is wider than the query
  ['::ffff:198.18.0.0/120', PHONE, null, 'inside'],
  ['::ffff:198.18.0.0/120', LAPTOP, null, null],
  ['198.18.0.0/33', PHONE, null, null], // not a prefix: text only, and no text has it
  // Names and keys: whole, start, inside; any case.
  ['alice phone', PHONE, 'Alice Phone', 'exact'],
  ['alice', PHONE, 'Alice Phone', 'prefix'],
  ['phone', PHONE, 'Alice Phone', 'prefix'], // its key starts with it (better than the name's inside)
  ['ice', PHONE, 'Alice Phone', 'substring'],
  ['phonekeybbb=', PHONE, null, 'exact'],
  ['keyb', PHONE, null, 'substring'],
  ['2.7:518', SITE, null, 'substring'],
  ['nothing', PHONE, 'Alice Phone', null],
];

describe('matchPeer', () => {
  it.each(MATCHES)('%j against %o named %j: %s', (query, p, name, kind) => {
    expect(matchPeer(p, parsePeerQuery(query)!, name)).toBe(kind);
  });

  it('a blank query is no query', () => {
    expect(parsePeerQuery('   ')).toBeNull();
  });

  it.each([
    ['198.18.0.1:51820', '198.18.0.1'],
    ['[::1]:51820', '::1'],
    ['[::ffff:198.18.0.1]:80', '::ffff:198.18.0.1'],
    ['example.net', 'example.net'],
  ])('endpointHost(%j) is %j', (endpoint, host) => {
    expect(endpointHost(endpoint)).toBe(host);
  });
});

describe('searchPeers', () => {
  // 198.18.0.1 … 198.18.0.199 (unnamed), as a 300-peer interface has them, plus two named peers.
  const many = Array.from({ length: 200 }, (_, i) =>
    peer(`key-${String((i * 7919) % 1000).padStart(4, '0')}=`, [`198.18.0.${i}/32`]),
  );
  const names: Record<string, string> = { 'gw-b=': 'gateway 10', 'gw-a=': 'gateway 9' };
  many.push(peer('gw-b=', ['198.18.1.1/32']), peer('gw-a=', ['198.18.1.2/32']));
  const view = (p: SearchablePeer) => ({ peer: p, name: names[p.publicKey] ?? null });
  const ips = (hits: { item: SearchablePeer }[]) => hits.map((h) => h.item.allowedIps[0]);

  it('ranks exact, then prefix, then substring; the exact address first among 111 that contain it', () => {
    const hits = searchPeers(many, '198.18.0.1', view);
    expect(hits).toHaveLength(111); // .1, .10–.19, .100–.199
    expect(hits[0]).toMatchObject({ kind: 'exact', item: { allowedIps: ['198.18.0.1/32'] } });
    expect(hits.slice(1).every((h) => h.kind === 'prefix')).toBe(true);
    expect(searchPeers(many, '8.0.1', view)[0]!.kind).toBe('substring');
  });

  it('orders the same whatever order the peers come in (a poll reorders them)', () => {
    const shuffled = [...many].sort((a, b) => (a.publicKey < b.publicKey ? 1 : -1));
    for (const query of ['198.18.0.1', '198.18.0.0/28', 'key-00', 'gateway']) {
      expect(ips(searchPeers(shuffled, query, view))).toEqual(ips(searchPeers(many, query, view)));
    }
  });

  it('breaks ties by name (natural order, named first), then by key', () => {
    expect(ips(searchPeers(many, 'gateway', view))).toEqual(['198.18.1.2/32', '198.18.1.1/32']);
    const inside = searchPeers(many, '198.18.0.0/28', view);
    expect(inside).toHaveLength(16);
    expect(inside.every((h) => h.kind === 'inside')).toBe(true);
    const keys = inside.map((h) => h.item.publicKey);
    expect(keys).toEqual([...keys].sort());
  });

  it('keeps every item, in the order given, for a blank query', () => {
    expect(searchPeers(many, ' ', view).map((h) => h.item)).toEqual(many);
  });

  it('compares ties without mutating, tail last', () => {
    expect(comparePeerTies({ name: null, publicKey: 'a' }, { name: 'z', publicKey: 'b' })).toBeGreaterThan(0);
    expect(
      comparePeerTies({ name: 'peer 2', publicKey: 'b' }, { name: 'Peer 10', publicKey: 'a' }),
    ).toBeLessThan(0);
    expect(
      comparePeerTies(
        { name: null, publicKey: 'k', tail: 'b/wg0' },
        { name: null, publicKey: 'k', tail: 'a/wg0' },
      ),
    ).toBeGreaterThan(0);
  });

  // How fast: a search over a 10,000-peer fleet stays interactive once its addresses were read.
  it('searches 10,000 peers by address and by prefix', () => {
    const big = Array.from({ length: 10_000 }, (_, i) =>
      peer(`big-${i}=`, [`198.18.${i >> 8}.${i & 255}/32`, `::ffff:198.18.${i >> 8}.${i & 255}/128`]),
    );
    const bigView = (p: SearchablePeer) => ({ peer: p, name: null });
    expect(searchPeers(big, '198.18.3.7', bigView)[0]!.item.publicKey).toBe(`big-${3 * 256 + 7}=`);
    expect(searchPeers(big, '198.18.3.0/24', bigView)).toHaveLength(256);
    expect(searchPeers(big, '::ffff:198.18.3.0/120', bigView)).toHaveLength(256);
  });
});
