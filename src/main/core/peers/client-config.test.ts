import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import type { ClientConfigInput } from './client-config.ts';
import {
  buildClientConfig,
  clientConfigFileName,
  clientConfigQrSvg,
  clientConfigQrTerminal,
  formatEndpoint,
} from './client-config.ts';
import { PSK_BOB, testKey } from './fixtures.testkit.ts';
import { configInterface, parseConfig } from './config-file.ts';
import { PeerInputError } from './validate.ts';
import { assertWgAccepts } from './wg-tools.testkit.ts';

const PRIVATE = testKey('client-private');
const SERVER = testKey('server-public');

function input(fields: Partial<ClientConfigInput> = {}): ClientConfigInput {
  return {
    name: 'alice',
    privateKey: PRIVATE,
    addresses: ['198.18.8.7/32', '2001:2:0:1a42::7/128'],
    dns: ['198.18.53.53', '2001:2:0:1053::53'],
    mtu: 1420,
    serverPublicKey: SERVER,
    presharedKey: PSK_BOB,
    endpointHost: 'vpn.example.com',
    endpointPort: 51820,
    persistentKeepalive: 25,
    ...fields,
  };
}

function problems(fields: Partial<ClientConfigInput>): string[] {
  try {
    buildClientConfig(input(fields));
  } catch (error) {
    if (error instanceof PeerInputError) return error.problems.map((p) => `${p.field}: ${p.message}`);
    throw error;
  }
  throw new Error('expected a PeerInputError');
}

