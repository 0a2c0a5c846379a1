import type { InterfaceLive, PeerLive, ServerLive } from '../shared/domain.ts';
import { formatBytes, formatDroppedFrames, formatRate, plural, shortKey } from '../shared/format.ts';
import { formatAge } from '../shared/time-format.ts';
import { NO_PEER_NAME } from '../shared/peer-list.ts';
import { cliHint } from './error-hints.ts';
import { fitColumns, line, row, type Column } from './fit-table.ts';
import { filterFleet, type NamesOf } from './peer-filter.ts';

const STATUS_MARK: Record<PeerLive['status'], string> = {
  online: '\u001b[32m●\u001b[0m',
  stale: '\u001b[33m●\u001b[0m',
  idle: '\u001b[90m●\u001b[0m',
  offline: '\u001b[31m●\u001b[0m',
  never: '\u001b[90m○\u001b[0m',
};

export interface WatchOptions {
  /** The terminal's size: the screen never has more lines than `rows - 1` nor wider lines than `columns`. */
  rows: number;
  columns: number;
  intervalSeconds: number;
  /** Colour status marks (a terminal); else the status as a word. */
  color: boolean;
  names?: NamesOf;
}

const INDENT = '  ';

/**
 * The peer table's columns, most important first. At 80 columns the totals go first, then the
 * rates and the handshake; name and allowed IP shrink before anything is dropped.
 */
function peerColumns(color: boolean): Column[] {
  return [
    { width: color ? 1 : 7 }, // status
    { width: 16, min: 6 }, // name
    { width: 9 }, // short key
    { width: 18, min: 10 }, // first allowed IP
    { width: 10, drop: 3 }, // handshake age
    { width: 11, align: 'right', drop: 2 }, // ↓ rate
    { width: 11, align: 'right', drop: 2 }, // ↑ rate
    { width: 21, drop: 4 }, // rx / tx totals
  ];
}

const HEADERS = ['', 'NAME', 'KEY', 'ALLOWED IP', 'HANDSHAKE', '↓ RATE', '↑ RATE', 'RX / TX'];

interface Block {
  /** Lines above the peers: the server's (first interface only), then the interface's. */
  head: string[];
  peers: PeerLive[];
  server: ServerLive;
  iface: InterfaceLive | null;
}

/** How many peer lines each block gets (a "… N more peers" line counts as one of them). */
function share(blocks: readonly Block[], budget: number): number[] {
  const out = blocks.map(() => 0);
  // Smallest blocks first: what they do not need goes to the larger ones.
  const order = blocks.map((b, i) => i).sort((a, b) => blocks[a]!.peers.length - blocks[b]!.peers.length);
  let left = Math.max(0, budget);
  order.forEach((index, k) => {
    const fair = Math.floor(left / (order.length - k));
    const give = Math.min(blocks[index]!.peers.length, fair);
    out[index] = give;
    left -= give;
  });
  return out;
}

function peerCells(peer: PeerLive, name: string | undefined, now: number, color: boolean): string[] {
  return [
    color ? '' : peer.status,
    name ?? NO_PEER_NAME,
    shortKey(peer.publicKey),
    peer.allowedIps[0] ?? '',
    formatAge(peer.latestHandshake, now),
    `↓${formatRate(peer.rxRate)}`,
    `↑${formatRate(peer.txRate)}`,
    `${formatBytes(peer.rxBytes)} / ${formatBytes(peer.txBytes)}`,
  ];
}

function serverLines(server: ServerLive, width: number): string[] {
  const lines = [line(`${server.name} (${server.host})  ${server.state}`, width)];
  if (server.error) lines.push(line(`${INDENT}! ${server.error}`, width));
  const hint = server.error ? cliHint(server.errorCode, server.name) : null;
  if (hint) lines.push(line(`${INDENT}  ${hint}`, width));
  if (server.droppedFrames > 0)
    lines.push(line(`${INDENT}! ${formatDroppedFrames(server.droppedFrames)}`, width));
  return lines;
}

function interfaceLine(iface: InterfaceLive, width: number): string {
  const online = iface.peers.filter((p) => p.status === 'online').length;
  const c = iface.counters;
  return line(
    `${INDENT}${iface.name}  ${online}/${plural(iface.peers.length, 'peer')} online` +
      `  rx ${formatRate(iface.rates.rxBytes)}  tx ${formatRate(iface.rates.txBytes)}` +
      `  err ${c?.rxErrors ?? '-'}/${c?.txErrors ?? '-'}  drop ${c?.rxDropped ?? '-'}/${c?.txDropped ?? '-'}`,
    width,
  );
}

/**
 * The `wgdeck watch` screen, fitted to the terminal: at most `rows - 1` lines (the header never
 * scrolls away) of at most `columns` columns (nothing wraps). Peers are listed in the one peer-list
 * order (shared/peer-list.ts: online first, then by name, then key), so rows stay put between
 * refreshes; what does not fit is counted ("… 12 more peers"). Server text is escaped cell by cell
 * (fit-table.ts); the only raw escape codes are the status marks' colours.
 */
export function renderWatch(servers: ServerLive[], options: WatchOptions): string {
  const width = Math.max(20, options.columns);
  const height = Math.max(3, options.rows - 1);
  const columns = peerColumns(options.color);
  const widths = fitColumns(columns, width - INDENT.length);
  const title = [
    line(
      `WG Deck — ${plural(servers.length, 'server')}, every ${options.intervalSeconds} s — Ctrl+C to quit`,
      width,
    ),
    INDENT + row(HEADERS, columns, widths, width - INDENT.length),
  ];

  const blocks: Block[] = [];
  for (const server of filterFleet(servers, {}, options.names ?? (() => undefined))) {
    const head = ['', ...serverLines(server, width)];
    if (server.interfaces.length === 0) blocks.push({ head, peers: [], server, iface: null });
    server.interfaces.forEach((iface, k) => {
      blocks.push({
        head: [...(k === 0 ? head : []), interfaceLine(iface, width)],
        peers: iface.peers,
        server,
        iface,
      });
    });
  }

  const fixed = title.length + blocks.reduce((sum, b) => sum + b.head.length, 0);
  const budgets = share(blocks, height - fixed);
  const lines = [...title];
  blocks.forEach((block, i) => {
    lines.push(...block.head);
    const budget = budgets[i] ?? 0;
    const hidden = block.peers.length > budget;
    const shown = hidden ? block.peers.slice(0, Math.max(0, budget - 1)) : block.peers;
    const names = block.iface ? options.names?.(block.server.name, block.iface.name) : undefined;
    const now = block.server.serverTime ?? Date.now() / 1000;
    for (const peer of shown) {
      const cells = peerCells(peer, names?.[peer.publicKey], now, options.color);
      const text = row(cells, columns, widths, width - INDENT.length);
      // The status cell is one blank column when coloured: the mark takes its place.
      lines.push(INDENT + (options.color ? `${STATUS_MARK[peer.status]}${text.slice(1)}` : text));
    }
    if (hidden && budget > 0) {
      lines.push(
        line(`${INDENT}… ${plural(block.peers.length - shown.length, 'more peer', 'more peers')}`, width),
      );
    }
  });
  if (lines.length > height) {
    // Even the headings do not fit (many servers in a short terminal): cut, and say so.
    const cutAt = height - 1;
    lines.splice(
      cutAt,
      lines.length - cutAt,
      line(`… ${lines.length - cutAt} more lines: enlarge the terminal`, width),
    );
  }
  return lines.join('\n');
}
