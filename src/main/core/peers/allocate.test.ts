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
    [
      'first host after the server',
      ['198.18.0.1/24', '2001:2:0:1000::1/64'],
      [],
      ['198.18.0.2/32', '2001:2:0:1000::2/128'],
    ],
    ['below a server that is not .1', ['198.18.0.10/24'], [], ['198.18.0.1/32']],
    ['IPv6 only', ['2001:2:0:1003::1/64'], [], ['2001:2:0:1003::2/128']],
    [
      'the first gap',
      ['198.18.0.1/24'],
      [peer('a', '198.18.0.2/32'), peer('b', '198.18.0.3/32'), peer('c', '198.18.0.5/32')],
      ['198.18.0.4/32'],
    ],
    ['after a range claim', ['198.18.0.1/24'], [peer('site', '198.18.0.0/28')], ['198.18.0.16/32']],
    [
      'claims with host bits count as their network',
      ['198.18.0.1/24'],
      [peer('a', '198.18.0.3/31')],
      ['198.18.0.4/32'],
    ],
    [
      'claims outside the subnet do not matter',
      ['198.18.0.1/24'],
      [peer('a', '198.18.1.2/32', '198.18.128.0/17')],
      ['198.18.0.2/32'],
    ],
    [
      'an exit route is not a claim',
      ['198.18.0.1/24', '2001:2:0:1000::1/64'],
      [peer('exit', '0.0.0.0/0', '::/0')],
      ['198.18.0.2/32', '2001:2:0:1000::2/128'],
    ],
    [
      'a route around the subnet is not a claim',
      ['198.18.8.1/24'],
      [peer('site', '198.18.0.0/17')],
      ['198.18.8.2/32'],
    ],
    [
      'a route equal to the subnet is not a claim',
      ['198.18.8.1/24'],
      [peer('gw', '198.18.8.0/24')],
      ['198.18.8.2/32'],
    ],
    ['/30: the one host left', ['198.18.0.1/30'], [], ['198.18.0.2/32']],
    ['/31: both addresses are hosts', ['198.18.0.0/31'], [], ['198.18.0.1/32']],
    ['IPv6 /127', ['2001:2:0:1000::/127'], [], ['2001:2:0:1000::1/128']],
    [
      'the second subnet when the first is full',
      ['198.18.0.1/30', '198.18.1.1/24'],
      [peer('a', '198.18.0.2/32')],
      ['198.18.1.2/32'],
    ],
    [
      'the IPv6 with IPv4 mapped',
      ['198.18.0.1/24', '::ffff:198.18.0.1/120'],
      [],
      ['198.18.0.2/32', '::ffff:198.18.0.2/128'],
    ],
    ['invalid Address entries are skipped', ['nonsense', '198.18.0.1/24'], [], ['198.18.0.2/32']],
    [
      'keyless file peers still claim',
      ['198.18.0.1/24'],
      [{ publicKey: null, name: null, allowedIps: ['198.18.0.2/32'] }],
      ['198.18.0.3/32'],
    ],
    ['the server address counted only once', ['198.18.0.1/24', '198.18.0.2/24'], [], ['198.18.0.3/32']],
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
    ['/32 server address', ['198.18.0.1/32'], [], ['allowedIps: no free IPv4 address in 198.18.0.1/32']],
    [
      'full /30',
      ['198.18.0.1/30'],
      [peer('a', '198.18.0.2/32')],
      ['allowedIps: no free IPv4 address in 198.18.0.0/30'],
    ],
    [
      'IPv6 full, IPv4 not',
      ['198.18.0.1/24', '2001:2:0:1000::1/128'],
      [],
      ['allowedIps: no free IPv6 address in 2001:2:0:1000::1/128'],
    ],
    [
      'a claim over the whole subnet minus the route rule',
      ['198.18.0.1/24'],
      [peer('half', '198.18.0.0/25'), peer('other', '198.18.0.128/25')],
      ['allowedIps: no free IPv4 address in 198.18.0.0/24'],
    ],
  ])('refuses: %s', (_label, addresses, claimants, expected) => {
    expect(messages(() => allocate(addresses, claimants))).toEqual(expected);
  });

  it('fills a /24 exactly: 253 distinct addresses, then an error', () => {
    const book = new AddressBook(['198.18.0.1/24']);
    const seen = new Set<string>();
    for (let i = 0; i < 253; i++) {
      const [prefix] = book.allocate();
      const text = formatPrefix(prefix!);
      expect(seen.has(text)).toBe(false);
      expect(text).not.toMatch(/^198\.18\.0\.(0|1|255)\//);
      seen.add(text);
      book.claim({ publicKey: testKey(`p${i}`), name: null, allowedIps: [text] });
    }
    expect(() => book.allocate()).toThrow(/no free IPv4 address in 198.18.0.0\/24/);
  });

  // How fast: `npm run bench -- files`.
  it(
    'allocates and checks among 10,000 peers, live and file claims overlapping',
    { timeout: BIG_TEST_TIMEOUT_MS },
    () => {
      const book = buildAddressBook(['198.18.0.1/16', '2001:2:0:1000::1/64'], bigClaimants(10_000));
      const allocated: string[] = [];
      for (let i = 0; i < 50; i++) {
        const next = book.allocate().map(formatPrefix);
        allocated.push(...next);
        book.claim({ publicKey: testKey(`n${i}`), name: null, allowedIps: next });
      }
      const problems = book.check(NEW, prefixes('198.18.10.10/32', '198.18.200.0/24', '198.18.0.0/16'));
      expect(allocated.slice(0, 2)).toEqual(['198.18.39.18/32', '2001:2:0:1000::2712/128']);
      expect(new Set(allocated).size).toBe(100);
      expect(problems.map((p) => p.field)).toEqual(['allowedIps[0]']);
    },
  );
});

