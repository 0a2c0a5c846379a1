/**
 * Drift: how a live interface (`wg show dump`, via the collector) differs from its config file.
 *
 * Compared exactly as `wg syncconf` would reconcile them, so a drift report is also the list of what
 * a tier-2 apply touches:
 * - peers only live (syncconf removes them), only in the file (adds them), disabled in the file yet
 *   live (removes them); disabled peers absent live are expected, not drift;
 * - per peer: allowed IPs as sets of masked prefixes (the kernel masks host bits, and its order is
 *   its trie's), persistent keepalive (absent = 0 = off), preshared key presence (the dump only says
 *   whether one is set; an all-zero key is none), and the endpoint only where the file pins one to an
 *   IP address (a host name resolves on the server; an unpinned peer roams);
 * - the interface: the public key derived from the file's PrivateKey, the listen port and the
 *   fwmark. syncconf sets all three from the file, absent meaning zero: a file without ListenPort
 *   moves the interface to a random port, a different key drops every session.
 */

import type { InterfaceDump, PeerDump } from '../../../shared/domain.ts';
import type {
  DriftDifference,
  DriftPeer,
  DriftReport,
  InterfaceDriftDifference,
} from '../../../shared/peers.ts';
import type { ConfigFile, FileInterface, FilePeer } from './config-file.ts';
import { configInterface, configPeers } from './config-file.ts';
import { formatAddress, parseAddress, parsePrefix, prefixKey } from './ip.ts';
import { publicKeyOf } from './keys.ts';

/** Allowed IPs as a sorted list of masked canonical prefixes (invalid entries kept as written). */
export function allowedIpSet(entries: readonly string[]): string[] {
  const keys = new Set<string>();
  for (const entry of entries) {
    const prefix = parsePrefix(entry);
    keys.add(prefix === null ? entry : prefixKey(prefix));
  }
  return [...keys].sort(compareCanonical);
}

function compareCanonical(a: string, b: string): number {
  const pa = parsePrefix(a);
  const pb = parsePrefix(b);
  if (pa === null || pb === null) return a < b ? -1 : a > b ? 1 : 0;
  if (pa.family !== pb.family) return pa.family - pb.family;
  if (pa.address !== pb.address) return pa.address < pb.address ? -1 : 1;
  return pa.length - pb.length;
}

/** `ip:port` / `[ipv6]:port` in canonical form, or null for a host name (or anything else). */
export function canonicalEndpoint(endpoint: string): string | null {
  const match = /^(?:\[([^\]%]+)(%[^\]]+)?\]|([^:[\]]+)):(\d{1,5})$/.exec(endpoint);
  if (!match) return null;
  const address = parseAddress(match[1] ?? match[3]!);
  if (address === null) return null;
  const host = formatAddress(address.family, address.value);
  const port = Number(match[4]);
  return address.family === 6 ? `[${host}${match[2] ?? ''}]:${port}` : `${host}:${port}`;
}

function showList(list: readonly string[]): string {
  return list.length === 0 ? '(none)' : list.join(', ');
}

function showKeepalive(seconds: number | null): string {
  return seconds === null || seconds === 0 ? 'off' : String(seconds);
}

/** What differs between one file peer and its live state (empty = in sync). */
export function comparePeer(file: FilePeer, live: PeerDump): DriftDifference[] {
  const differences: DriftDifference[] = [];
  const fileIps = allowedIpSet(file.allowedIps);
  const liveIps = allowedIpSet(live.allowedIps);
  if (fileIps.join(',') !== liveIps.join(',')) {
    differences.push({ field: 'allowedIps', file: showList(fileIps), live: showList(liveIps) });
  }
  const fileKeepalive = showKeepalive(file.persistentKeepalive);
  const liveKeepalive = showKeepalive(live.persistentKeepalive);
  if (fileKeepalive !== liveKeepalive) {
    differences.push({ field: 'persistentKeepalive', file: fileKeepalive, live: liveKeepalive });
  }
  const filePsk = file.presharedKey !== null;
  if (filePsk !== live.presharedKey) {
    differences.push({
      field: 'presharedKey',
      file: filePsk ? 'yes' : 'no',
      live: live.presharedKey ? 'yes' : 'no',
    });
  }
  if (file.endpoint !== null) {
    const pinned = canonicalEndpoint(file.endpoint);
    const current = live.endpoint === null ? null : (canonicalEndpoint(live.endpoint) ?? live.endpoint);
    if (pinned !== null && pinned !== current) {
      differences.push({ field: 'endpoint', file: pinned, live: current ?? '(none)' });
    }
  }
  return differences;
}

