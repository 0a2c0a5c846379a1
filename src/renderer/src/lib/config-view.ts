/**
 * Reading an interface's config view (`peers:read`): which peers have drifted and how, how many
 * drift entries there are, backups in order, and the peers whose private key WG Deck was asked to
 * keep (remembered on this computer so their row can offer the client config again).
 */
import type { BackupInfo, ConfigPeerView } from '../../../shared/peer-ops.ts';
import type { DriftReport } from '../../../shared/peers.ts';
import { DISABLED_BY_LABEL, EXPIRY_WARNING_MS, formatDisabledBy } from '../../../shared/peer-lifecycle.ts';
import { rulesText } from './peer-limits.ts';
import { formatDuration } from '../../../shared/format.ts';

export type PeerDriftKind = 'not-live' | 'disabled-but-live' | 'different';

export const DRIFT_LABEL: Record<PeerDriftKind, string> = {
  'not-live': 'Not live',
  'disabled-but-live': 'Disabled but live',
  different: 'Differs live',
};

export const DRIFT_HELP: Record<PeerDriftKind, string> = {
  'not-live': 'In the config file but not on the live interface',
  'disabled-but-live': 'Disabled in the config file, yet still on the live interface',
  different: 'The live interface has other settings for this peer than the config file',
};

export interface StateBadge {
  label: string;
  tone: 'none' | 'warn';
  /** The whole story, for the tooltip. */
  title: string;
}

/**
 * A config row's lifecycle badges: why it is disabled (the enforcer's reason, short) and its rules
 * in one badge — the most pressing (expired, expires soon) as its label, every rule in its title
 * in the file's spelling. Short labels, since a 1024-px window gives the column ~100 px.
 */
export function lifecycleBadges(peer: ConfigPeerView, now: number): StateBadge[] {
  const badges: StateBadge[] = [];
  if (peer.disabled) {
    badges.push(
      peer.disabledBy === null
        ? { label: 'Disabled', tone: 'none', title: 'Disabled in the config file' }
        : {
            label: `Off: ${DISABLED_BY_LABEL[peer.disabledBy.reason]}`,
            tone: 'none',
            title: `Disabled by WG Deck's enforcer (${formatDisabledBy(peer.disabledBy)})`,
          },
    );
  }
  const title = rulesText(peer);
  if (title === '') return badges;
  const left = peer.expiresAt === null ? null : peer.expiresAt - now;
  if (left !== null && left <= 0 && peer.disabledBy?.reason !== 'expiry')
    badges.push({ label: 'Expired', tone: 'warn', title });
  else if (left !== null && left > 0 && left <= EXPIRY_WARNING_MS)
    badges.push({ label: `Expires in ${formatDuration(left / 1000)}`, tone: 'warn', title });
  else if (peer.disabled && badges[0] !== undefined)
    // Disabled, nothing pressing: its one badge carries the rules too (two do not fit the column).
    badges[0] = { ...badges[0], title: `${badges[0].title}\n${title}` };
  else if (left === null || left > 0) badges.push({ label: 'Limits', tone: 'none', title });
  return badges;
}

/** The drift of each peer of the file, by public key. */
export function driftByPeer(report: DriftReport | null): Map<string, PeerDriftKind> {
  const map = new Map<string, PeerDriftKind>();
  if (!report) return map;
  for (const p of report.onlyFile) map.set(p.publicKey, 'not-live');
  for (const p of report.disabledButLive) map.set(p.publicKey, 'disabled-but-live');
  for (const p of report.different) map.set(p.publicKey, 'different');
  return map;
}

export function driftCount(report: DriftReport | null): number {
  if (!report) return 0;
  return (
    report.onlyLive.length +
    report.onlyFile.length +
    report.disabledButLive.length +
    report.different.length +
    report.interface.length
  );
}

export function hasDrift(report: DriftReport | null): report is DriftReport {
  return report !== null && (!report.inSync || driftCount(report) > 0);
}

export function newestFirst(backups: readonly BackupInfo[]): BackupInfo[] {
  return [...backups].sort((a, b) => b.takenAt - a.takenAt);
}

/** A peer as a person names it: its name, else its key's start. */
export function peerLabel(peer: { name: string | null; publicKey: string }): string {
  return peer.name ?? `${peer.publicKey.slice(0, 8)}…`;
}

/** Enabled first, then disabled; each by name (unnamed last), then key. */
export function sortConfigPeers(peers: readonly ConfigPeerView[]): ConfigPeerView[] {
  return [...peers].sort((a, b) => {
    if (a.disabled !== b.disabled) return a.disabled ? 1 : -1;
    if ((a.name === null) !== (b.name === null)) return a.name === null ? 1 : -1;
    const byName = (a.name ?? '').localeCompare(b.name ?? '', undefined, { sensitivity: 'base' });
    return byName !== 0 ? byName : a.publicKey.localeCompare(b.publicKey);
  });
}

export function matchesQuery(peer: ConfigPeerView, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (q === '') return true;
  return (
    (peer.name ?? '').toLowerCase().includes(q) ||
    peer.publicKey.toLowerCase().includes(q) ||
    peer.allowedIps.some((ip) => ip.toLowerCase().includes(q))
  );
}

// --- Kept private keys -------------------------------------------------------------------------------

/** What of `Storage` this needs (localStorage in the app, a Map in tests). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const KEPT_KEY = 'wgdeck.keptClientKeys';

type KeptMap = Record<string, string[]>;

function readKept(store: KeyValueStore): KeptMap {
  try {
    const raw = store.getItem(KEPT_KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
    const out: KeptMap = {};
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
      if (Array.isArray(v)) out[k] = v.filter((x): x is string => typeof x === 'string');
    }
    return out;
  } catch {
    return {};
  }
}

function writeKept(store: KeyValueStore, map: KeptMap): void {
  try {
    store.setItem(KEPT_KEY, JSON.stringify(map));
  } catch {
    // Storage full or disabled: the row simply does not offer the client config again.
  }
}

const ifaceKey = (server: string, iface: string) => `${server}/${iface}`;

/** Public keys (not secrets) of the peers whose private key is in the OS keychain. */
export function keptKeys(store: KeyValueStore, server: string, iface: string): Set<string> {
  return new Set(readKept(store)[ifaceKey(server, iface)] ?? []);
}

export function rememberKept(store: KeyValueStore, server: string, iface: string, keys: string[]): void {
  if (keys.length === 0) return;
  const map = readKept(store);
  const key = ifaceKey(server, iface);
  map[key] = [...new Set([...(map[key] ?? []), ...keys])];
  writeKept(store, map);
}

/** Forgets peers no longer in the file; returns what is still kept. */
export function pruneKept(
  store: KeyValueStore,
  server: string,
  iface: string,
  present: readonly string[],
): Set<string> {
  const map = readKept(store);
  const key = ifaceKey(server, iface);
  const before = map[key] ?? [];
  const presentSet = new Set(present);
  const after = before.filter((k) => presentSet.has(k));
  if (after.length !== before.length) {
    if (after.length === 0) delete map[key];
    else map[key] = after;
    writeKept(store, map);
  }
  return new Set(after);
}
