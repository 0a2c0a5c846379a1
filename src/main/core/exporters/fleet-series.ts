import type { MetricNameProfile } from '../../../shared/exporter-settings.ts';
import type { PeerLive, ServerLive, Snapshot } from '../../../shared/domain.ts';
import { isStreaming } from '../../../shared/liveness.ts';
import type { SessionStats } from '../fleet/server-session.ts';
import {
  COLLECTOR_FAMILIES,
  INTERFACE_COUNTER_FAMILIES,
  INTERFACE_FAMILIES,
  PEER_FAMILIES,
  SERVER_FAMILIES,
  labelsIn,
  type MetricFamily,
} from './metric-families.ts';

/** What the exporters know of one server at a moment. */
export interface ServerMetricsInput {
  live: ServerLive;
  /** Its last frame as parsed (for every network device, not only WireGuard's); null before one. */
  snapshot: Snapshot | null;
  stats?: Readonly<SessionStats>;
  intervalSeconds?: number;
}

/** One series: its label values in `labelsIn(family, profile)` order, and its value. */
export interface Series {
  labels: readonly string[];
  value: number;
}

export type FleetSeries = Map<MetricFamily, Series[]>;

/** seed 000's connected rule, fixed so dashboards mean the same everywhere: a handshake in 180 s. */
export const PEER_UP_HANDSHAKE_SECONDS = 180;

export function peerUp(peer: PeerLive, serverTime: number): boolean {
  if (peer.latestHandshake !== null && serverTime - peer.latestHandshake < PEER_UP_HANDSHAKE_SECONDS)
    return true;
  return peer.ping !== null && peer.ping.ok && !peer.ping.failing;
}

type NameOf = (server: string, iface: string, publicKey: string) => string | null;

/**
 * Every series of the fleet, by family: the one computation behind `/metrics` and the VictoriaMetrics
 * push. A server that is not streaming has `wgdeck_server_up 0` and nothing else (its last values are
 * history, not the present: Prometheus marks them stale). Values are the servers' own, unconverted
 * except into base units.
 */
export function fleetSeries(
  servers: readonly ServerMetricsInput[],
  profile: MetricNameProfile,
  nameOf: NameOf = () => null,
): FleetSeries {
  const out: FleetSeries = new Map();
  const add = (family: MetricFamily, labels: readonly string[], value: number | null | undefined): void => {
    if (value === null || value === undefined || !Number.isFinite(value)) return;
    let list = out.get(family);
    if (!list) out.set(family, (list = []));
    list.push({ labels, value });
  };
  const mdlayher = profile === 'mdlayher';
  const mindflavor = profile === 'mindflavor';
  for (const { live, snapshot, stats, intervalSeconds } of servers) {
    const server = live.name;
    const streaming = isStreaming(live);
    add(SERVER_FAMILIES.up, [server], streaming ? 1 : 0);
    if (stats) {
      add(COLLECTOR_FAMILIES.frames, [server], stats.frames);
      add(COLLECTOR_FAMILIES.bytesReceived, [server], stats.bytesReceived);
      add(COLLECTOR_FAMILIES.reconnects, [server], stats.reconnects);
      add(COLLECTOR_FAMILIES.frameSeconds, [server], stats.lastFrameSeconds);
    }
    add(COLLECTOR_FAMILIES.droppedFrames, [server], live.droppedFrames);
    add(COLLECTOR_FAMILIES.pollInterval, [server], intervalSeconds);
    if (!streaming) continue;
    serverSeries(add, live, snapshot);
    const serverTime = live.serverTime ?? 0;
    for (const iface of live.interfaces) {
      const ifaceLabels = [server, iface.name];
      add(
        INTERFACE_FAMILIES.info,
        [
          ...ifaceLabels,
          iface.publicKey ?? '',
          String(iface.listenPort ?? ''),
          ...(mdlayher ? [iface.name] : []),
        ],
        1,
      );
      if (iface.counters) {
        for (const [key, family] of Object.entries(INTERFACE_COUNTER_FAMILIES)) {
          add(family, ifaceLabels, iface.counters[key as keyof typeof INTERFACE_COUNTER_FAMILIES]);
        }
      }
      let active = 0;
      for (const peer of iface.peers) {
        const base = [server, iface.name, peer.publicKey];
        const withDev = mdlayher ? [...base, iface.name] : base;
        const allowed = peer.allowedIps.join(',');
        const name = nameOf(server, iface.name, peer.publicKey);
        const counterLabels = mindflavor ? [...base, allowed, name ?? ''] : withDev;
        add(PEER_FAMILIES.receiveBytes, counterLabels, peer.rxBytes);
        add(PEER_FAMILIES.transmitBytes, counterLabels, peer.txBytes);
        add(PEER_FAMILIES.lastHandshake, counterLabels, peer.latestHandshake ?? 0);
        add(
          PEER_FAMILIES.info,
          [...base, name ?? '', allowed, peer.endpoint ?? '', ...(mdlayher ? [iface.name] : [])],
          1,
        );
        const up = peerUp(peer, serverTime);
        if (up) active += 1;
        add(PEER_FAMILIES.up, withDev, up ? 1 : 0);
        if (peer.ping?.ok && peer.ping.rttMs !== null)
          add(PEER_FAMILIES.pingRtt, withDev, peer.ping.rttMs / 1000);
      }
      add(INTERFACE_FAMILIES.peers, ifaceLabels, iface.peers.length);
      add(INTERFACE_FAMILIES.peersActive, ifaceLabels, active);
    }
  }
  return out;
}

function serverSeries(
  add: (family: MetricFamily, labels: readonly string[], value: number | null | undefined) => void,
  live: ServerLive,
  snapshot: Snapshot | null,
): void {
  const server = [live.name];
  const system = live.system;
  if (system) {
    add(SERVER_FAMILIES.cpuUsage, server, system.cpuPercent === null ? null : system.cpuPercent / 100);
    add(SERVER_FAMILIES.cpus, server, system.cpuCount);
    add(SERVER_FAMILIES.memoryTotal, server, system.memTotalBytes);
    add(SERVER_FAMILIES.memoryUsage, server, ratio(system.memUsedBytes, system.memTotalBytes));
    add(SERVER_FAMILIES.diskTotal, server, system.diskTotalBytes);
    add(SERVER_FAMILIES.diskUsage, server, ratio(system.diskUsedBytes, system.diskTotalBytes));
    add(SERVER_FAMILIES.load1, server, system.load1);
    add(SERVER_FAMILIES.load5, server, system.load5);
    add(SERVER_FAMILIES.load15, server, system.load15);
    add(SERVER_FAMILIES.uptime, server, system.uptimeSeconds);
  }
  add(SERVER_FAMILIES.time, server, live.serverTime);
  if (snapshot) {
    for (const [device, counters] of Object.entries(snapshot.netdev)) {
      if (device === 'lo') continue;
      add(SERVER_FAMILIES.networkReceive, [live.name, device], counters.rxBytes);
      add(SERVER_FAMILIES.networkTransmit, [live.name, device], counters.txBytes);
    }
  }
}

function ratio(part: number | null, whole: number | null): number | null {
  return part === null || whole === null || whole <= 0 ? null : part / whole;
}

/** For tests and docs: a family's label names next to a series' values. */
export function labelObject(
  family: MetricFamily,
  profile: MetricNameProfile,
  series: Series,
): Record<string, string> {
  const names = labelsIn(family, profile);
  return Object.fromEntries(names.map((name, i) => [name, series.labels[i] ?? '']));
}
