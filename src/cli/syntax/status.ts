import { Command, Option } from 'commander';
import type { StatusOptions } from '../commands/status.ts';
import { jsonFlag, repeatable } from '../flags.ts';
import { action, type CliRun } from '../run.ts';
import { peerStatusSchema } from '../../shared/domain.ts';

export function statusCommands(run: CliRun): Command {
  const command = new Command('status')
    .summary('one snapshot of the fleet')
    .description(
      'One snapshot of the fleet: every server, interface and peer, then exit.\n' +
        'Peers are listed online first, then by name; with --peer, best match first.',
    )
    .addOption(repeatable('--server <NAME>', 'only this server (repeat for more)'))
    .option('--all', 'every server (the default)')
    .addOption(new Option('--interface <I>', 'only this interface, e.g. wg0'))
    .addOption(new Option('--status <S>', 'only peers of this status').choices(peerStatusSchema.options))
    .addOption(new Option('--peer <QUERY>', 'only peers matching a name, key, IP, prefix or endpoint'))
    .addOption(jsonFlag());
  return action(command, run, async (ctx, options: StatusOptions) =>
    (await import('../commands/status.ts')).status(ctx, options),
  );
}