describe('buildClientConfig', () => {
  it('writes the full config', () => {
    expect(buildClientConfig(input())).toBe(
      [
        '# Name = alice',
        '[Interface]',
        `PrivateKey = ${PRIVATE}`,
        'Address = 198.18.8.7/32, 2001:2:0:1a42::7/128',
        'DNS = 198.18.53.53, 2001:2:0:1053::53',
        'MTU = 1420',
        '',
        '[Peer]',
        `PublicKey = ${SERVER}`,
        `PresharedKey = ${PSK_BOB}`,
        'Endpoint = vpn.example.com:51820',
        'AllowedIPs = 0.0.0.0/0, ::/0',
        'PersistentKeepalive = 25',
        '',
      ].join('\n'),
    );
  });

  it('writes the minimum', () => {
    expect(
      buildClientConfig({
        privateKey: PRIVATE,
        addresses: ['198.18.8.7/24'],
        serverPublicKey: SERVER,
        endpointHost: '198.18.0.1',
        endpointPort: 51820,
      }),
    ).toBe(
      `[Interface]\nPrivateKey = ${PRIVATE}\nAddress = 198.18.8.7/24\n\n[Peer]\nPublicKey = ${SERVER}\nEndpoint = 198.18.0.1:51820\nAllowedIPs = 0.0.0.0/0, ::/0\n`,
    );
  });

  it.each([
    ['2001:2:0:1db8::1', '[2001:2:0:1db8::1]:51820'],
    ['[2001:2:0:1db8::1]', '[2001:2:0:1db8::1]:51820'],
    ['198.18.0.1', '198.18.0.1:51820'],
    ['vpn.example.com', 'vpn.example.com:51820'],
  ])('endpoint %s → %s', (host, endpoint) => {
    expect(formatEndpoint(host, 51820)).toBe(endpoint);
    expect(buildClientConfig(input({ endpointHost: host }))).toContain(`\nEndpoint = ${endpoint}\n`);
  });

  it('writes split tunnels canonically and keeps keepalive 0 out', () => {
    const text = buildClientConfig(
      input({ allowedIps: ['198.18.8.0/24', '2001:2:0:1A42:0::/64'], persistentKeepalive: 0 }),
    );
    expect(text).toContain('\nAllowedIPs = 198.18.8.0/24, 2001:2:0:1a42::/64\n');
    expect(text).not.toContain('PersistentKeepalive');
  });

  it('is accepted by wg-quick strip and wg, and reads back', () => {
    for (const host of ['198.18.0.1', '2001:2:0:1002::1', 'localhost']) {
      const text = buildClientConfig(input({ endpointHost: host }));
      assertWgAccepts(text, 'alice');
      expect(configInterface(parseConfig(text))).toMatchObject({
        privateKey: PRIVATE,
        addresses: ['198.18.8.7/32', '2001:2:0:1a42::7/128'],
        dns: ['198.18.53.53', '2001:2:0:1053::53'],
        mtu: 1420,
      });
    }
  });

  it.each<[string, Partial<ClientConfigInput>, string[]]>([
    [
      'a name with a newline',
      { name: 'a\n[Interface]' },
      ['name: must not contain line breaks or control characters'],
    ],
    [
      'a bad private key',
      { privateKey: 'secret' },
      ['privateKey: is not a WireGuard key (base64 of 32 bytes, 44 characters)'],
    ],
    [
      'a bad server key',
      { serverPublicKey: '' },
      ['serverPublicKey: is not a WireGuard key (base64 of 32 bytes, 44 characters)'],
    ],
    ['no address', { addresses: [] }, ['addresses: at least one address is needed']],
    [
      'a bad address',
      { addresses: ['198.18.8.7/33'] },
      ['addresses[0]: "198.18.8.7/33" is not an address or address/prefix'],
    ],
    [
      'DNS injection',
      { dns: ['198.18.53.53\nPostUp = rm -rf /'] },
      ['dns[0]: must be an IP address or a search domain'],
    ],
    [
      'a DNS with a space',
      { dns: ['198.18.53.53 198.18.53.54'] },
      ['dns[0]: must be an IP address or a search domain'],
    ],
    [
      'a host with a newline',
      { endpointHost: 'vpn.example.com\n[Peer]' },
      ['endpointHost: must be a DNS name, an IPv4 address or an IPv6 address'],
    ],
    [
      'a host with a port',
      { endpointHost: 'vpn.example.com:51820' },
      ['endpointHost: must be a DNS name, an IPv4 address or an IPv6 address'],
    ],
    [
      'a bad IPv6 host',
      { endpointHost: '[2001:2:0:1000::1%eth0]' },
      ['endpointHost: must be a DNS name, an IPv4 address or an IPv6 address'],
    ],
    ['port 0', { endpointPort: 0 }, ['endpointPort: must be a port number (1–65535)']],
    ['port 65536', { endpointPort: 65536 }, ['endpointPort: must be a port number (1–65535)']],
    ['a fractional port', { endpointPort: 1.5 }, ['endpointPort: must be a port number (1–65535)']],
    ['a tiny MTU', { mtu: 100 }, ['mtu: must be an integer from 576 to 65535']],
    [
      'a host-bits tunnel',
      { allowedIps: ['198.18.8.7/24'] },
      ['allowedIps[0]: "198.18.8.7/24" has host bits set: did you mean 198.18.8.7/32 or 198.18.8.0/24?'],
    ],
    [
      'keepalive out of range',
      { persistentKeepalive: 70000 },
      ['persistentKeepalive: must be an integer from 0 (off) to 65535 seconds'],
    ],
  ])('refuses %s', (_label, fields, expected) => {
    expect(problems(fields)).toEqual(expected);
  });
});

describe('QR code', () => {
  const text = buildClientConfig(input());

  it('encodes exactly the config text', () => {
    const code = QRCode.create(text, { errorCorrectionLevel: 'M' });
    const data = code.segments
      .map((segment) => Buffer.from(segment.data as Uint8Array).toString('utf8'))
      .join('');
    expect(data).toBe(text);
    expect(code.version).toBeLessThanOrEqual(20);
  });

  it('renders SVG and terminal text', async () => {
    const svg = await clientConfigQrSvg(text);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('<path');
    const terminal = await clientConfigQrTerminal(text);
    expect(terminal.split('\n').length).toBeGreaterThan(20);
    expect(terminal).toMatch(/[▄▀█]/);
  });
});

describe('clientConfigFileName', () => {
  it.each([
    ['alice', 'alice.conf'],
    ["alice's phone", 'alice-s-phone.conf'],
    ['Ünïcødé laptop 2024', 'Unic-de-laptop.conf'],
    ['../../etc/passwd', 'etc-passwd.conf'],
    ['$(rm -rf /)', 'rm-rf.conf'],
    ['...', 'wg-client.conf'],
    [null, 'wg-client.conf'],
  ])('%j → %s', (name, file) => {
    expect(clientConfigFileName(name)).toBe(file);
    expect(file).toMatch(/^[a-zA-Z0-9_=+.-]{1,15}\.conf$/);
  });
});
