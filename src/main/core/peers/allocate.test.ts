import { describe, expect, it } from 'vitest';
import { AddressBook, buildAddressBook, peerLabel } from './allocate.ts';
import type { Claimant } from './allocate.ts';
import { formatPrefix, parsePrefix } from './ip.ts';
import type { Prefix } from './ip.ts';
import { BIG_TEST_TIMEOUT_MS, bigClaimants, testKey } from './fixtures.testkit.ts';
import { PeerInputError } from './validate.ts';

const NEW = testKey('new');

function peer(label: string, ...allowedIps: string[]): Claimant {
  return { publicKey: testKey(label), name: label, allowedIps };
}

function allocate(addresses: string[], claimants: Claimant[]): string[] {
  return buildAddressBook(addresses, claimants).allocate().map(formatPrefix);
}

function prefixes(...texts: string[]): Prefix[] {
  return texts.map((text) => parsePrefix(text)!);
}

function messages(error: () => unknown): string[] {
  try {
    error();
  } catch (caught) {
    if (caught instanceof PeerInputError) return caught.problems.map((p) => `${p.field}: ${p.message}`);
    throw caught;
  }
  throw new Error('expected a PeerInputError');
}

describe('allocate', () => {
  it.each<[string, string[], Claimant[], string[]]>([
    ['first host after the server', ['10.0.0.1/24', 'fd00::1/64'], [], ['10.0.0.2/32', 'fd00::2/128']],
    ['below a server that is not .1', ['10.0.0.10/24'], [], ['10.0.0.1/32']],
    ['IPv6 only', ['fd00:1:2:3::1/64'], [], ['fd00:1:2:3::2/128']],
    [
      'the first gap',
      ['10.0.0.1/24'],
      [peer('a', '10.0.0.2/32'), peer('b', '10.0.0.3/32'), peer('c', '10.0.0.5/32')],
      ['10.0.0.4/32'],
    ],
    ['after a range claim', ['10.0.0.1/24'], [peer('site', '10.0.0.0/28')], ['10.0.0.16/32']],
    [
      'claims with host bits count as their network',
      ['10.0.0.1/24'],
      [peer('a', '10.0.0.3/31')],
      ['10.0.0.4/32'],
    ],
    [
      'claims outside the subnet do not matter',
      ['10.0.0.1/24'],
      [peer('a', '10.0.1.2/32', '192.168.0.0/16')],
      ['10.0.0.2/32'],
    ],
    [
      'an exit route is not a claim',
      ['10.0.0.1/24', 'fd00::1/64'],
      [peer('exit', '0.0.0.0/0', '::/0')],
      ['10.0.0.2/32', 'fd00::2/128'],
    ],
    [
      'a route around the subnet is not a claim',
      ['10.8.0.1/24'],
      [peer('site', '10.0.0.0/8')],
      ['10.8.0.2/32'],
    ],
    [
      'a route equal to the subnet is not a claim',
      ['10.8.0.1/24'],
      [peer('gw', '10.8.0.0/24')],
      ['10.8.0.2/32'],
    ],
    ['/30: the one host left', ['10.0.0.1/30'], [], ['10.0.0.2/32']],
    ['/31: both addresses are hosts', ['10.0.0.0/31'], [], ['10.0.0.1/32']],
    ['IPv6 /127', ['fd00::/127'], [], ['fd00::1/128']],
    [
      'the second subnet when the first is full',
      ['10.0.0.1/30', '10.1.0.1/24'],
      [peer('a', '10.0.0.2/32')],
      ['10.1.0.2/32'],
    ],
    [
      'the IPv6 with IPv4 mapped',
      ['10.0.0.1/24', '::ffff:10.0.0.1/120'],
      [],
      ['10.0.0.2/32', '::ffff:10.0.0.2/128'],
    ],
    ['invalid Address entries are skipped', ['nonsense', '10.0.0.1/24'], [], ['10.0.0.2/32']],
    [
      'keyless file peers still claim',
      ['10.0.0.1/24'],
      [{ publicKey: null, name: null, allowedIps: ['10.0.0.2/32'] }],
      ['10.0.0.3/32'],
    ],
    ['the server address counted only once', ['10.0.0.1/24', '10.0.0.2/24'], [], ['10.0.0.3/32']],
  ])('%s', (_label, addresses, claimants, expected) => {
    expect(allocate(addresses, claimants)).toEqual(expected);
  });

  it.each<[string, string[], Claimant[], string[]]>([
    [
      'no Address',
      [],
      [],
      [
        'allowedIps: the interface has no Address in its config file to allocate from: give the allowed IPs explicitly',
      ],
    ],
    ['/32 server address', ['10.0.0.1/32'], [], ['allowedIps: no free IPv4 address in 10.0.0.1/32']],
    [
      'full /30',
      ['10.0.0.1/30'],
      [peer('a', '10.0.0.2/32')],
      ['allowedIps: no free IPv4 address in 10.0.0.0/30'],
    ],
    [
      'IPv6 full, IPv4 not',
      ['10.0.0.1/24', 'fd00::1/128'],
      [],
      ['allowedIps: no free IPv6 address in fd00::1/128'],
    ],
    [
      'a claim over the whole subnet minus the route rule',
      ['10.0.0.1/24'],
      [peer('half', '10.0.0.0/25'), peer('other', '10.0.0.128/25')],
      ['allowedIps: no free IPv4 address in 10.0.0.0/24'],
    ],
  ])('refuses: %s', (_label, addresses, claimants, expected) => {
    expect(messages(() => allocate(addresses, claimants))).toEqual(expected);
  });

  it('fills a /24 exactly: 253 distinct addresses, then an error', () => {
    const book = new AddressBook(['10.0.0.1/24']);
    const seen = new Set<string>();
    for (let i = 0; i < 253; i++) {
      const [prefix] = book.allocate();
      const text = formatPrefix(prefix!);
      expect(seen.has(text)).toBe(false);
      expect(text).not.toMatch(/^10\.0\.0\.(0|1|255)\//);
      seen.add(text);
      book.claim({ publicKey: testKey(`p${i}`), name: null, allowedIps: [text] });
    }
    expect(() => book.allocate()).toThrow(/no free IPv4 address in 10.0.0.0\/24/);
  });

  // How fast: `npm run bench -- files`.
  it(
    'allocates and checks among 10,000 peers, live and file claims overlapping',
    { timeout: BIG_TEST_TIMEOUT_MS },
    () => {
      const book = buildAddressBook(['10.0.0.1/16', 'fd00::1/64'], bigClaimants(10_000));
      const allocated: string[] = [];
      for (let i = 0; i < 50; i++) {
        const next = book.allocate().map(formatPrefix);
        allocated.push(...next);
        book.claim({ publicKey: testKey(`n${i}`), name: null, allowedIps: next });
      }
      const problems = book.check(NEW, prefixes('10.0.10.10/32', '10.0.200.0/24', '10.0.0.0/16'));
      expect(allocated.slice(0, 2)).toEqual(['10.0.39.18/32', 'fd00::2712/128']);
      expect(new Set(allocated).size).toBe(100);
      expect(problems.map((p) => p.field)).toEqual(['allowedIps[0]']);
    },
  );
});

describe('overlap check', () => {
  const book = buildAddressBook(
    ['10.8.0.1/24', 'fd00::1/64'],
    [
      peer('alice', '10.8.0.2/32', 'fd00::2/128'),
      peer('site', '192.168.50.0/24'),
      peer('exit', '0.0.0.0/0'),
      peer('wide', '10.0.0.0/8'),
    ],
  );
  const aliceLabel = peerLabel(testKey('alice'), 'alice');

  it.each<[string, string[], string[]]>([
    ['free addresses', ['10.8.0.3/32', 'fd00::3/128'], []],
    [
      'the same prefix as another peer',
      ['10.8.0.2/32'],
      [`allowedIps[0]: 10.8.0.2/32 is already routed to ${aliceLabel}`],
    ],
    [
      'the same prefix, written differently',
      ['FD00:0::2/128'],
      [`allowedIps[0]: fd00::2/128 is already routed to ${aliceLabel}`],
    ],
    [
      "the interface's own address",
      ['10.8.0.1/32'],
      ["allowedIps[0]: 10.8.0.1/32 is the interface's own address (Address = 10.8.0.1/24)"],
    ],
    [
      'a range containing a peer',
      ['10.8.0.0/30'],
      [
        `allowedIps[0]: 10.8.0.0/30 contains 10.8.0.1/32, the interface's own address (Address = 10.8.0.1/24)`,
        `allowedIps[0]: 10.8.0.0/30 contains 10.8.0.2/32, ${aliceLabel}`,
      ],
    ],
    [
      'inside a site',
      ['192.168.50.7/32'],
      [`allowedIps[0]: 192.168.50.7/32 is inside 192.168.50.0/24 of ${peerLabel(testKey('site'), 'site')}`],
    ],
    [
      'a site containing one',
      ['192.168.0.0/16'],
      [`allowedIps[0]: 192.168.0.0/16 contains 192.168.50.0/24, ${peerLabel(testKey('site'), 'site')}`],
    ],
    ['inside routes (exit, around the subnet) is fine', ['10.8.0.77/32', '8.8.8.8/32'], []],
    [
      'a second exit route is not',
      ['0.0.0.0/0'],
      [`allowedIps[0]: 0.0.0.0/0 is already routed to ${peerLabel(testKey('exit'), 'exit')}`],
    ],
    ['a new route around the subnet is fine', ['10.8.0.0/16'], []],
  ])('%s', (_label, texts, expected) => {
    expect(book.check(NEW, prefixes(...texts)).map((p) => `${p.field}: ${p.message}`)).toEqual(expected);
  });

  it("ignores the peer's own current claims (an edit)", () => {
    expect(book.check(testKey('alice'), prefixes('10.8.0.2/32', 'fd00::2/128'))).toEqual([]);
  });

  it('bounds the list of conflicts', () => {
    const crowded = buildAddressBook(
      ['10.9.0.1/24'],
      Array.from({ length: 20 }, (_, i) => peer(`p${i}`, `172.16.0.${i}/32`)),
    );
    const problems = crowded.check(NEW, prefixes('172.16.0.0/24'));
    expect(problems).toHaveLength(6);
    expect(problems.at(-1)!.message).toBe('and 15 more');
    expect(problems[0]!.message).toMatch(/^172.16.0.0\/24 contains 172.16.0.0\/32, "p0"/);
  });
});