describe('overlap check', () => {
  const book = buildAddressBook(
    ['198.18.8.1/24', '2001:2:0:1abc::1/64'],
    [
      peer('alice', '198.18.8.2/32', '2001:2:0:1abc::2/128'),
      peer('site', '198.18.150.0/24'),
      peer('exit', '0.0.0.0/0'),
      peer('wide', '198.18.0.0/17'),
    ],
  );
  const aliceLabel = peerLabel(testKey('alice'), 'alice');

  it.each<[string, string[], string[]]>([
    ['free addresses', ['198.18.8.3/32', '2001:2:0:1abc::3/128'], []],
    [
      'the same prefix as another peer',
      ['198.18.8.2/32'],
      [`allowedIps[0]: 198.18.8.2/32 is already routed to ${aliceLabel}`],
    ],
    [
      'the same prefix, written differently',
      ['2001:2:0:1ABC:0::2/128'],
      [`allowedIps[0]: 2001:2:0:1abc::2/128 is already routed to ${aliceLabel}`],
    ],
    [
      "the interface's own address",
      ['198.18.8.1/32'],
      ["allowedIps[0]: 198.18.8.1/32 is the interface's own address (Address = 198.18.8.1/24)"],
    ],
    [
      'a range containing a peer',
      ['198.18.8.0/30'],
      [
        `allowedIps[0]: 198.18.8.0/30 contains 198.18.8.1/32, the interface's own address (Address = 198.18.8.1/24)`,
        `allowedIps[0]: 198.18.8.0/30 contains 198.18.8.2/32, ${aliceLabel}`,
      ],
    ],
    [
      'inside a site',
      ['198.18.150.7/32'],
      [`allowedIps[0]: 198.18.150.7/32 is inside 198.18.150.0/24 of ${peerLabel(testKey('site'), 'site')}`],
    ],
    [
      'a site containing one',
      ['198.18.128.0/17'],
      [`allowedIps[0]: 198.18.128.0/17 contains 198.18.150.0/24, ${peerLabel(testKey('site'), 'site')}`],
    ],
    ['inside routes (exit, around the subnet) is fine', ['198.18.8.77/32', '198.18.200.8/32'], []],
    [
      'a second exit route is not',
      ['0.0.0.0/0'],
      [`allowedIps[0]: 0.0.0.0/0 is already routed to ${peerLabel(testKey('exit'), 'exit')}`],
    ],
    ['a new route around the subnet is fine', ['198.18.8.0/21'], []],
  ])('%s', (_label, texts, expected) => {
    expect(book.check(NEW, prefixes(...texts)).map((p) => `${p.field}: ${p.message}`)).toEqual(expected);
  });

  it("ignores the peer's own current claims (an edit)", () => {
    expect(book.check(testKey('alice'), prefixes('198.18.8.2/32', '2001:2:0:1abc::2/128'))).toEqual([]);
  });

  it('bounds the list of conflicts', () => {
    const crowded = buildAddressBook(
      ['198.18.9.1/24'],
      Array.from({ length: 20 }, (_, i) => peer(`p${i}`, `198.18.16.${i}/32`)),
    );
    const problems = crowded.check(NEW, prefixes('198.18.16.0/24'));
    expect(problems).toHaveLength(6);
    expect(problems.at(-1)!.message).toBe('and 15 more');
    expect(problems[0]!.message).toMatch(/^198.18.16.0\/24 contains 198.18.16.0\/32, "p0"/);
  });
});