function compareInterface(file: FileInterface, live: InterfaceDump): InterfaceDriftDifference[] {
  const differences: InterfaceDriftDifference[] = [];
  if (!file.present) return differences;
  const filePublic = file.privateKey === null ? null : publicKeyOf(file.privateKey);
  if (filePublic !== live.publicKey) {
    differences.push({ field: 'publicKey', file: filePublic ?? '(none)', live: live.publicKey ?? '(none)' });
  }
  if ((file.listenPort ?? 0) !== (live.listenPort ?? 0)) {
    differences.push({
      field: 'listenPort',
      file: file.listenPort === null ? '(none: a random port)' : String(file.listenPort),
      live: live.listenPort === null ? '(none)' : String(live.listenPort),
    });
  }
  if ((file.fwmark ?? 0) !== (live.fwmark ?? 0)) {
    const show = (mark: number | null): string =>
      mark === null || mark === 0 ? 'off' : `0x${mark.toString(16)}`;
    differences.push({ field: 'fwmark', file: show(file.fwmark), live: show(live.fwmark) });
  }
  return differences;
}

/** The drift between an interface's config file and its live state. */
export function compareDrift(file: ConfigFile, live: InterfaceDump): DriftReport {
  return compareDriftOf(configInterface(file), configPeers(file), live);
}

/** The same from already-read file contents (the plan reuses them). */
export function compareDriftOf(
  fileInterface: FileInterface,
  filePeers: readonly FilePeer[],
  live: InterfaceDump,
): DriftReport {
  // As wg applies the file: a later section for the same key overrides an earlier one.
  const enabled = new Map<string, FilePeer>();
  const disabled = new Map<string, FilePeer>();
  for (const peer of filePeers) {
    if (peer.publicKey === null) continue;
    (peer.disabled ? disabled : enabled).set(peer.publicKey, peer);
  }
  const livePeers = new Map<string, PeerDump>();
  for (const peer of live.peers) livePeers.set(peer.publicKey, peer);

  const report: DriftReport = {
    iface: live.name,
    inSync: true,
    onlyLive: [],
    onlyFile: [],
    disabledButLive: [],
    different: [],
    interface: compareInterface(fileInterface, live),
  };
  const label = (peer: FilePeer): DriftPeer => ({ publicKey: peer.publicKey!, name: peer.name });
  for (const peer of enabled.values()) {
    const current = livePeers.get(peer.publicKey!);
    if (current === undefined) {
      report.onlyFile.push(label(peer));
      continue;
    }
    const differences = comparePeer(peer, current);
    if (differences.length > 0) report.different.push({ ...label(peer), differences });
  }
  for (const peer of disabled.values()) {
    if (!enabled.has(peer.publicKey!) && livePeers.has(peer.publicKey!))
      report.disabledButLive.push(label(peer));
  }
  for (const peer of live.peers) {
    if (!enabled.has(peer.publicKey) && !disabled.has(peer.publicKey)) {
      report.onlyLive.push({ publicKey: peer.publicKey, name: null });
    }
  }
  report.inSync =
    report.onlyLive.length === 0 &&
    report.onlyFile.length === 0 &&
    report.disabledButLive.length === 0 &&
    report.different.length === 0 &&
    report.interface.length === 0;
  return report;
}
