import { NULL_RATES, type InterfaceLive, type PeerLive, type ServerLive } from '../../../shared/domain.ts';
import { fleetFromSync, type Fleet } from './fleet-state.ts';

/** Small builders for the renderer's pure tests. */

export function peer(i: number, extra: Partial<PeerLive> = {}): PeerLive {
  return {
    publicKey: `key-${String(i).padStart(4, '0')}-${'x'.repeat(30)}=`,
    presharedKey: false,
    endpoint: `198.18.2.${i % 250}:51820`,
    allowedIps: [`198.18.128.${i % 250}/32`],
    latestHandshake: 1000 - i,
    rxBytes: i * 100,
    txBytes: i * 10,
    persistentKeepalive: null,
    status: 'online',
    rxRate: 0,
    txRate: 0,
    resets: 0,
    checkAddress: null,
    ping: null,
    ...extra,
  };
}

const NO_RATES = NULL_RATES;

export function iface(
  name: string,
  peers: PeerLive[],
  rates: Partial<InterfaceLive['rates']> = {},
): InterfaceLive {
  return {
    name,
    publicKey: `${name}-public-key`,
    listenPort: 51820,
    fwmark: null,
    counters: null,
    rates: { ...NO_RATES, ...rates },
    peers,
  };
}

export function server(
  name: string,
  interfaces: InterfaceLive[],
  extra: Partial<ServerLive> = {},
): ServerLive {
  return {
    name,
    host: `${name}.lab`,
    state: 'connected',
    updatedAt: 10_000,
    serverTime: 1000,
    droppedFrames: 0,
    system: null,
    interfaces,
    ...extra,
  };
}

/** A fleet of `servers` servers named s0, s1, …, each with one interface of `peersEach` peers. */
export function bigFleet(servers: number, peersEach: number): Fleet {
  return fleetFromSync(
    Array.from({ length: servers }, (_, s) => ({
      name: `s${s}`,
      seq: 1,
      live: server(`s${s}`, [
        iface(
          'wg0',
          Array.from({ length: peersEach }, (_, i) => peer(i)),
          { rxBytes: 1 },
        ),
      ]),
    })),
  );
}

/** `count` peers whose receive rates are scattered, for sorting. */
export function scatteredPeers(count: number): PeerLive[] {
  return Array.from({ length: count }, (_, i) => peer(i, { rxRate: (i * 7919) % 1000 }));
}
