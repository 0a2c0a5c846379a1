import type { PeerLive, ServerLive } from '../shared/domain.ts';
import { formatBytes, formatDroppedFrames, plural, shortKey } from '../shared/format.ts';
import { formatAge } from '../shared/time-format.ts';
import { NO_PEER_NAME } from '../shared/peer-list.ts';
import { cliHint } from './error-hints.ts';
import { fitColumns, line, row, type Column } from './fit-table.ts';
import { filterFleet, type NamesOf, type PeerFilter } from './peer-filter.ts';

const INDENT = '    ';

/** At 80 columns the totals go first, then the handshake; name, endpoint and IPs shrink first. */
const COLUMNS: Column[] = [
  { width: 7 }, // status
  { width: 16, min: 6 }, // name
  { width: 9 }, // short key
  { width: 21, min: 8 }, // endpoint
  { width: 18, min: 10 }, // allowed IPs
  { width: 10, drop: 2 }, // handshake age
  { width: 21, drop: 4 }, // rx / tx totals
];

const HEADERS = ['STATUS', 'NAME', 'KEY', 'ENDPOINT', 'ALLOWED IPS', 'HANDSHAKE', 'RX / TX'];

function cells(peer: PeerLive, name: string | undefined, now: number): string[] {
  return [
    peer.status,
    name ?? NO_PEER_NAME,
    shortKey(peer.publicKey),
    peer.endpoint ?? '(none)',
    peer.allowedIps.join(',') || '(none)',
    formatAge(peer.latestHandshake, now),
    `${formatBytes(peer.rxBytes)} / ${formatBytes(peer.txBytes)}`,
  ];
}

/**
 * `wgdeck status` as text, `width` columns wide at most (the terminal's, or 80 for a pipe): a line
 * per server and interface, a table row per peer, in the order given (peer-filter.ts sorted them).
 * Every line is escaped and cut (fit-table.ts); `status --json` has every field in full.
 */
export function renderStatus(
  servers: readonly ServerLive[],
  options: { names: NamesOf; width: number; filter?: PeerFilter },
): string[] {
  const { names, width } = options;
  const filtered = filterFleet(servers, options.filter ?? {}, names);
  const widths = fitColumns(COLUMNS, width - INDENT.length);
  const lines: string[] = [];
  filtered.forEach((server, s) => {
    lines.push(line(`${server.name} (${server.host}): ${server.state}`, width));
    if (server.error) lines.push(line(`  ! ${server.error}`, width));
    const hint = server.error ? cliHint(server.errorCode, server.name) : null;
    if (hint) lines.push(line(`    ${hint}`, width));
    if (server.droppedFrames > 0) lines.push(line(`  ! ${formatDroppedFrames(server.droppedFrames)}`, width));
    const now = server.serverTime ?? Date.now() / 1000;
    for (const iface of server.interfaces) {
      // The interface's own counts, whatever the filter shows of it.
      const all = servers[s]!.interfaces.find((i) => i.name === iface.name)?.peers ?? iface.peers;
      const online = all.filter((p) => p.status === 'online').length;
      const c = iface.counters;
      lines.push(
        line(
          `  ${iface.name}  port ${iface.listenPort ?? '-'}  ${online}/${plural(all.length, 'peer')} online` +
            (iface.peers.length !== all.length ? `  (${iface.peers.length} shown)` : '') +
            (c
              ? `  rx ${formatBytes(c.rxBytes)}  tx ${formatBytes(c.txBytes)}  err ${c.rxErrors}/${c.txErrors}  drop ${c.rxDropped}/${c.txDropped}`
              : ''),
          width,
        ),
      );
      if (iface.peers.length === 0) continue;
      lines.push(INDENT + row(HEADERS, COLUMNS, widths, width - INDENT.length));
      const known = names(server.name, iface.name);
      for (const peer of iface.peers) {
        lines.push(
          INDENT + row(cells(peer, known?.[peer.publicKey], now), COLUMNS, widths, width - INDENT.length),
        );
      }
    }
  });
  return lines;
}
