import { describe, expect, it } from 'vitest';
import {
  DEFAULT_THRESHOLDS,
  type InterfaceDump,
  type InterfaceLive,
  type PeerDump,
  type PeerLive,
} from '../../../shared/domain.ts';
import { verifiedInterface } from './verified-interface.ts';

const KEY = (c: string) => c.repeat(43) + '=';
const NOW = 1_800_000_000;

function dumpPeer(key: string, overrides: Partial<PeerDump> = {}): PeerDump {
  return {
    publicKey: key,
    presharedKey: false,
    endpoint: null,
    allowedIps: ['198.18.128.2/32'],
    latestHandshake: null,
    rxBytes: 0,
    txBytes: 0,
    persistentKeepalive: null,
    ...overrides,
  };
}

function livePeer(key: string, overrides: Partial<PeerLive> = {}): PeerLive {
  return {
    ...dumpPeer(key),
    status: 'online',
    rxRate: 120,
    txRate: 80,
    resets: 0,
    checkAddress: null,
    ping: null,
    ...overrides,
  };
}

const current: InterfaceLive = {
  name: 'wg0',
  publicKey: KEY('S'),
  listenPort: 51820,
  fwmark: null,
  counters: null,
  rates: { rxBytes: 10, txBytes: 20 } as InterfaceLive['rates'],
  peers: [livePeer(KEY('A'), { rxBytes: 5000 }), livePeer(KEY('B'))],
};

function verified(peers: PeerDump[]): InterfaceDump {
  return { name: 'wg0', publicKey: KEY('S'), listenPort: 51820, fwmark: null, peers };
}

describe('the interface as a verified apply read it', () => {
  it('drops removed peers, adds new ones without a rate, keeps the counters and rates of the others', () => {
    const next = verifiedInterface(
      current,
      verified([
        dumpPeer(KEY('A'), { rxBytes: 5100, allowedIps: ['198.18.128.9/32'] }),
        dumpPeer(KEY('C'), { latestHandshake: NOW - 10, rxBytes: 300 }),
      ]),
      NOW,
      DEFAULT_THRESHOLDS,
    );
    expect(next.peers.map((p) => p.publicKey)).toEqual([KEY('A'), KEY('C')]);
    const [a, c] = next.peers;
    // An edit shows at once; the counters stay the last frame's (the rate is per frame).
    expect(a).toMatchObject({ allowedIps: ['198.18.128.9/32'], rxBytes: 5000, rxRate: 120 });
    expect(c).toMatchObject({ status: 'online', rxBytes: 300, rxRate: null, txRate: null, resets: 0 });
    // The interface's own counters and rates are not the verification's to change.
    expect(next.rates).toBe(current.rates);
    expect(next.name).toBe('wg0');
  });

  it('a new peer that never shook hands is "never", not online', () => {
    const next = verifiedInterface(current, verified([dumpPeer(KEY('D'))]), NOW, DEFAULT_THRESHOLDS);
    expect(next.peers).toHaveLength(1);
    expect(next.peers[0]!.status).toBe('never');
  });
});
