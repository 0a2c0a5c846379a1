import { describe, expect, it } from 'vitest';
import { exposureWarning } from './browser-mode.ts';
import { allowedHosts, isAllowedHost, isLoopback, isSameOrigin } from './request-guard.ts';

describe('Host header check (DNS rebinding)', () => {
  const allowed = allowedHosts('127.0.0.1', 4321);

  it.each(['127.0.0.1:4321', 'localhost:4321', 'LocalHost:4321', '[::1]:4321'])('accepts %s', (host) => {
    expect(isAllowedHost(host, allowed)).toBe(true);
  });

  it.each([
    undefined,
    '',
    '127.0.0.1',
    '127.0.0.1:80',
    '127.0.0.1:43210',
    'localhost',
    'localhost.evil.example:4321',
    'evil.example:4321',
    '127.0.0.1.nip.io:4321',
    '[::1]',
    '::1:4321',
    '0.0.0.0:4321',
    '127.0.0.2:4321',
  ])('refuses %j', (host) => {
    expect(isAllowedHost(host, allowed)).toBe(false);
  });

  it('adds an explicit listen address (IPv6 bracketed), and machine names only for a wildcard', () => {
    expect(isAllowedHost('198.18.0.10:4321', allowedHosts('198.18.0.10', 4321))).toBe(true);
    expect(isAllowedHost('[::ffff:198.18.0.10]:4321', allowedHosts('::ffff:198.18.0.10', 4321))).toBe(true);
    expect(isAllowedHost('myhost:4321', allowedHosts('127.0.0.1', 4321, ['myhost']))).toBe(false);
    expect(isAllowedHost('myhost:4321', allowedHosts('0.0.0.0', 4321, ['myhost']))).toBe(true);
    expect(isAllowedHost('evil.example:4321', allowedHosts('0.0.0.0', 4321, ['myhost']))).toBe(false);
  });
});

describe('Origin check (cross-site WebSocket hijacking)', () => {
  it.each([
    ['http://127.0.0.1:4321', '127.0.0.1:4321', true],
    ['http://localhost:4321', 'localhost:4321', true],
    ['http://evil.example', '127.0.0.1:4321', false],
    ['http://localhost:4321', '127.0.0.1:4321', false],
    ['https://127.0.0.1:4321', '127.0.0.1:4321', false],
    ['http://127.0.0.1:4321.evil.example', '127.0.0.1:4321', false],
    ['http://127.0.0.1:4321/', '127.0.0.1:4321', false],
    ['null', '127.0.0.1:4321', false],
    [undefined, '127.0.0.1:4321', false],
    ['file://', '127.0.0.1:4321', false],
  ] as const)('%j for host %s → %s', (origin, host, expected) => {
    expect(isSameOrigin(origin, host)).toBe(expected);
  });
});

describe('listen address', () => {
  it.each(['127.0.0.1', '127.1.2.3', '::1', 'localhost'])('%s is loopback: no warning', (listen) => {
    expect(isLoopback(listen)).toBe(true);
    expect(exposureWarning(listen)).toBeNull();
  });

  it.each(['0.0.0.0', '::', '198.18.0.10', 'example.org'])('%s is exposed: a warning', (listen) => {
    expect(isLoopback(listen)).toBe(false);
    expect(exposureWarning(listen)).toMatch(/Anyone who can reach that address and has the token controls/);
  });
});
