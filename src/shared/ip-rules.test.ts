import { describe, expect, it } from 'vitest';
import { ADDRESSES, PREFIXES } from './ip-rules.testkit.ts';
import {
  addressFamily,
  cidrProblem,
  fullTunnelFor,
  isCidr,
  isIPv4,
  isIPv6,
  isInterfaceName,
  parsePrefix,
  prefixContains,
  samePrefix,
} from './ip-rules.ts';

describe('the shared address rules', () => {
  it.each(ADDRESSES)('%j is an IPv%s address', (text, family) => {
    expect(addressFamily(text)).toBe(family);
    expect(isIPv4(text)).toBe(family === 4);
    expect(isIPv6(text)).toBe(family === 6);
  });

  it.each(PREFIXES)('%j is a prefix: %s', (text, valid) => {
    expect(isCidr(text)).toBe(valid);
  });

  it('bare addresses count as host prefixes where AllowedIPs are read, with the reason when not', () => {
    expect(cidrProblem('198.18.0.1')).toBeNull();
    expect(cidrProblem('198.18.0.1', { bare: false })).toMatch(/no prefix length/);
    expect(cidrProblem('198.18.0.01/32')).toMatch(/not an IPv4 or IPv6 address/);
    expect(cidrProblem('2001:2:0:1000/64')).toMatch(/not an IPv4 or IPv6 address/);
    expect(cidrProblem('2001:2:0:1000::/064')).toMatch(/0 to 128, in plain digits/);
  });

  it('interface names: 1–15 of the characters wg-quick allows', () => {
    for (const name of ['wg0', 'office-wg0', 'a', 'x'.repeat(15), 'wg_0=+.'])
      expect(isInterfaceName(name), name).toBe(true);
    for (const name of ['', 'x'.repeat(16), 'wg 0', 'wg0;', 'wg0\n', 'wg/0', '\u001b[0m'])
      expect(isInterfaceName(name), name).toBe(false);
  });
});

describe('prefixes as numbers', () => {
  it('reads a bare address as its host prefix, and clears host bits', () => {
    expect(parsePrefix('198.18.0.15')).toEqual({ family: 4, network: 0xc612000fn, length: 32 });
    expect(samePrefix(parsePrefix('198.18.0.15')!, parsePrefix('198.18.0.15/32')!)).toBe(true);
    expect(parsePrefix('198.18.0.5/28')).toEqual({ family: 4, network: 0xc6120000n, length: 28 });
    expect(parsePrefix('::1')).toEqual({ family: 6, network: 1n, length: 128 });
    expect(samePrefix(parsePrefix('::ffff:198.18.0.15')!, parsePrefix('::FFFF:c612:f/128')!)).toBe(true);
  });

  it.each(
    PREFIXES.filter(([, valid]) => !valid)
      .map(([text]) => text)
      .filter((t) => t !== '198.18.0.1'),
  )('refuses %j as the rule does', (text) => {
    expect(parsePrefix(text)).toBeNull();
  });

  it.each([
    ['198.18.0.0/28', '198.18.0.15/32', true],
    ['198.18.0.0/28', '198.18.0.16', false],
    ['198.18.0.0/28', '198.18.0.0/28', true],
    ['198.18.0.0/28', '198.18.0.0/27', false], // wider than the outer one
    ['198.18.0.0/16', '198.18.64.0/24', true],
    ['0.0.0.0/0', '198.18.0.1', true],
    ['::/0', '::1', true],
    ['::ffff:198.18.0.0/120', '::ffff:198.18.0.200/128', true],
    ['::ffff:198.18.0.0/120', '::ffff:198.18.1.0/128', false],
    ['::/0', '198.18.0.1', false], // another family
  ] as const)('%s contains %s: %s', (outer, inner, inside) => {
    expect(prefixContains(parsePrefix(outer)!, parsePrefix(inner)!)).toBe(inside);
  });

  it('a full tunnel routes only the families the client has tunnel addresses in', () => {
    expect(fullTunnelFor(['198.18.128.7/32'])).toEqual(['0.0.0.0/0']);
    expect(fullTunnelFor(['2001:2:0:1000::7/128'])).toEqual(['::/0']);
    expect(fullTunnelFor(['198.18.128.7/32', '2001:2:0:1000::7/128'])).toEqual(['0.0.0.0/0', '::/0']);
    // Nothing known (no Address line): both, as before.
    expect(fullTunnelFor([])).toEqual(['0.0.0.0/0', '::/0']);
  });
});
