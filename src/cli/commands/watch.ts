import type { ServerLive } from '../../shared/domain.ts';
import type { PeerNames } from '../../shared/peer-ops.ts';
import type { CliContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { renderWatch } from '../watch-view.ts';

/** What a pipe (no terminal) is laid out for. */
const PIPE_SIZE = { columns: 80, rows: 40 };

/** A live terminal view; runs until Ctrl+C (or SIGTERM). Redrawn on every update and resize. */
export async function watch(ctx: CliContext, values: { server?: string[] }): Promise<number> {
  const servers = new Map<string, ServerLive>();
  const names = new Map<string, PeerNames['names']>();
  const learn = (entry: PeerNames): void => void names.set(`${entry.server}\n${entry.iface}`, entry.names);
  const tty = Boolean(process.stdout.isTTY);
  const settings = await ctx.engine.handlers['settings:get']();
  let pending: NodeJS.Timeout | null = null;
  const draw = (): void => {
    pending = null;
    const screen = renderWatch([...servers.values()], {
      rows: process.stdout.rows || PIPE_SIZE.rows,
      columns: process.stdout.columns || PIPE_SIZE.columns,
      intervalSeconds: settings.intervalSeconds,
      color: tty,
      names: (server, iface) => names.get(`${server}\n${iface}`),
    });
    // Home, clear, then the screen, which is at most rows - 1 lines: nothing scrolls.
    process.stdout.write(tty ? `\u001b[H\u001b[2J${screen}` : `${screen}\n`);
  };
  // Coalesce: several servers reporting in the same instant (or a drag-resize) draw once.
  const schedule = (): void => void (pending ??= setTimeout(draw, 100));
  for (const entry of await ctx.engine.handlers['peers:names']()) learn(entry);
  const offNames = ctx.engine.subscribe('peers:names', (entry) => {
    learn(entry);
    schedule();
  });
  const offLive = ctx.engine.subscribe('fleet:server', (live) => {
    servers.set(live.name, live);
    schedule();
  });
  process.stdout.on('resize', schedule);
  await ctx.engine.start(values.server);
  if ((await ctx.engine.handlers['fleet:state']()).length === 0) {
    ctx.err('No servers yet. Add one: wgdeck server add NAME --host HOST');
    ctx.engine.stop();
    return EXIT.failure;
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  process.stdout.off('resize', schedule);
  offNames();
  offLive();
  if (pending) clearTimeout(pending);
  if (tty) process.stdout.write('\n');
  ctx.engine.stop();
  return EXIT.ok;
}
