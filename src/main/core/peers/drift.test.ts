import { describe, expect, it } from 'vitest';
import type { InterfaceDump } from '../../../shared/domain.ts';
import type { DriftReport } from '../../../shared/peers.ts';
import { parseConfig } from './config-file.ts';
import { allowedIpSet, canonicalEndpoint, compareDrift } from './drift.ts';
import {
  ALICE,
  BIG_TEST_TIMEOUT_MS,
  bigConf,
  bigLivePeers,
  BOB,
  CAROL,
  DAVE,
  ERIN,
  liveInterface,
  livePeer,
  SERVER_CONF,
  SERVER_PRIVATE,
  serverLive,
  testKey,
} from './fixtures.testkit.ts';
import { publicKeyOf } from './keys.ts';

const SERVER_PUBLIC = publicKeyOf(SERVER_PRIVATE);
const file = parseConfig(SERVER_CONF);

function live(change: (dump: InterfaceDump) => void = () => undefined): InterfaceDump {
  const dump = serverLive(SERVER_PUBLIC);
  change(dump);
  return dump;
}

function peer(dump: InterfaceDump, key: string): InterfaceDump['peers'][number] {
  return dump.peers.find((p) => p.publicKey === key)!;
}

const empty: Omit<DriftReport, 'inSync'> = {
  iface: 'wg0',
  onlyLive: [],
  onlyFile: [],
  disabledButLive: [],
  different: [],
  interface: [],
};

