import { describe, expect, it } from 'vitest';
import {
  containsPrefix,
  formatAddress,
  formatPrefix,
  hasHostBits,
  lastOf,
  networkOf,
  parseAddress,
  parsePrefix,
  prefixesOverlap,
  prefixKey,
} from './ip.ts';

describe('parse and format', () => {
  it.each([
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
    ['10.8.0.1', '10.8.0.1'],
    ['::', '::'],
    ['::1', '::1'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['1:0:1:0:1:0:1:0', '1:0:1:0:1:0:1:0'],
    ['fd42:42:42::', 'fd42:42:42::'],
    ['::ffff:192.0.2.1', '::ffff:192.0.2.1'],
    ['::FFFF:c000:201', '::ffff:192.0.2.1'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
  ])('%s → %s', (text, canonical) => {
    const address = parseAddress(text)!;
    expect(formatAddress(address.family, address.value)).toBe(canonical);
    const again = parseAddress(canonical)!;
    expect(again.value).toBe(address.value);
  });

  it.each(['', '10.0.0', '10.0.0.01', '1::2::3', 'fe80::1%eth0', ' 10.0.0.1', '10.0.0.1\n'])(
    'refuses %j',
    (text) => {
      expect(parseAddress(text)).toBeNull();
    },
  );

  it.each([
    ['10.0.0.2', true, '10.0.0.2/32'],
    ['10.0.0.2', false, null],
    ['fd00::2', true, 'fd00::2/128'],
    ['10.0.0.0/8', true, '10.0.0.0/8'],
    ['10.0.0.1/33', true, null],
    ['10.0.0.1/', true, null],
    ['10.0.0.1/08', true, null],
    ['fd00::/129', true, null],
  ])('parsePrefix(%j, bare %s)', (text, bare, expected) => {
    const prefix = parsePrefix(text, bare);
    expect(prefix && formatPrefix(prefix)).toBe(expected);
  });
});

describe('arithmetic', () => {
  it('masks, bounds and compares prefixes', () => {
    const p = parsePrefix('10.8.0.77/24')!;
    expect(hasHostBits(p)).toBe(true);
    expect(formatAddress(4, networkOf(p))).toBe('10.8.0.0');
    expect(formatAddress(4, lastOf(p))).toBe('10.8.0.255');
    expect(prefixKey(p)).toBe('10.8.0.0/24');
    expect(prefixKey(parsePrefix('FD00:0::1/64')!)).toBe('fd00::/64');
    expect(formatAddress(6, lastOf(parsePrefix('fd00::/64')!))).toBe('fd00::ffff:ffff:ffff:ffff');
  });

  it.each([
    ['0.0.0.0/0', '10.0.0.1/32', true, true],
    ['10.0.0.0/8', '10.8.0.0/24', true, true],
    ['10.8.0.0/24', '10.0.0.0/8', false, true],
    ['10.8.0.0/24', '10.9.0.0/24', false, false],
    ['10.8.0.0/24', '10.8.0.0/24', true, true],
    ['::/0', '10.0.0.0/8', false, false],
    ['fd00::/64', 'fd00::1/128', true, true],
  ])('%s ⊇ %s: %s; overlap: %s', (outer, inner, contains, overlap) => {
    expect(containsPrefix(parsePrefix(outer)!, parsePrefix(inner)!)).toBe(contains);
    expect(prefixesOverlap(parsePrefix(outer)!, parsePrefix(inner)!)).toBe(overlap);
  });
});
