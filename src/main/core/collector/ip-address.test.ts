import { isIPv6 as nodeIsIPv6 } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isCidr, isEndpoint, isIPv4, isIPv6 } from './ip-address.ts';
import * as rules from '../../../shared/ip-rules.ts';
import { ADDRESSES, PREFIXES } from '../../../shared/ip-rules.testkit.ts';

describe('isIPv4', () => {
  it.each(['0.0.0.0', '198.18.0.1', '198.18.100.200', '198.18.255.255'])('accepts %s', (text) => {
    expect(isIPv4(text)).toBe(true);
  });
  it.each([
    '',
    '198.18.3',
    '198.18.3.4.5',
    '198.18.0.256',
    '198.18.3.04',
    '198..18.3',
    '198.18.3.',
    '.198.18.3',
    'a.b.c.d',
    '198.18.3.4 ',
    '1198.18.1.1',
  ])('refuses %j', (text) => {
    expect(isIPv4(text)).toBe(false);
  });
});

describe('isIPv6', () => {
  const valid = [
    '::',
    '::1',
    '2001:2:0:1000::',
    '2001:2:0:1000::2',
    '2001:2:0:1db8::1',
    '2001:2:0:1db8:0:0:0:1',
    '2001:2:0:1DB8::ABCD',
    '::ffff:198.18.0.1',
    '2001:2:0:1000::198.18.0.33',
    '2001:2:0:1000:5:6:7::',
    '2001:2:0:1000:5:6::8',
    '2001:2:0:1000:5:6:198.18.3.4',
  ];
  const invalid = [
    '',
    ':',
    ':::',
    '2001:2:0:1000:5:6:7:8:9',
    '2001:2:0:1000:5:6:7',
    '2001:2:0:1000::2::3',
    '12345::1',
    'g::1',
    ':2001:2:0:1000::2',
    '2001:2:0:1000::2:',
    '2001:2:0:1000:5:6:7:8::',
    '::198.18.3',
    '::198.18.3.4:5',
    '2001:2:0:1000:5:6:7:198.18.3.4',
    '2001:2:0:1000::1%eth0',
  ];
  it.each(valid)('accepts %s', (text) => {
    expect(isIPv6(text)).toBe(true);
  });
  it.each(invalid)('refuses %j', (text) => {
    expect(isIPv6(text)).toBe(false);
  });
  it('agrees with node:net on every case above', () => {
    for (const text of [...valid, ...invalid.filter((t) => !t.includes('%'))]) {
      expect(isIPv6(text), text).toBe(nodeIsIPv6(text));
    }
  });
});

describe('isCidr', () => {
  it.each([
    '198.18.0.2/32',
    '0.0.0.0/0',
    '198.18.1.0/24',
    '2001:2:0:1000::2/128',
    '::/0',
    '::ffff:198.18.0.1/128',
  ])('accepts %s', (text) => {
    expect(isCidr(text)).toBe(true);
  });
  it.each([
    '198.18.0.2',
    '198.18.0.2/',
    '198.18.0.2/33',
    '198.18.0.2/032',
    '198.18.0.2/-1',
    '2001:2:0:1000::2/129',
    '/32',
    '198.18.0.2/32/1',
    '2001:2:0:1000::2',
    'host/32',
  ])('refuses %j', (text) => {
    expect(isCidr(text)).toBe(false);
  });
});

describe('isEndpoint', () => {
  it.each([
    '198.18.113.7:51820',
    '198.18.3.4:0',
    '[2001:2:0:1db8::1]:51820',
    '[::ffff:198.18.3.4]:65535',
    '[2001:2:0:1000::1%eth0]:51820',
  ])('accepts %s', (text) => {
    expect(isEndpoint(text)).toBe(true);
  });
  it.each([
    '',
    '198.18.113.7',
    '198.18.113.7:',
    '198.18.113.7:65536',
    '198.18.113.7:051820',
    '2001:2:0:1db8::1:51820',
    '[2001:2:0:1db8::1]',
    '[2001:2:0:1db8::1]51820',
    '[2001:2:0:1db8::1:51820',
    '[2001:2:0:1000::1%]:51820',
    'vpn.example.com:51820',
    '198.18.0.256:1',
  ])('refuses %j', (text) => {
    expect(isEndpoint(text)).toBe(false);
  });
});

describe('the scanner is the shared rule (src/shared/ip-rules.ts), only faster', () => {
  it('the collector`s byte scanner (its hot path) follows exactly the same rule', () => {
    for (const [text] of ADDRESSES) {
      expect(isIPv4(text), text).toBe(rules.isIPv4(text));
      expect(isIPv6(text), text).toBe(rules.isIPv6(text));
    }
    for (const [text] of PREFIXES) expect(isCidr(text), text).toBe(rules.isCidr(text));
  });
});
