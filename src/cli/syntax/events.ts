import { Command } from 'commander';
import type { EventsOptions } from '../commands/events.ts';
import { jsonFlag, repeatable } from '../flags.ts';
import { action, type CliRun } from '../run.ts';

export function eventsCommands(run: CliRun): Command {
  const command = new Command('events')
    .summary('the event log: servers down and back, peers, changes')
    .description(
      'The event log, newest first: servers unreachable and back, reboots, peers online and ' +
        'offline, sessions, roaming, counter resets, interface errors and peer changes.',
    )
    .option('--server <S>', 'only this server')
    .option('--peer <KEY_OR_NAME>', 'only this peer (public key or name)')
    .addOption(repeatable('--type <T>', 'only this type, e.g. server.unreachable (repeatable)'))
    .option('--since <AGE>', 'only newer than this: 90s, 30m, 1h, 7d')
    .option('--limit <N>', 'at most N events (default 100)')
    .addOption(jsonFlag());
  return action(command, run, async (ctx, options: EventsOptions) =>
    (await import('../commands/events.ts')).events(ctx, options),
  );
}
