import { describe, expect, it } from 'vitest';
import type { InterfaceDump } from '../../../shared/domain.ts';
import { makeDumpText } from './fixtures.ts';
import { parseWgDump } from './parse-wg-dump.ts';

/** A valid key whose 32 bytes are all `fill`. */
function key(fill: number): string {
  return Buffer.alloc(32, fill).toString('base64');
}

const IF_KEY = key(1);
const PEER_A = key(2);
const PEER_B = key(3);
const PEER_C = key(4);
const UNMASKED_SECRET = key(99);

/** The canned dump, as rows of fields: change one field per test, then join. */
function canned(): string[][] {
  return [
    ['wg0', '(hidden)', IF_KEY, '51820', 'off'],
    [
      'wg0',
      PEER_A,
      '(hidden)',
      '198.18.113.7:51820',
      '198.18.0.2/32,2001:2:0:1000::2/128',
      '1750000000',
      '1234',
      '5678',
      '25',
    ],
    ['wg0', PEER_B, '(none)', '[2001:2:0:1db8::1]:51821', '198.18.0.3/32', '0', '0', '0', 'off'],
    ['wg0', PEER_C, '(none)', '(none)', '(none)', '0', '0', '0', 'off'],
    ['wg1', '(none)', '(none)', '0', '0xca6c'],
  ];
}

function join(rows: string[][], eol = '\n'): string {
  return rows.map((fields) => fields.join('\t') + eol).join('');
}

const EXPECTED: InterfaceDump[] = [
  {
    name: 'wg0',
    publicKey: IF_KEY,
    listenPort: 51820,
    fwmark: null,
    peers: [
      {
        publicKey: PEER_A,
        presharedKey: true,
        endpoint: '198.18.113.7:51820',
        allowedIps: ['198.18.0.2/32', '2001:2:0:1000::2/128'],
        latestHandshake: 1750000000,
        rxBytes: 1234,
        txBytes: 5678,
        persistentKeepalive: 25,
      },
      {
        publicKey: PEER_B,
        presharedKey: false,
        endpoint: '[2001:2:0:1db8::1]:51821',
        allowedIps: ['198.18.0.3/32'],
        latestHandshake: null,
        rxBytes: 0,
        txBytes: 0,
        persistentKeepalive: null,
      },
      {
        publicKey: PEER_C,
        presharedKey: false,
        endpoint: null,
        allowedIps: [],
        latestHandshake: null,
        rxBytes: 0,
        txBytes: 0,
        persistentKeepalive: null,
      },
    ],
  },
  { name: 'wg1', publicKey: null, listenPort: null, fwmark: 0xca6c, peers: [] },
];

