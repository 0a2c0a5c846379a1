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
    ['198.18.255.255', '198.18.255.255'],
    ['198.18.8.1', '198.18.8.1'],
    ['::', '::'],
    ['::1', '::1'],
    ['2001:2:0:1DB8:0:0:0:1', '2001:2:0:1db8::1'],
    ['2001:2:0:1db8:0:0:1:0', '2001:2:0:1db8::1:0'],
    ['2001:2:0:1000:0:1:0:0', '2001:2:0:1000:0:1::'],
    ['2001:2:0:1000:1:0:1:0', '2001:2:0:1000:1:0:1:0'],
    ['2001:2:0:1042::', '2001:2:0:1042::'],
    ['::ffff:198.18.0.1', '::ffff:198.18.0.1'],
    ['::FFFF:c612:1', '::ffff:198.18.0.1'],
    ['2001:2:0:1000:5:6:7::', '2001:2:0:1000:5:6:7:0'],
  ])('%s → %s', (text, canonical) => {
    const address = parseAddress(text)!;
    expect(formatAddress(address.family, address.value)).toBe(canonical);
    const again = parseAddress(canonical)!;
    expect(again.value).toBe(address.value);
  });

  it.each([
    '',
    '198.18.0',
    '198.18.0.01',
    '2001:2:0:1000::2::3',
    '2001:2:0:1000::1%eth0',
    ' 198.18.0.1',
    '198.18.0.1\n',
  ])('refuses %j', (text) => {
    expect(parseAddress(text)).toBeNull();
  });

  it.each([
    ['198.18.0.2', true, '198.18.0.2/32'],
    ['198.18.0.2', false, null],
    ['2001:2:0:1000::2', true, '2001:2:0:1000::2/128'],
    ['198.18.0.0/16', true, '198.18.0.0/16'],
    ['198.18.0.1/33', true, null],
    ['198.18.0.1/', true, null],
    ['198.18.0.1/08', true, null],
    ['2001:2:0:1000::/129', true, null],
  ])('parsePrefix(%j, bare %s)', (text, bare, expected) => {
    const prefix = parsePrefix(text, bare);
    expect(prefix && formatPrefix(prefix)).toBe(expected);
  });
});

describe('arithmetic', () => {
  it('masks, bounds and compares prefixes', () => {
    const p = parsePrefix('198.18.8.77/24')!;
    expect(hasHostBits(p)).toBe(true);
    expect(formatAddress(4, networkOf(p))).toBe('198.18.8.0');
    expect(formatAddress(4, lastOf(p))).toBe('198.18.8.255');
    expect(prefixKey(p)).toBe('198.18.8.0/24');
    expect(prefixKey(parsePrefix('2001:2:0:1ABC:0::1/64')!)).toBe('2001:2:0:1abc::/64');
    expect(formatAddress(6, lastOf(parsePrefix('2001:2:0:1000::/64')!))).toBe(
      '2001:2:0:1000:ffff:ffff:ffff:ffff',
    );
  });

  it.each([
    ['0.0.0.0/0', '198.18.0.1/32', true, true],
    ['198.18.0.0/16', '198.18.8.0/24', true, true],
    ['198.18.8.0/24', '198.18.0.0/16', false, true],
    ['198.18.8.0/24', '198.18.9.0/24', false, false],
    ['198.18.8.0/24', '198.18.8.0/24', true, true],
    ['::/0', '198.18.0.0/16', false, false],
    ['2001:2:0:1000::/64', '2001:2:0:1000::1/128', true, true],
  ])('%s ⊇ %s: %s; overlap: %s', (outer, inner, contains, overlap) => {
    expect(containsPrefix(parsePrefix(outer)!, parsePrefix(inner)!)).toBe(contains);
    expect(prefixesOverlap(parsePrefix(outer)!, parsePrefix(inner)!)).toBe(overlap);
  });
});
