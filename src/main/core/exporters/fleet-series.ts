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
  /**
   * Every network device's counters in its last frame (not only WireGuard's); null before one. Only
   * these are kept of a frame: the rest is in the live state already.
   */
  netdev: Snapshot['netdev'] | null;
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
  const list = (family: MetricFamily): Series[] => {
    let series = out.get(family);
    if (!series) out.set(family, (series = []));
    return series;
  };
  const rx = list(PEER_FAMILIES.receiveBytes);
  const tx = list(PEER_FAMILIES.transmitBytes);
  const handshake = list(PEER_FAMILIES.lastHandshake);
  const info = list(PEER_FAMILIES.info);
  const up = list(PEER_FAMILIES.up);
  const rtt = list(PEER_FAMILIES.pingRtt);
  const mdlayher = profile === 'mdlayher';
  const mindflavor = profile === 'mindflavor';
  for (const { live, netdev, stats, intervalSeconds } of servers) {
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
    serverSeries(add, live, netdev);
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
      const name = iface.name;
      // The peer loop is the hot part at 10,000 peers: label arrays are written out, not spread.
      for (const peer of iface.peers) {
        const key = peer.publicKey;
        const withDevice = mdlayher ? [server, name, key, name] : [server, name, key];
        const allowed = peer.allowedIps.join(',');
        const peerName = nameOf(server, name, key) ?? '';
        const counterLabels = mindflavor ? [server, name, key, allowed, peerName] : withDevice;
        rx.push({ labels: counterLabels, value: peer.rxBytes });
        tx.push({ labels: counterLabels, value: peer.txBytes });
        handshake.push({ labels: counterLabels, value: peer.latestHandshake ?? 0 });
        const endpoint = peer.endpoint ?? '';
        info.push({
          labels: mdlayher
            ? [server, name, key, peerName, allowed, endpoint, name]
            : [server, name, key, peerName, allowed, endpoint],
          value: 1,
        });
        const isUp = peerUp(peer, serverTime);
        if (isUp) active += 1;
        up.push({ labels: withDevice, value: isUp ? 1 : 0 });
        if (peer.ping?.ok && peer.ping.rttMs !== null)
          rtt.push({ labels: withDevice, value: peer.ping.rttMs / 1000 });
      }
      add(INTERFACE_FAMILIES.peers, ifaceLabels, iface.peers.length);
      add(INTERFACE_FAMILIES.peersActive, ifaceLabels, active);
    }
  }
  for (const [family, series] of out) if (series.length === 0) out.delete(family);
  return out;
}

function serverSeries(
  add: (family: MetricFamily, labels: readonly string[], value: number | null | undefined) => void,
  live: ServerLive,
  netdev: Snapshot['netdev'] | null,
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
  if (netdev) {
    for (const [device, counters] of Object.entries(netdev)) {
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