describe('parseWgDump: valid dumps', () => {
  it('reads interfaces and peers: (none), off, 0, IPv6 endpoints, several allowed IPs', () => {
    expect(parseWgDump(join(canned()))).toEqual({ ok: true, interfaces: EXPECTED });
  });

  it('reads bytes the same as text', () => {
    expect(parseWgDump(Buffer.from(join(canned())))).toEqual({ ok: true, interfaces: EXPECTED });
  });

  it('reads CRLF line endings', () => {
    expect(parseWgDump(join(canned(), '\r\n'))).toEqual({ ok: true, interfaces: EXPECTED });
  });

  it('reads a last line without newline, and skips empty lines', () => {
    const text = `\n${join(canned()).replace('\n', '\n\n\r\n')}`.replace(/\n$/, '');
    expect(parseWgDump(text)).toEqual({ ok: true, interfaces: EXPECTED });
  });

  it('reads an empty dump as zero interfaces', () => {
    expect(parseWgDump('')).toEqual({ ok: true, interfaces: [] });
    expect(parseWgDump(new Uint8Array(0))).toEqual({ ok: true, interfaces: [] });
  });

  it('reads an interface with zero peers', () => {
    expect(parseWgDump('wg0\t(hidden)\t' + IF_KEY + '\t51820\toff\n')).toEqual({
      ok: true,
      interfaces: [{ name: 'wg0', publicKey: IF_KEY, listenPort: 51820, fwmark: null, peers: [] }],
    });
  });

  it.each([
    ['a decimal fwmark', 0, 4, '51820', (d: InterfaceDump[]) => d[0]!.fwmark, 51820],
    ['an upper-case hex fwmark', 0, 4, '0xCA6C', (d: InterfaceDump[]) => d[0]!.fwmark, 0xca6c],
    ['the largest fwmark', 0, 4, '0xffffffff', (d: InterfaceDump[]) => d[0]!.fwmark, 0xffffffff],
    ['keepalive 0 as off', 1, 8, '0', (d: InterfaceDump[]) => d[0]!.peers[0]!.persistentKeepalive, null],
    [
      'the largest keepalive',
      1,
      8,
      '65535',
      (d: InterfaceDump[]) => d[0]!.peers[0]!.persistentKeepalive,
      65535,
    ],
    [
      'an IPv6 endpoint with a zone',
      1,
      3,
      '[2001:2:0:1000::1%eth0]:51820',
      (d: InterfaceDump[]) => d[0]!.peers[0]!.endpoint,
      '[2001:2:0:1000::1%eth0]:51820',
    ],
    [
      'a default route',
      1,
      4,
      '0.0.0.0/0,::/0',
      (d: InterfaceDump[]) => d[0]!.peers[0]!.allowedIps,
      ['0.0.0.0/0', '::/0'],
    ],
    [
      'an IPv4-mapped allowed IP',
      1,
      4,
      '::ffff:198.18.0.1/128',
      (d: InterfaceDump[]) => d[0]!.peers[0]!.allowedIps,
      ['::ffff:198.18.0.1/128'],
    ],
    [
      'the largest safe counter',
      1,
      6,
      '9007199254740991',
      (d: InterfaceDump[]) => d[0]!.peers[0]!.rxBytes,
      Number.MAX_SAFE_INTEGER,
    ],
  ])('accepts %s', (_name, row, field, value, pick, expected) => {
    const rows = canned();
    rows[row]![field] = value;
    const result = parseWgDump(join(rows));
    if (!result.ok) throw new Error(result.error);
    expect(pick(result.interfaces)).toEqual(expected);
  });

  it('keeps non-ASCII interface names and matches their peers', () => {
    const rows = canned().map((fields) => (fields[0] === 'wg0' ? ['wg-ü', ...fields.slice(1)] : fields));
    const result = parseWgDump(Buffer.from(join(rows)));
    if (!result.ok) throw new Error(result.error);
    expect(result.interfaces[0]!.name).toBe('wg-ü');
    expect(result.interfaces[0]!.peers).toHaveLength(3);
  });

  it('never keeps the private key, only that it is masked', () => {
    const result = parseWgDump(join(canned()));
    expect(JSON.stringify(result)).not.toContain('(hidden)');
  });

  it('reads generated dumps of every size', () => {
    for (const [interfaces, peersPerInterface] of [
      [1, 0],
      [1, 1],
      [3, 50],
    ] as const) {
      const result = parseWgDump(makeDumpText({ interfaces, peersPerInterface, seed: 7 }));
      if (!result.ok) throw new Error(result.error);
      expect(result.interfaces).toHaveLength(interfaces);
      for (const dump of result.interfaces) expect(dump.peers).toHaveLength(peersPerInterface);
    }
  });
});

