import type { MetricNameProfile } from '../../../shared/exporter-settings.ts';

/**
 * Every metric WG Deck exports, declared once: its name (per name profile where a well-known exporter
 * spells it differently), type, help and labels. The Prometheus endpoint, the VictoriaMetrics push
 * and docs/metrics.md (a test keeps them equal) all read this table.
 *
 * Conventions (prometheus.io/docs/practices/naming): base units (bytes, seconds, ratios 0–1), `_total`
 * on counters, churny strings (names, endpoints, allowed IPs) only on `_info` gauges whose value is 1.
 * Counters are the servers' own counters: when an interface restarts they start again from 0, which
 * `rate()` and `increase()` read as a counter reset (they never go backwards otherwise).
 */

export type MetricType = 'counter' | 'gauge';

export interface MetricFamily {
  /** Our name (the `mdlayher` profile, the default). */
  name: string;
  type: MetricType;
  help: string;
  labels: readonly string[];
  /** Another profile's name for the same series (MindFlavor's exporter, dashboard 17251). */
  names?: Partial<Record<MetricNameProfile, string>>;
  /** Labels another profile adds to this family, as that exporter has them. */
  extraLabels?: Partial<Record<MetricNameProfile, readonly string[]>>;
}

const PEER = ['server', 'interface', 'public_key'] as const;
const IFACE = ['server', 'interface'] as const;
const SERVER = ['server'] as const;

/**
 * mdlayher's exporter (Grafana dashboard 12177) labels the interface `device`: that profile carries
 * both `interface` and `device` (same value), so its dashboards and ours both select.
 */
const MDLAYHER_DEVICE = { mdlayher: ['device'] } as const;
/** MindFlavor's exporter puts the allowed IPs (and a friendly name) on every peer series. */
const MINDFLAVOR_PEER = { mindflavor: ['allowed_ips', 'friendly_name'], ...MDLAYHER_DEVICE } as const;

function family(
  name: string,
  type: MetricType,
  help: string,
  labels: readonly string[],
  more: Pick<MetricFamily, 'names' | 'extraLabels'> = {},
): MetricFamily {
  return { name, type, help, labels, ...more };
}

export const PEER_FAMILIES = {
  receiveBytes: family(
    'wireguard_peer_receive_bytes_total',
    'counter',
    'Bytes received from the peer (the server side of the tunnel).',
    PEER,
    { names: { mindflavor: 'wireguard_received_bytes_total' }, extraLabels: MINDFLAVOR_PEER },
  ),
  transmitBytes: family('wireguard_peer_transmit_bytes_total', 'counter', 'Bytes sent to the peer.', PEER, {
    names: { mindflavor: 'wireguard_sent_bytes_total' },
    extraLabels: MINDFLAVOR_PEER,
  }),
  lastHandshake: family(
    'wireguard_peer_last_handshake_seconds',
    'gauge',
    'Unix time of the latest handshake with the peer (server clock); 0 if there has been none.',
    PEER,
    { names: { mindflavor: 'wireguard_latest_handshake_seconds' }, extraLabels: MINDFLAVOR_PEER },
  ),
  info: family(
    'wireguard_peer_info',
    'gauge',
    'Metadata of a peer (always 1): its name, allowed IPs and current endpoint.',
    [...PEER, 'name', 'allowed_ips', 'endpoint'],
    { extraLabels: MDLAYHER_DEVICE },
  ),
  up: family(
    'wireguard_peer_up',
    'gauge',
    '1 if the peer is connected: a handshake in the last 180 s, or its ping check answers (seed 000).',
    PEER,
    { extraLabels: MDLAYHER_DEVICE },
  ),
  pingRtt: family(
    'wireguard_peer_ping_rtt_seconds',
    'gauge',
    "Round-trip time of the latest answered ping check from the peer's server; absent when unanswered.",
    PEER,
    { extraLabels: MDLAYHER_DEVICE },
  ),
} as const;

/** The nine /proc/net/dev counters of a WireGuard interface (seed 004's eight, plus multicast). */
export const INTERFACE_COUNTER_FAMILIES = {
  rxBytes: family('wireguard_interface_receive_bytes_total', 'counter', 'Bytes received.', IFACE),
  txBytes: family('wireguard_interface_transmit_bytes_total', 'counter', 'Bytes sent.', IFACE),
  rxPackets: family('wireguard_interface_receive_packets_total', 'counter', 'Packets received.', IFACE),
  txPackets: family('wireguard_interface_transmit_packets_total', 'counter', 'Packets sent.', IFACE),
  rxErrors: family('wireguard_interface_receive_errors_total', 'counter', 'Receive errors.', IFACE),
  txErrors: family('wireguard_interface_transmit_errors_total', 'counter', 'Transmit errors.', IFACE),
  rxDropped: family(
    'wireguard_interface_receive_dropped_total',
    'counter',
    'Received packets dropped.',
    IFACE,
  ),
  txDropped: family(
    'wireguard_interface_transmit_dropped_total',
    'counter',
    'Packets dropped before sending.',
    IFACE,
  ),
  multicast: family('wireguard_interface_multicast_total', 'counter', 'Multicast packets received.', IFACE),
} as const;

