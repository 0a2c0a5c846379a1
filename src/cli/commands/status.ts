import type { ServerLive } from '../../shared/domain.ts';
import { formatBytes, formatDroppedFrames } from '../../shared/format.ts';
import { formatAge } from '../../shared/time-format.ts';
import type { CliContext } from '../context.ts';
import { EXIT, exitCodeForCode } from '../exit-codes.ts';
import { toStatusJson } from '../status-json.ts';
import { UsageError } from '../usage-error.ts';

function printHuman(ctx: CliContext, servers: ServerLive[]): void {
  for (const server of servers) {
    const dropped = server.droppedFrames > 0 ? `; ${formatDroppedFrames(server.droppedFrames)}` : '';
    ctx.out(
      `${server.name} (${server.host}): ${server.state}${server.error ? ` — ${server.error}` : ''}${dropped}`,
    );
    const now = server.serverTime ?? Date.now() / 1000;
    for (const iface of server.interfaces) {
      const online = iface.peers.filter((p) => p.status === 'online').length;
      const c = iface.counters;
      ctx.out(
        `  ${iface.name}  port ${iface.listenPort ?? '-'}  peers ${online}/${iface.peers.length} online` +
          (c
            ? `  rx ${formatBytes(c.rxBytes)}  tx ${formatBytes(c.txBytes)}  errors ${c.rxErrors}/${c.txErrors}  drops ${c.rxDropped}/${c.txDropped}`
            : ''),
      );
      for (const peer of iface.peers) {
        ctx.out(
          `    ${peer.status.padEnd(7)} ${peer.publicKey}  ${(peer.endpoint ?? '(no endpoint)').padEnd(22)} ` +
            `${peer.allowedIps.join(',')}  handshake ${formatAge(peer.latestHandshake, now)}  ` +
            `rx ${formatBytes(peer.rxBytes)}  tx ${formatBytes(peer.txBytes)}`,
        );
      }
    }
  }
}

export type StatusOptions = { server?: string[]; all?: true; json?: true };

/** One snapshot of the fleet. Exit 0 when every server answered; otherwise the first failure's code. */
export async function status(ctx: CliContext, values: StatusOptions): Promise<number> {
  if (values.all && values.server) throw new UsageError('use either --server NAME or --all');
  const names = values.server;
  const servers = await ctx.engine.pollOnce(names);
  if (servers.length === 0 && !values.json)
    ctx.err('No servers yet. Add one: wgdeck server add NAME --host HOST');
  if (values.json) ctx.out(JSON.stringify(toStatusJson(servers), null, 2));
  else printHuman(ctx, servers);
  const failed = servers.find((s) => s.state !== 'connected');
  if (!failed) return EXIT.ok;
  if (!values.json) ctx.err(`${failed.name}: ${failed.error ?? failed.state}`);
  return servers.length === 1 ? exitCodeForCode(failed.errorCode ?? '') : EXIT.failure;
}
