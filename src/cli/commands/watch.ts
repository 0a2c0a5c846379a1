import type { ServerLive } from '../../shared/domain.ts';
import type { CliContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { renderWatch } from '../watch-view.ts';

/** A live terminal view; runs until Ctrl+C (or SIGTERM). */
export async function watch(ctx: CliContext, values: { server?: string[] }): Promise<number> {
  const servers = new Map<string, ServerLive>();
  const tty = Boolean(process.stdout.isTTY);
  const settings = await ctx.engine.handlers['settings:get']();
  let pending: NodeJS.Timeout | null = null;
  const draw = (): void => {
    pending = null;
    const screen = renderWatch([...servers.values()], {
      rows: process.stdout.rows || 40,
      intervalSeconds: settings.intervalSeconds,
      color: tty,
    });
    process.stdout.write(tty ? `\u001b[H\u001b[2J${screen}\n` : `${screen}\n`);
  };
  ctx.engine.subscribe('fleet:server', (live) => {
    servers.set(live.name, live);
    // Coalesce: several servers reporting in the same instant draw once.
    pending ??= setTimeout(draw, 100);
  });
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
  if (pending) clearTimeout(pending);
  ctx.engine.stop();
  return EXIT.ok;
}