export const INTERFACE_FAMILIES = {
  info: family(
    'wireguard_device_info',
    'gauge',
    'Metadata of a WireGuard interface (always 1): its public key and listen port.',
    [...IFACE, 'public_key', 'listen_port'],
    { extraLabels: MDLAYHER_DEVICE },
  ),
  peers: family('wireguard_peers', 'gauge', 'Peers configured on the interface (seed 001).', IFACE),
  peersActive: family(
    'wireguard_peers_active',
    'gauge',
    'Peers connected now, by wireguard_peer_up (seed 001).',
    IFACE,
  ),
} as const;

export const SERVER_FAMILIES = {
  up: family(
    'wgdeck_server_up',
    'gauge',
    '1 while WG Deck streams from the server; 0 when it cannot (its other series are then absent).',
    SERVER,
  ),
  cpuUsage: family(
    'wgdeck_server_cpu_usage_ratio',
    'gauge',
    'CPU busy share, 0–1, over the last poll.',
    SERVER,
  ),
  cpus: family('wgdeck_server_cpus', 'gauge', 'CPUs the server has.', SERVER),
  memoryTotal: family('wgdeck_server_memory_total_bytes', 'gauge', 'Memory in all.', SERVER),
  memoryUsage: family(
    'wgdeck_server_memory_usage_ratio',
    'gauge',
    'Memory in use (total minus available), 0–1.',
    SERVER,
  ),
  diskTotal: family('wgdeck_server_disk_total_bytes', 'gauge', 'Size of the root file system.', SERVER),
  diskUsage: family('wgdeck_server_disk_usage_ratio', 'gauge', 'Root file system in use, 0–1.', SERVER),
  load1: family('wgdeck_server_load1', 'gauge', 'Load average over 1 minute.', SERVER),
  load5: family('wgdeck_server_load5', 'gauge', 'Load average over 5 minutes.', SERVER),
  load15: family('wgdeck_server_load15', 'gauge', 'Load average over 15 minutes.', SERVER),
  uptime: family('wgdeck_server_uptime_seconds', 'gauge', 'Seconds since the server booted.', SERVER),
  time: family(
    'wgdeck_server_time_seconds',
    'gauge',
    "The server's clock, unix seconds, at its last poll.",
    SERVER,
  ),
  networkReceive: family(
    'wgdeck_server_network_receive_bytes_total',
    'counter',
    'Bytes received by a network device of the server (every device but lo).',
    [...SERVER, 'device'],
  ),
  networkTransmit: family(
    'wgdeck_server_network_transmit_bytes_total',
    'counter',
    'Bytes sent by a network device of the server (every device but lo).',
    [...SERVER, 'device'],
  ),
} as const;

/** WG Deck's own work per server (the collector's health). */
export const COLLECTOR_FAMILIES = {
  frames: family('wgdeck_collector_frames_total', 'counter', 'Frames taken from the server.', SERVER),
  droppedFrames: family(
    'wgdeck_collector_dropped_frames_total',
    'counter',
    'Frames refused: faster than half the poll interval, or with a clock that stood still.',
    SERVER,
  ),
  bytesReceived: family(
    'wgdeck_collector_received_bytes_total',
    'counter',
    "Bytes read from the server's collector stream.",
    SERVER,
  ),
  reconnects: family(
    'wgdeck_collector_reconnects_total',
    'counter',
    'Connections to the server made after the first.',
    SERVER,
  ),
  frameSeconds: family(
    'wgdeck_collector_frame_processing_seconds',
    'gauge',
    'Time WG Deck took to take in the last frame (state update, events, publish).',
    SERVER,
  ),
  pollInterval: family(
    'wgdeck_collector_poll_interval_seconds',
    'gauge',
    'How often the server is polled.',
    SERVER,
  ),
} as const;

export const ALL_FAMILIES: readonly MetricFamily[] = [
  ...Object.values(PEER_FAMILIES),
  ...Object.values(INTERFACE_COUNTER_FAMILIES),
  ...Object.values(INTERFACE_FAMILIES),
  ...Object.values(SERVER_FAMILIES),
  ...Object.values(COLLECTOR_FAMILIES),
];

/** The family's name in a profile. */
export function nameIn(family: MetricFamily, profile: MetricNameProfile): string {
  return family.names?.[profile] ?? family.name;
}

/** The family's labels in a profile, in order. */
export function labelsIn(family: MetricFamily, profile: MetricNameProfile): readonly string[] {
  const extra = family.extraLabels?.[profile];
  return extra ? [...family.labels, ...extra] : family.labels;
}

/** The profiles other than the default, whose spellings docs/metrics.md maps. */
export const METRIC_NAME_PROFILES_USED = ['mindflavor'] as const satisfies readonly MetricNameProfile[];