describe('compareDrift', () => {
  it('finds nothing when the live state matches (disabled carol absent is expected)', () => {
    expect(compareDrift(file, live())).toEqual({ ...empty, inSync: true });
  });

  it.each<[string, (dump: InterfaceDump) => void, Partial<DriftReport>]>([
    [
      'a peer only live',
      (d) => d.peers.push(livePeer(ERIN, { allowedIps: ['198.18.8.9/32'] })),
      { onlyLive: [{ publicKey: ERIN, name: null }] },
    ],
    [
      'a peer only in the file',
      (d) => d.peers.splice(0, 1),
      { onlyFile: [{ publicKey: ALICE, name: 'alice' }] },
    ],
    [
      'a disabled peer live',
      (d) => d.peers.push(livePeer(CAROL, { allowedIps: ['198.18.8.4/32'] })),
      { disabledButLive: [{ publicKey: CAROL, name: 'carol' }] },
    ],
    [
      'allowed IPs differ',
      (d) => (peer(d, ALICE).allowedIps = ['198.18.8.2/32']),
      {
        different: [
          {
            publicKey: ALICE,
            name: 'alice',
            differences: [
              { field: 'allowedIps', file: '198.18.8.2/32, 2001:2:0:1042::2/128', live: '198.18.8.2/32' },
            ],
          },
        ],
      },
    ],
    [
      'no allowed IPs live',
      (d) => (peer(d, ALICE).allowedIps = []),
      {
        different: [
          {
            publicKey: ALICE,
            name: 'alice',
            differences: [
              { field: 'allowedIps', file: '198.18.8.2/32, 2001:2:0:1042::2/128', live: '(none)' },
            ],
          },
        ],
      },
    ],
    [
      'keepalive differs',
      (d) => (peer(d, ALICE).persistentKeepalive = 25),
      {
        different: [
          {
            publicKey: ALICE,
            name: 'alice',
            differences: [{ field: 'persistentKeepalive', file: 'off', live: '25' }],
          },
        ],
      },
    ],
    [
      'preshared key missing live',
      (d) => (peer(d, BOB).presharedKey = false),
      {
        different: [
          {
            publicKey: BOB,
            name: "bob's phone",
            differences: [{ field: 'presharedKey', file: 'yes', live: 'no' }],
          },
        ],
      },
    ],
    [
      'a pinned endpoint moved',
      (d) => (peer(d, DAVE).endpoint = '198.18.99.1:40000'),
      {
        different: [
          {
            publicKey: DAVE,
            name: "dave's router",
            differences: [{ field: 'endpoint', file: '198.18.7.9:51820', live: '198.18.99.1:40000' }],
          },
        ],
      },
    ],
    [
      'a pinned endpoint never set',
      (d) => (peer(d, DAVE).endpoint = null),
      {
        different: [
          {
            publicKey: DAVE,
            name: "dave's router",
            differences: [{ field: 'endpoint', file: '198.18.7.9:51820', live: '(none)' }],
          },
        ],
      },
    ],
    [
      'several fields at once',
      (d) =>
        Object.assign(peer(d, BOB), {
          presharedKey: false,
          persistentKeepalive: null,
          allowedIps: ['2001:2:0:1042::3/128', '198.18.8.3/32', '198.18.9.0/24'],
        }),
      {
        different: [
          {
            publicKey: BOB,
            name: "bob's phone",
            differences: [
              {
                field: 'allowedIps',
                file: '198.18.8.3/32, 2001:2:0:1042::3/128',
                live: '198.18.8.3/32, 198.18.9.0/24, 2001:2:0:1042::3/128',
              },
              { field: 'persistentKeepalive', file: '25', live: 'off' },
              { field: 'presharedKey', file: 'yes', live: 'no' },
            ],
          },
        ],
      },
    ],
    [
      'the interface key differs',
      (d) => (d.publicKey = testKey('other')),
      { interface: [{ field: 'publicKey', file: SERVER_PUBLIC, live: testKey('other') }] },
    ],
    [
      'the interface has no key live',
      (d) => (d.publicKey = null),
      { interface: [{ field: 'publicKey', file: SERVER_PUBLIC, live: '(none)' }] },
    ],
    [
      'the port differs',
      (d) => (d.listenPort = 51821),
      { interface: [{ field: 'listenPort', file: '51820', live: '51821' }] },
    ],
    [
      'an fwmark is set live only',
      (d) => (d.fwmark = 0xca6c),
      { interface: [{ field: 'fwmark', file: 'off', live: '0xca6c' }] },
    ],
  ])('%s', (_label, change, expected) => {
    expect(compareDrift(file, live(change))).toEqual({ ...empty, ...expected, inSync: false });
  });

  it('is not fooled by order, spelling or a roaming unpinned peer', () => {
    const dump = live((d) => {
      peer(d, ALICE).allowedIps = ['2001:2:0:1042:0:0:0:2/128', '198.18.8.2/32'];
      peer(d, BOB).endpoint = '[2001:2:0:1002::77]:1234';
      d.peers.reverse();
    });
    expect(compareDrift(file, dump).inSync).toBe(true);
  });

  it('compares host-bit and IPv6 spellings from the file as the kernel stores them', () => {
    const source = `[Interface]\nPrivateKey = ${SERVER_PRIVATE}\nListenPort = 51820\n[Peer]\nPublicKey = ${ERIN}\nAllowedIPs = 198.18.9.5/24, 2001:2:0:1ABC:0::1/64\nEndpoint = [2001:2:0:1002:0::1]:51820\n`;
    const dump = liveInterface(
      [
        livePeer(ERIN, {
          allowedIps: ['2001:2:0:1abc::/64', '198.18.9.0/24'],
          endpoint: '[2001:2:0:1002::1]:51820',
        }),
      ],
      { publicKey: SERVER_PUBLIC },
    );
    expect(compareDrift(parseConfig(source), dump).inSync).toBe(true);
  });

  it('does not compare endpoints pinned to host names', () => {
    const source = `[Interface]\nPrivateKey = ${SERVER_PRIVATE}\nListenPort = 51820\n[Peer]\nPublicKey = ${ERIN}\nAllowedIPs = 198.18.9.5/32\nEndpoint = vpn.example.com:51820\n`;
    const dump = liveInterface(
      [livePeer(ERIN, { allowedIps: ['198.18.9.5/32'], endpoint: '198.18.1.1:51820' })],
      { publicKey: SERVER_PUBLIC },
    );
    expect(compareDrift(parseConfig(source), dump).inSync).toBe(true);
  });

  it('warns that a file without ListenPort would move the interface to a random port', () => {
    const source = `[Interface]\nPrivateKey = ${SERVER_PRIVATE}\n`;
    expect(
      compareDrift(parseConfig(source), liveInterface([], { publicKey: SERVER_PUBLIC })).interface,
    ).toEqual([{ field: 'listenPort', file: '(none: a random port)', live: '51820' }]);
  });

  it('takes the last section of a duplicated key, as wg does, and an enabled copy over a disabled one', () => {
    const source = `[Peer]\nPublicKey = ${ERIN}\nAllowedIPs = 198.18.9.5/32\n[Peer]\nPublicKey = ${ERIN}\nAllowedIPs = 198.18.9.6/32\n#! wgdeck disabled\n#! [Peer]\n#! PublicKey = ${ERIN}\n#! AllowedIPs = 198.18.9.7/32\n`;
    const dump = liveInterface([livePeer(ERIN, { allowedIps: ['198.18.9.6/32'] })]);
    expect(compareDrift(parseConfig(source), dump)).toEqual({ ...empty, inSync: true });
  });

  // How fast: `npm run bench -- files`.
  it('finds the one difference among 10,000 peers', { timeout: BIG_TEST_TIMEOUT_MS }, () => {
    const big = parseConfig(bigConf(10_000));
    const peers = bigLivePeers(10_000);
    peers[500]!.persistentKeepalive = 7;
    const report = compareDrift(big, liveInterface(peers, { publicKey: SERVER_PUBLIC }));
    expect(report.different.map((p) => p.name)).toEqual(['peer-500']);
    expect(report.onlyFile.length + report.onlyLive.length).toBe(0);
  });
});

describe('helpers', () => {
  it.each([
    [['198.18.0.2/32', '198.18.0.2'], ['198.18.0.2/32']],
    [
      ['2001:2:0:1000::1/64', '198.18.0.0/16', '::/0', '0.0.0.0/0'],
      ['0.0.0.0/0', '198.18.0.0/16', '::/0', '2001:2:0:1000::/64'],
    ],
    [
      ['garbage', '198.18.0.1/32'],
      ['198.18.0.1/32', 'garbage'],
    ],
  ])('allowedIpSet(%j)', (input, expected) => {
    expect(allowedIpSet(input)).toEqual(expected);
  });

  it.each([
    ['198.18.0.1:51820', '198.18.0.1:51820'],
    ['[2001:2:0:1002:0::1]:51820', '[2001:2:0:1002::1]:51820'],
    ['[2001:2:0:1ABC::1%eth0]:51820', '[2001:2:0:1abc::1%eth0]:51820'],
    ['vpn.example.com:51820', null],
    ['198.18.0.1', null],
  ])('canonicalEndpoint(%s)', (input, expected) => {
    expect(canonicalEndpoint(input)).toBe(expected);
  });
});
