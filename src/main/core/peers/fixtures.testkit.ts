/**
 * Realistic config files and key material for the peer tests. Keys are deterministic (SHA-256 of a
 * label) so a failure reproduces; they are well-formed WireGuard keys.
 */

import { createHash } from 'node:crypto';
import type { InterfaceDump, PeerDump } from '../../../shared/domain.ts';
import type { Claimant } from './allocate.ts';

export function testKey(label: string): string {
  return createHash('sha256').update(label).digest('base64');
}

export const SERVER_PRIVATE = testKey('server-private');
export const ALICE = testKey('alice');
export const BOB = testKey('bob');
export const CAROL = testKey('carol');
export const DAVE = testKey('dave');
export const ERIN = testKey('erin');
export const PSK_BOB = testKey('psk-bob');

/** A hub as people write them: hooks with iptables, comments, odd spacing, a disabled peer. */
export const SERVER_CONF = `# /etc/wireguard/wg0.conf — office hub
# managed partly by hand, partly by WG Deck

[Interface]
Address = 198.18.8.1/24, 2001:2:0:1042::1/64
ListenPort    =51820
PrivateKey = ${SERVER_PRIVATE}
MTU = 1420
DNS = 198.18.53.53, example.internal
PostUp   = iptables -A FORWARD -i %i -j ACCEPT; iptables -t nat -A POSTROUTING -o eth0 -j MASQUERADE # NAT
PostDown = iptables -D FORWARD -i %i -j ACCEPT; iptables -t nat -D POSTROUTING -o eth0 -j MASQUERADE
SaveConfig = false

[Peer]
# Name = alice
PublicKey = ${ALICE}
AllowedIPs = 198.18.8.2/32, 2001:2:0:1042::2/128

# bob's phone
[Peer]
publickey=${BOB}
presharedkey = ${PSK_BOB}
allowedips = 198.18.8.3/32   # v4
AllowedIPs = 2001:2:0:1042::3/128
persistentkeepalive = 25

#! wgdeck disabled
#! [Peer]
#! # Name = carol
#! PublicKey = ${CAROL}
#! AllowedIPs = 198.18.8.4/32
#! PersistentKeepalive = 15

[Peer]
# friendly_name = dave's router
PublicKey = ${DAVE}
AllowedIPs = 198.18.8.5/32, 198.18.50.0/24
Endpoint = 198.18.7.9:51820
`;

/** PiVPN's layout. */
export const PIVPN_CONF = `[Interface]
PrivateKey = ${SERVER_PRIVATE}
Address = 198.18.6.1/24
MTU = 1420
ListenPort = 51820
### begin alice ###
[Peer]
PublicKey = ${ALICE}
PresharedKey = ${PSK_BOB}
AllowedIPs = 198.18.6.2/32
### end alice ###
### begin bob ###
[Peer]
PublicKey = ${BOB}
PresharedKey = ${PSK_BOB}
AllowedIPs = 198.18.6.3/32
### end bob ###
`;

/** wg-easy (v14), wireguard-ui, wireguard-install, Nyr's installer, hand-written comments. */
export const OTHER_TOOLS_CONF = `[Interface]
PrivateKey = ${SERVER_PRIVATE}
Address = 198.18.9.1/24
ListenPort = 51820

# Client: alice (5b3c9f0e-1111-2222-3333-444455556666)
[Peer]
PublicKey = ${ALICE}
AllowedIPs = 198.18.9.2/32

# ID:           cjq2q6g4
# Name:         bob
# Email:        bob@example.com
# Created at:   2024-01-01
[Peer]
PublicKey = ${BOB}
AllowedIPs = 198.18.9.3/32

### Client carol
[Peer]
PublicKey = ${CAROL}
AllowedIPs = 198.18.9.4/32

# BEGIN_PEER dave
[Peer]
PublicKey = ${DAVE}
AllowedIPs = 198.18.9.5/32
# END_PEER dave

# erin's tablet
[Peer]
PublicKey = ${ERIN}
AllowedIPs = 198.18.9.6/32
`;

