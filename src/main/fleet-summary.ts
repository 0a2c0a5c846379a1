import type { ServerLive } from '../shared/domain.ts';
import { isStreaming } from '../shared/liveness.ts';

/**
 * What the tray shows: a glance at the fleet. Peers count only on servers that are streaming (the
 * rule the overview follows too): a cut server's last known peers are not "online".
 */
export interface FleetSummary {
  serversUp: number;
  serversTotal: number;
  peersOnline: number;
  peersTotal: number;
}

export function fleetSummary(servers: readonly ServerLive[]): FleetSummary {
  let serversUp = 0;
  let peersOnline = 0;
  let peersTotal = 0;
  for (const server of servers) {
    if (!isStreaming(server)) continue;
    serversUp += 1;
    for (const iface of server.interfaces) {
      peersTotal += iface.peers.length;
      for (const peer of iface.peers) if (peer.status === 'online') peersOnline += 1;
    }
  }
  return { serversUp, serversTotal: servers.length, peersOnline, peersTotal };
}

export function sameSummary(a: FleetSummary | null, b: FleetSummary): boolean {
  return (
    a !== null &&
    a.serversUp === b.serversUp &&
    a.serversTotal === b.serversTotal &&
    a.peersOnline === b.peersOnline &&
    a.peersTotal === b.peersTotal
  );
}

/** ok: every server up; warn: some down; idle: no servers (or not known yet). */
export type FleetLevel = 'ok' | 'warn' | 'idle';

export function fleetLevel(summary: FleetSummary | null): FleetLevel {
  if (!summary || summary.serversTotal === 0) return 'idle';
  return summary.serversUp === summary.serversTotal ? 'ok' : 'warn';
}

/** "2/3 servers up · 37 peers online" — the tray's tooltip and status line. */
export function summaryText(summary: FleetSummary | null): string {
  if (!summary) return 'Starting…';
  if (summary.serversTotal === 0) return 'No servers yet';
  const peers = `${summary.peersOnline} peer${summary.peersOnline === 1 ? '' : 's'} online`;
  return `${summary.serversUp}/${summary.serversTotal} servers up · ${peers}`;
}
