import type { PeerLive, ServerLive } from '../../../shared/domain.ts';
import { NULL_RATES } from '../../../shared/domain.ts';
import type { ServerMetricsInput } from './fleet-series.ts';

/** Keys shaped like WireGuard's (44 base64 characters); not real keys. */
export function testKey(n: number): string {
  return `${String(n).padStart(4, '0')}${'A'.repeat(39)}=`;
}

export function testPeer(n: number, overrides: Partial<PeerLive> = {}): PeerLive {
  return {
    publicKey: testKey(n),
    presharedKey: false,
    endpoint: `198.18.1.${n}:51820`,
    allowedIps: [`198.18.100.${n}/32`],
    latestHandshake: 1_800_000_000 - 10,
    rxBytes: 1000 * n,
    txBytes: 2000 * n,
    persistentKeepalive: null,
    status: 'online',
    rxRate: 0,
    txRate: 0,
    resets: 0,
    checkAddress: `198.18.100.${n}`,
    ping: null,
    ...overrides,
  };
}

/** One streaming server with wg0 and `peers` peers, its clock at 1,800,000,000. */
export function testServer(name: string, peers: PeerLive[], overrides: Partial<ServerLive> = {}): ServerLive {
  return {
    name,
    host: '198.18.0.1',
    state: 'connected',
    updatedAt: 1_800_000_000_000,
    serverTime: 1_800_000_000,
    interfaces: [
      {
        name: 'wg0',
        publicKey: testKey(9999),
        listenPort: 51820,
        fwmark: null,
        counters: {
          rxBytes: 10,
          txBytes: 20,
          rxPackets: 3,
          txPackets: 4,
          rxErrors: 1,
          txErrors: 2,
          rxDropped: 5,
          txDropped: 6,
          multicast: 0,
        },
        rates: NULL_RATES,
        peers,
      },
    ],
    system: {
      cpuPercent: 25,
      cpuCount: 2,
      memTotalBytes: 4096,
      memUsedBytes: 1024,
      diskTotalBytes: 1000,
      diskUsedBytes: 500,
      load1: 0.5,
      load5: 0.25,
      load15: 0.1,
      uptimeSeconds: 3600,
      netRxRate: 0,
      netTxRate: 0,
    },
    droppedFrames: 0,
    ...overrides,
  };
}

export function testInput(live: ServerLive): ServerMetricsInput {
  return {
    live,
    netdev: null,
    stats: { frames: 7, bytesReceived: 4096, reconnects: 1, lastFrameSeconds: 0.002 },
    intervalSeconds: 5,
  };
}