/** `count` named peers in 198.18.0.0/16 (and 2001:2:0:1000::/64), generated. */
export function bigConf(count: number): string {
  const parts = [
    `[Interface]\nAddress = 198.18.0.1/16, 2001:2:0:1000::1/64\nListenPort = 51820\nPrivateKey = ${SERVER_PRIVATE}\n`,
    'PostUp = iptables -A FORWARD -i %i -j ACCEPT\nSaveConfig = false\n',
  ];
  for (let i = 0; i < count; i++) {
    const { v4, v6 } = bigAddresses(i);
    parts.push(
      `\n[Peer]\n# Name = peer-${i}\nPublicKey = ${testKey(`big-${i}`)}\n` +
        `AllowedIPs = ${v4}, ${v6}\n` +
        (i % 3 === 0 ? 'PersistentKeepalive = 25\n' : ''),
    );
  }
  return parts.join('');
}

/**
 * The timeout of a 10,000-peer test: a guard against a hang, not a speed bar (speed is measured by
 * `npm run bench -- files`). Vitest's 5 s default fires on a loaded 2-core machine.
 */
export const BIG_TEST_TIMEOUT_MS = 60_000;

/** bigConf's address of peer `i`: hosts from .2 up, in 198.18.0.0/16 and 2001:2:0:1000::/64. */
function bigAddresses(i: number): { v4: string; v6: string } {
  const host = i + 2;
  return {
    v4: `198.18.${Math.floor(host / 256)}.${host % 256}/32`,
    v6: `2001:2:0:1000::${host.toString(16)}/128`,
  };
}

/** The live peers of bigConf(count) as wg shows them: IPv6 listed first, the same keepalives. */
export function bigLivePeers(count: number): PeerDump[] {
  const peers: PeerDump[] = [];
  for (let i = 0; i < count; i++) {
    const { v4, v6 } = bigAddresses(i);
    peers.push(
      livePeer(testKey(`big-${i}`), { allowedIps: [v6, v4], persistentKeepalive: i % 3 === 0 ? 25 : null }),
    );
  }
  return peers;
}

/** `count` peers' address claims, each made twice: once by the live peer, once by its file block. */
export function bigClaimants(count: number): Claimant[] {
  const claimants: Claimant[] = [];
  for (let i = 0; i < count; i++) {
    const { v4, v6 } = bigAddresses(i);
    const claimant = (): Claimant => ({ publicKey: testKey(`p${i}`), name: `p${i}`, allowedIps: [v4, v6] });
    claimants.push(claimant(), claimant());
  }
  return claimants;
}

export function livePeer(publicKey: string, fields: Partial<PeerDump> = {}): PeerDump {
  return {
    publicKey,
    presharedKey: false,
    endpoint: null,
    allowedIps: [],
    latestHandshake: null,
    rxBytes: 0,
    txBytes: 0,
    persistentKeepalive: null,
    ...fields,
  };
}

export function liveInterface(peers: PeerDump[], fields: Partial<InterfaceDump> = {}): InterfaceDump {
  return { name: 'wg0', publicKey: null, listenPort: 51820, fwmark: null, peers, ...fields };
}

/** The live state that exactly matches SERVER_CONF (carol is disabled, so absent). */
export function serverLive(serverPublic: string): InterfaceDump {
  return liveInterface(
    [
      livePeer(ALICE, {
        allowedIps: ['198.18.8.2/32', '2001:2:0:1042::2/128'],
        latestHandshake: 1_700_000_000,
      }),
      livePeer(BOB, {
        presharedKey: true,
        allowedIps: ['198.18.8.3/32', '2001:2:0:1042::3/128'],
        persistentKeepalive: 25,
        endpoint: '198.18.3.3:40000',
      }),
      livePeer(DAVE, { allowedIps: ['198.18.8.5/32', '198.18.50.0/24'], endpoint: '198.18.7.9:51820' }),
    ],
    { publicKey: serverPublic },
  );
}
