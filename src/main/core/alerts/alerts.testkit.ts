import type { AlertRule } from '../../../shared/alerts.ts';
import type { InterfaceCounters, Snapshot } from '../../../shared/domain.ts';
import type { DomainEvent } from '../bus/domain-events.ts';

export const KEY_A = `${'A'.repeat(43)}=`;
export const KEY_B = `${'B'.repeat(43)}=`;

export function counters(over: Partial<InterfaceCounters> = {}): InterfaceCounters {
  return {
    rxBytes: 0,
    txBytes: 0,
    rxPackets: 0,
    txPackets: 0,
    rxErrors: 0,
    txErrors: 0,
    rxDropped: 0,
    txDropped: 0,
    multicast: 0,
    ...over,
  };
}

/** A frame of server `edge` with interface wg0 (its netdev counters given) and peers' totals. */
export function sample(
  at: number,
  wg0: Partial<InterfaceCounters>,
  peers: { publicKey: string; rxBytes: number; txBytes: number }[] = [],
  server = 'edge',
): Extract<DomainEvent, { type: 'server.sample' }> {
  const snapshot: Snapshot = {
    seq: at,
    serverTime: at / 1000,
    monotonic: at / 1000,
    interfaces: [
      {
        name: 'wg0',
        publicKey: KEY_B,
        listenPort: 51820,
        fwmark: null,
        peers: peers.map((p) => ({
          publicKey: p.publicKey,
          presharedKey: false,
          endpoint: null,
          allowedIps: ['198.18.0.2/32'],
          latestHandshake: null,
          rxBytes: p.rxBytes,
          txBytes: p.txBytes,
          persistentKeepalive: null,
        })),
      },
    ],
    netdev: { wg0: counters(wg0), eth0: counters() },
    system: {
      cpuTotalJiffies: null,
      cpuIdleJiffies: null,
      cpuCount: null,
      memTotalBytes: null,
      memAvailableBytes: null,
      diskTotalBytes: null,
      diskUsedBytes: null,
      load1: null,
      load5: null,
      load15: null,
      uptimeSeconds: null,
    },
    wgError: null,
    ping: null,
  };
  return { type: 'server.sample', server, snapshot, receivedAt: at, intervalSeconds: 5 };
}

export function rule<K extends AlertRule['kind']>(
  kind: K,
  fields: Omit<Extract<AlertRule, { kind: K }>, 'kind' | 'id' | 'enabled' | 'snoozedUntil'> &
    Partial<Pick<AlertRule, 'id' | 'enabled' | 'snoozedUntil'>>,
): Extract<AlertRule, { kind: K }> {
  return { id: 'rule0001', enabled: true, snoozedUntil: null, kind, ...fields } as Extract<
    AlertRule,
    { kind: K }
  >;
}
