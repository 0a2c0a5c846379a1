import { Command } from 'commander';
import { repeatable } from '../flags.ts';
import { action, type CliRun } from '../run.ts';

export function watchCommands(run: CliRun): Command {
  const command = new Command('watch')
    .summary('live view, refreshed every interval')
    .description('Live view of the fleet, refreshed every interval, until Ctrl+C.')
    .addOption(repeatable('--server <NAME>', 'only this server (repeat for more)'));
  return action(command, run, async (ctx, options: { server?: string[] }) =>
    (await import('../commands/watch.ts')).watch(ctx, options),
  );
}
