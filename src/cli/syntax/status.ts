import { Command } from 'commander';
import type { StatusOptions } from '../commands/status.ts';
import { jsonFlag, repeatable } from '../flags.ts';
import { action, type CliRun } from '../run.ts';

export function statusCommands(run: CliRun): Command {
  const command = new Command('status')
    .summary('one snapshot of the fleet')
    .description('One snapshot of the fleet: every server, interface and peer, then exit.')
    .addOption(repeatable('--server <NAME>', 'only this server (repeat for more)'))
    .option('--all', 'every server (the default)')
    .addOption(jsonFlag());
  return action(command, run, async (ctx, options: StatusOptions) =>
    (await import('../commands/status.ts')).status(ctx, options),
  );
}
