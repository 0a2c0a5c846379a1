import { describe, expect, it } from 'vitest';
import { ADDRESSES, PREFIXES } from './ip-rules.testkit.ts';
import { addressFamily, cidrProblem, isCidr, isIPv4, isIPv6, isInterfaceName } from './ip-rules.ts';

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
    expect(cidrProblem('1:2:3/64')).toMatch(/not an IPv4 or IPv6 address/);
    expect(cidrProblem('fd00::/064')).toMatch(/0 to 128, in plain digits/);
  });

  it('interface names: 1–15 of the characters wg-quick allows', () => {
    for (const name of ['wg0', 'office-wg0', 'a', 'x'.repeat(15), 'wg_0=+.'])
      expect(isInterfaceName(name), name).toBe(true);
    for (const name of ['', 'x'.repeat(16), 'wg 0', 'wg0;', 'wg0\n', 'wg/0', '\u001b[0m'])
      expect(isInterfaceName(name), name).toBe(false);
  });
});