describe('parseWgDump: malformed dumps', () => {
  // One row per malformed field: [what, row index, field index, value, expected error]. A null value
  // removes the field.
  const rows: [string, number, number, string | null, string][] = [
    // field counts
    [
      'an interface line with 4 fields',
      0,
      4,
      null,
      'line 1: expected 5 (interface) or 9 (peer) tab-separated fields, got 4',
    ],
    [
      'an interface line with 6 fields',
      0,
      4,
      'off\textra',
      'line 1: expected 5 (interface) or 9 (peer) tab-separated fields, got 6',
    ],
    [
      'a peer line with 8 fields',
      1,
      8,
      null,
      'line 2: expected 5 (interface) or 9 (peer) tab-separated fields, got 8',
    ],
    [
      'a peer line with 10 fields',
      1,
      8,
      '25\t0',
      'line 2: expected 5 (interface) or 9 (peer) tab-separated fields, got 10',
    ],
    [
      'a peer line with 5 fields',
      1,
      4,
      null,
      'line 2: expected 5 (interface) or 9 (peer) tab-separated fields, got 8',
    ],
    // interface
    ['an empty interface name', 0, 0, '', 'line 1: interface: empty name'],
    ['an interface name with a space', 0, 0, 'wg 0', 'line 1: interface: "wg 0" is not an interface name'],
    // Names reach terminals: unsafe characters (safe-text.ts) or an overlong name are refused, quoted escaped.
    [
      'an interface name with a bidi override',
      0,
      0,
      'wg\u202e0',
      'line 1: interface: "wg\\u202E0" is not an interface name',
    ],
    ['an interface name with a C1 control', 0, 0, 'wg\u009b2J', 'line 1: interface: "wg\\u009B2J" is not'],
    ['an interface name of 65 characters', 0, 0, 'w'.repeat(65), 'line 1: interface: "wwwwwwww'],
    ['an unmasked private key', 0, 1, UNMASKED_SECRET, 'line 1: private-key: expected (hidden) or (none)'],
    ['an empty private key', 0, 1, '', 'line 1: private-key: expected (hidden) or (none)'],
    ['a 43-character public key', 0, 2, IF_KEY.slice(0, 43), 'line 1: public-key: not a WireGuard key'],
    [
      'a public key without padding',
      0,
      2,
      `${IF_KEY.slice(0, 43)}A`,
      'line 1: public-key: not a WireGuard key',
    ],
    [
      'a public key with a bad character',
      0,
      2,
      `*${IF_KEY.slice(1)}`,
      'line 1: public-key: not a WireGuard key',
    ],
    ['a masked public key', 0, 2, '(hidden)', 'line 1: public-key: not a WireGuard key'],
    ['a negative listen port', 0, 3, '-1', 'line 1: listen-port: "-1" is not an unsigned integer'],
    ['a non-numeric listen port', 0, 3, 'abc', 'line 1: listen-port: "abc" is not an unsigned integer'],
    ['an empty listen port', 0, 3, '', 'line 1: listen-port: "" is not an unsigned integer'],
    [
      'a fractional listen port',
      0,
      3,
      '51820.5',
      'line 1: listen-port: "51820.5" is not an unsigned integer',
    ],
    ['a listen port over 65535', 0, 3, '65536', 'line 1: listen-port: "65536" is out of range 0..65535'],
    ['an empty hex fwmark', 0, 4, '0x', 'line 1: fwmark: "0x" is not off or a 32-bit mark'],
    [
      'a fwmark over 32 bits',
      0,
      4,
      '0x100000000',
      'line 1: fwmark: "0x100000000" is not off or a 32-bit mark',
    ],
    ['a fwmark with bad hex', 0, 4, '0xzz', 'line 1: fwmark: "0xzz" is not off or a 32-bit mark'],
    [
      'a decimal fwmark over 32 bits',
      0,
      4,
      '4294967296',
      'line 1: fwmark: "4294967296" is out of range 0..4294967295',
    ],
    ['a fwmark "on"', 0, 4, 'on', 'line 1: fwmark: "on" is not an unsigned integer'],
    // peer
    [
      'a peer of another interface',
      1,
      0,
      'wg9',
      'line 2: interface: peer of "wg9" without its interface line before it',
    ],
    ['a bad peer key', 1, 1, PEER_A.replace(/=$/, ''), 'line 2: public-key: not a WireGuard key'],
    ['a (none) peer key', 1, 1, '(none)', 'line 2: public-key: not a WireGuard key'],
    [
      'an unmasked preshared key',
      1,
      2,
      UNMASKED_SECRET,
      'line 2: preshared-key: expected (hidden) or (none)',
    ],
    ['an endpoint without port', 1, 3, '198.18.113.7', 'line 2: endpoint: "198.18.113.7" is not ip:port'],
    ['an endpoint port over 65535', 1, 3, '198.18.113.7:65536', 'line 2: endpoint: "198.18.113.7:65536"'],
    [
      'an unbracketed IPv6 endpoint',
      1,
      3,
      '2001:2:0:1db8::1:51820',
      'line 2: endpoint: "2001:2:0:1db8::1:51820"',
    ],
    ['a host name endpoint', 1, 3, 'vpn.example.com:51820', 'line 2: endpoint: "vpn.example.com:51820"'],
    ['an empty endpoint', 1, 3, '', 'line 2: endpoint: ""'],
    [
      'an allowed IP without prefix',
      1,
      4,
      '198.18.0.2',
      'line 2: allowed-ips: "198.18.0.2" is not an address/prefix',
    ],
    ['an IPv4 prefix over 32', 1, 4, '198.18.0.2/33', 'line 2: allowed-ips: "198.18.0.2/33"'],
    [
      'an IPv6 prefix over 128',
      1,
      4,
      '198.18.0.2/32,2001:2:0:1000::2/129',
      'line 2: allowed-ips: "2001:2:0:1000::2/129"',
    ],
    [
      'a bad second allowed IP',
      1,
      4,
      '198.18.0.2/32,198.18.0.300/32',
      'line 2: allowed-ips: "198.18.0.300/32"',
    ],
    [
      'a trailing comma in allowed IPs',
      1,
      4,
      '198.18.0.2/32,',
      'line 2: allowed-ips: "" is not an address/prefix',
    ],
    ['empty allowed IPs', 1, 4, '', 'line 2: allowed-ips: "" is not an address/prefix'],
    ['a negative handshake', 1, 5, '-1', 'line 2: latest-handshake: "-1" is not an unsigned integer'],
    [
      'a handshake in exponent form',
      1,
      5,
      '1e9',
      'line 2: latest-handshake: "1e9" is not an unsigned integer',
    ],
    [
      'a handshake beyond 2^53',
      1,
      5,
      '9007199254740992',
      'line 2: latest-handshake: "9007199254740992" exceeds 2^53-1',
    ],
    [
      'rx bytes beyond 2^64',
      1,
      6,
      '99999999999999999999',
      'line 2: rx-bytes: "99999999999999999999" exceeds 2^53-1',
    ],
    [
      'an endpoint whose zone holds an escape sequence',
      1,
      3,
      '[2001:2:0:1000::1%\u001b[31m]:51820',
      'line 2: endpoint: "[2001:2:0:1000::1%\\u001b[31m]:51820" has a zone that is not an interface name',
    ],
    ['non-numeric rx bytes', 1, 6, '12a', 'line 2: rx-bytes: "12a" is not an unsigned integer'],
    ['negative tx bytes', 1, 7, '-5', 'line 2: tx-bytes: "-5" is not an unsigned integer'],
    ['empty tx bytes', 1, 7, '', 'line 2: tx-bytes: "" is not an unsigned integer'],
    ['a keepalive "on"', 1, 8, 'on', 'line 2: persistent-keepalive: "on" is not an unsigned integer'],
    [
      'a keepalive over 65535',
      1,
      8,
      '65536',
      'line 2: persistent-keepalive: "65536" is out of range 0..65535',
    ],
    ['a negative keepalive', 1, 8, '-1', 'line 2: persistent-keepalive: "-1" is not an unsigned integer'],
    // structure
    ['a second line for the same interface', 4, 0, 'wg0', 'line 5: interface: "wg0" listed twice'],
  ];

  it.each(rows)('refuses %s', (_name, row, field, value, error) => {
    const dump = canned();
    if (value === null) dump[row]!.splice(field, 1);
    else dump[row]![field] = value;
    const result = parseWgDump(join(dump));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toContain(`wg dump ${error}`);
  });

  it.each([
    ['a line without tabs', 'garbage', 'expected 5 (interface) or 9 (peer) tab-separated fields, got 1'],
    ['a tab-only line', '\t', 'expected 5 (interface) or 9 (peer) tab-separated fields, got 2'],
    [
      'a stderr line from sudo',
      'sudo: unable to resolve host srv: Name or service not known',
      'expected 5 (interface) or 9 (peer) tab-separated fields, got 1',
    ],
    // An interface line whose private key was not masked reads like a peer key: judged by its
    // field count it is an interface line, and the message says what is actually wrong.
    [
      'an interface line with an unmasked key',
      `wg2\t${UNMASKED_SECRET}\t${IF_KEY}\t1\toff`,
      'private-key: expected',
    ],
    [
      'a peer line whose key starts like a mask',
      `wg0\t(x)${PEER_A.slice(3)}\t(none)\t(none)\t(none)\t0\t0\t0\toff`,
      'public-key: not',
    ],
  ])('refuses %s', (_name, line, error) => {
    const dump = join(canned()).split('\n');
    dump.splice(3, 0, line);
    const result = parseWgDump(dump.join('\n'));
    expect(result).toMatchObject({
      ok: false,
      error: expect.stringContaining(`wg dump line 4: ${error}`) as unknown,
    });
  });

  it('refuses a peer before any interface line', () => {
    const result = parseWgDump(join(canned().slice(1)));
    expect(result).toEqual({
      ok: false,
      error: 'wg dump line 1: interface: peer of "wg0" without its interface line before it',
    });
  });

  it('counts lines across CRLF and empty lines', () => {
    const dump = canned();
    dump[2]![6] = 'x';
    const result = parseWgDump(`\r\n${join(dump, '\r\n')}`);
    expect(result).toMatchObject({
      ok: false,
      error: expect.stringContaining('line 4: rx-bytes') as unknown,
    });
  });

  it('reports the first error only', () => {
    const dump = canned();
    dump[1]![6] = 'x';
    dump[2]![6] = 'y';
    const result = parseWgDump(join(dump));
    expect(result).toMatchObject({
      ok: false,
      error: expect.stringContaining('line 2: rx-bytes: "x"') as unknown,
    });
  });

  it('never echoes a secret', () => {
    const dump = canned();
    dump[0]![1] = UNMASKED_SECRET;
    dump[0]![2] = UNMASKED_SECRET.slice(1); // and a broken public key next to it
    const privateLine = parseWgDump(join(dump));
    const peerDump = canned();
    peerDump[1]![2] = UNMASKED_SECRET;
    const presharedLine = parseWgDump(join(peerDump));
    for (const result of [privateLine, presharedLine]) {
      expect(result.ok).toBe(false);
      expect(JSON.stringify(result)).not.toContain(UNMASKED_SECRET.slice(1, 40));
    }
  });
});
