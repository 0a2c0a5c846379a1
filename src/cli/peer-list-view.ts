import type { PeerUsage } from '../shared/domain.ts';
import { plural, shortKey } from '../shared/format.ts';
import { formatSchedule } from '../shared/peer-lifecycle.ts';
import { NO_PEER_NAME } from '../shared/peer-list.ts';
import type { ConfigPeerView, InterfaceConfigView } from '../shared/peer-ops.ts';
import { displayWidth, fitColumns, line, row, type Column } from './fit-table.ts';
import { escapeUnsafe } from '../shared/safe-text.ts';
import { expiryCell, quotaCell, stateCell } from './peer-lifecycle-view.ts';

const INDENT = '  ';

const KEY_WIDTH = 44;
/** shortKey's: 8 characters and `…`. */
const SHORT_KEY_WIDTH = 9;

const HEADERS = ['STATE', 'NAME', 'KEY', 'ALLOWED IPS', 'QUOTA', 'EXPIRES', 'NOTES'];

/** A peer's usage, where this process knows it (null: unknown, shown as `—`). */
export type UsageOf = (publicKey: string) => PeerUsage | null;

/** The first allowed IP whole and how many more (`198.18.128.2/32 +1`): `--json` has them all. */
function ipsCell(ips: readonly string[]): string {
  if (ips.length === 0) return '(none)';
  return ips.length === 1 ? ips[0]! : `${ips[0]!} +${ips.length - 1}`;
}

function cells(peer: ConfigPeerView, now: number, usageOf: UsageOf): string[] {
  const notes = [
    peer.persistentKeepalive ? `ka ${peer.persistentKeepalive}` : '',
    peer.hasPresharedKey ? 'psk' : '',
    peer.schedule ? formatSchedule(peer.schedule) : '',
  ].filter(Boolean);
  return [
    stateCell(peer.disabled, peer.disabledBy),
    peer.name ?? NO_PEER_NAME,
    peer.publicKey,
    ipsCell(peer.allowedIps),
    quotaCell(peer.quota, peer.quota ? usageOf(peer.publicKey) : null),
    expiryCell(peer.expiresAt, now),
    notes.join(' '),
  ];
}

/**
 * The columns for these rows. The lifecycle columns are as wide as their widest cell (and gone when
 * no peer has one); quota and expiry are never cut, only dropped (after the notes) when nothing else
 * can give way; name, IPs and notes shrink.
 */
function columnsFor(rows: readonly string[][], keyWidth: number): Column[] {
  const widest = (i: number): number => {
    const w = Math.max(0, ...rows.map((r) => displayWidth(escapeUnsafe(r[i]!))));
    return w === 0 ? 0 : Math.max(w, HEADERS[i]!.length);
  };
  const notes = widest(6);
  return [
    { width: widest(0) }, // state
    { width: 16, min: 12 }, // name: the notes go before it gets narrower
    { width: keyWidth }, // public key: whole, or its first 8 characters
    { width: Math.max(15, widest(3)), min: 15 }, // allowed IPs: one IPv4 /32 whole
    { width: widest(4), drop: 2 }, // quota: whole or not at all
    { width: widest(5), drop: 3 }, // expires: whole or not at all
    { width: notes, min: Math.min(notes, 9), drop: 4 }, // notes: `ka 25 psk` at least
  ];
}

/** Words packed into lines of at most `width` columns (one word longer than that is cut). */
function wrap(first: string, words: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let current = first;
  for (const word of words) {
    const next = `${current} ${word}`;
    if (displayWidth(escapeUnsafe(next)) > width && current.trim() !== '') {
      lines.push(current);
      current = `${INDENT}${word}`;
    } else current = next;
  }
  lines.push(current);
  return lines.map((l) => line(l, width));
}

/**
 * `wgdeck peer list` as text, `width` columns wide at most: the file and its peers as a table (state,
 * with why the enforcer disabled one; name; key; IPs; quota and its use; expiry; keepalive, psk and
 * schedule), its warnings, its backups. Every cell is escaped and cut (fit-table.ts).
 */
export function renderPeerList(
  view: InterfaceConfigView,
  options: { width: number; now: number; usageOf?: UsageOf },
): string[] {
  const { width, now } = options;
  const usageOf = options.usageOf ?? (() => null);
  const lines = [
    line(
      `${view.configPath}: ${plural(view.peers.length, 'peer')}${view.live ? '' : ` (${view.iface} is not up)`}`,
      width,
    ),
  ];
  if (view.peers.length > 0) {
    const all = view.peers.map((p) => cells(p, now, usageOf));
    const total = width - INDENT.length;
    // The whole key when the row has room for it at its wanted widths, else its first 8 characters
    // (`peer edit --peer` takes a name too; `--json` has every key whole).
    let columns = columnsFor(all, KEY_WIDTH);
    const wanted = (cs: Column[]) => cs.reduce((sum, c) => sum + c.width + (c.width > 0 ? 1 : 0), -1);
    const whole = wanted(columns) <= total;
    if (!whole) columns = columnsFor(all, SHORT_KEY_WIDTH);
    const rows = whole ? all : all.map((r) => r.map((c, i) => (i === 2 ? shortKey(c) : c)));
    // A lifecycle column no peer has a value in is left out.
    const kept = columns.flatMap((c, i) => (c.width > 0 ? [i] : []));
    const pick = <T>(values: readonly T[]): T[] => kept.map((i) => values[i]!);
    const shown = pick(columns);
    const widths = fitColumns(shown, total);
    lines.push(INDENT + row(pick(HEADERS), shown, widths, total));
    for (const peerCells of rows) lines.push(INDENT + row(pick(peerCells), shown, widths, total));
  }
  if (view.saveConfig)
    lines.push(
      line('  ! SaveConfig = true: wg-quick down rewrites this file (wgdeck cannot keep names there)', width),
    );
  if (view.drift && !view.drift.inSync)
    lines.push(
      line(`  ! drift between the file and the live interface: wgdeck drift --server ${view.server}`, width),
    );
  const ids = view.backups.map((b) => b.id);
  const listed = ids.map((id, i) => (i < ids.length - 1 ? `${id},` : id));
  lines.push(...wrap('Backups (newest first):', listed.length > 0 ? listed : ['none'], width));
  return lines;
}

/**
 * `wgdeck peer list --json`: the `peers:read` view as it is (times in ms, as the contract has them:
 * `expiresAt`, `backups[].takenAt`), each peer with its quota's `usage` added (PeerUsage, ms), null
 * when it has no quota or this process does not know it (a one-shot process records no history).
 */
export function peerListJson(
  view: InterfaceConfigView,
  usageOf: UsageOf = () => null,
): Omit<InterfaceConfigView, 'peers'> & { peers: (ConfigPeerView & { usage: PeerUsage | null })[] } {
  return {
    ...view,
    peers: view.peers.map((p) => ({ ...p, usage: p.quota ? usageOf(p.publicKey) : null })),
  };
}
