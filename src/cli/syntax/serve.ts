import { Command } from 'commander';
import type { ServeOptions } from '../commands/serve.ts';
import { withStreamFlags } from './stream-flags.ts';
import { action, type CliRun } from '../run.ts';
import { withMetricsFlags } from './exporter-flags.ts';

export function serveCommands(run: CliRun): Command {
  const command = new Command('serve')
    .summary('the app in your browser (loopback, behind a token)')
    .description(
      'The app in your browser, until Ctrl+C: served on loopback, behind a token in the URL it prints.',
    )
    .option('--port <N>', 'the port to listen on (default: a free one)')
    .option(
      '--listen <ADDR>',
      'the address to listen on (default 127.0.0.1; any other is reachable from the network, over plain HTTP)',
    )
    .option('--open', 'open the URL in your browser');
  withMetricsFlags(command);
  withStreamFlags(command);
  return action(command, run, async (ctx, options: ServeOptions) =>
    (await import('../commands/serve.ts')).serve(ctx, options),
  );
}
