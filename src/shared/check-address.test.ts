import { describe, expect, it } from 'vitest';
import { checkAddressOf, checkAddressProblem, hostAddressOf } from './check-address.ts';

describe('the check address', () => {
  it('is the first host entry of AllowedIPs, without its prefix; networks are skipped', () => {
    expect(hostAddressOf(['198.18.4.2/32', '2001:2:0:1018::2/128'])).toBe('198.18.4.2');
    expect(hostAddressOf(['198.18.8.0/24', '2001:2:0:1018::2/128'])).toBe('2001:2:0:1018::2');
    expect(hostAddressOf(['198.18.8.0/24'])).toBeNull();
    expect(hostAddressOf(['198.18.4.9'])).toBe('198.18.4.9');
    expect(hostAddressOf([])).toBeNull();
    expect(hostAddressOf(['nonsense/32'])).toBeNull();
  });

  it("the peer's own check address wins", () => {
    expect(checkAddressOf('198.18.8.1', ['198.18.8.0/24'])).toBe('198.18.8.1');
    expect(checkAddressOf(null, ['198.18.4.2/32'])).toBe('198.18.4.2');
    expect(checkAddressOf(undefined, ['198.18.8.0/24'])).toBeNull();
  });

  it('is one address: no prefix, no name, nothing a shell could read', () => {
    expect(checkAddressProblem('198.18.8.1')).toBeNull();
    expect(checkAddressProblem('2001:2:0:1018::1')).toBeNull();
    for (const bad of ['198.18.8.0/24', 'router.example.net', '-f', '198.18.8.1;reboot', ''])
      expect(checkAddressProblem(bad)).not.toBeNull();
  });
});
