import { NULL_RATES, type InterfaceLive, type PeerLive, type ServerLive } from '../../../shared/domain.ts';

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
    system: null,
    interfaces,
    ...extra,
  };
}
