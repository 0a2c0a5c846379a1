import type { PeerLive, ServerLive } from '../shared/domain.ts';
import { formatBytes, formatDroppedFrames, formatRate, shortKey } from '../shared/format.ts';
import { formatAge } from '../shared/time-format.ts';
import { terminalSafe } from './terminal-safe.ts';

const STATUS_MARK: Record<PeerLive['status'], string> = {
  online: '\u001b[32m●\u001b[0m',
  stale: '\u001b[33m●\u001b[0m',
  offline: '\u001b[31m●\u001b[0m',
  never: '\u001b[90m○\u001b[0m',
};

function byActivity(a: PeerLive, b: PeerLive): number {
  const rate = (p: PeerLive) => (p.rxRate ?? 0) + (p.txRate ?? 0);
  return rate(b) - rate(a) || (b.latestHandshake ?? 0) - (a.latestHandshake ?? 0);
}

/**
 * The `wgdeck watch` screen: one block per server, busiest peers first, cut to the terminal's height
 * so a 1,000-peer interface does not scroll the header away. Written to the terminal as it is (it
 * has colour codes of its own), so every line of text is made terminal-safe here.
 */
export function renderWatch(
  servers: ServerLive[],
  options: { rows: number; intervalSeconds: number; color: boolean },
): string {
  const lines: string[] = [
    `WG Deck — ${servers.length} server(s), every ${options.intervalSeconds} s — Ctrl+C to quit`,
    '',
  ];
  const perServerBudget = Math.max(3, Math.floor((options.rows - 2) / Math.max(1, servers.length)) - 2);
  for (const server of servers) {
    const dropped = server.droppedFrames > 0 ? `  ${formatDroppedFrames(server.droppedFrames)}` : '';
    lines.push(
      terminalSafe(
        `${server.name} (${server.host})  ${server.state}${server.error ? ` — ${server.error}` : ''}${dropped}`,
      ),
    );
    const now = server.serverTime ?? Date.now() / 1000;
    for (const iface of server.interfaces) {
      const online = iface.peers.filter((p) => p.status === 'online').length;
      lines.push(
        terminalSafe(
          `  ${iface.name}  ${online}/${iface.peers.length} online  rx ${formatRate(iface.rates.rxBytes)}  tx ${formatRate(iface.rates.txBytes)}` +
            `  err ${iface.counters?.rxErrors ?? '-'}/${iface.counters?.txErrors ?? '-'}  drop ${iface.counters?.rxDropped ?? '-'}/${iface.counters?.txDropped ?? '-'}`,
        ),
      );
      const peers = [...iface.peers].sort(byActivity);
      const shown = peers.slice(0, perServerBudget);
      for (const peer of shown) {
        const mark = options.color ? STATUS_MARK[peer.status] : peer.status.padEnd(7);
        lines.push(
          `    ${mark} ` +
            terminalSafe(
              `${shortKey(peer.publicKey).padEnd(10)} ${(peer.allowedIps[0] ?? '').padEnd(20)} ` +
                `${formatAge(peer.latestHandshake, now).padEnd(12)} ↓${formatRate(peer.rxRate).padStart(12)} ↑${formatRate(peer.txRate).padStart(12)}` +
                `  ${formatBytes(peer.rxBytes)} / ${formatBytes(peer.txBytes)}`,
            ),
        );
      }
      if (peers.length > shown.length) lines.push(`    … ${peers.length - shown.length} more`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
